#!/usr/bin/env python3
"""Wrap SQLModel fields used in queries in ``sqlmodel.col(...)``, so mypy sees columns.

    .venv/bin/python scripts/sqlmodel_col.py src/byraa/core/clients/groups.py ...

A model's field read on the class (``Client.name``) is typed as its Python value (``str``),
so ``Client.name.in_(...)`` or ``select().where(Client.id == x)`` fail the type check.
This rewrites every ``Model.field`` (a table model's column, read outside ``col()``) to
``col(Model.field)`` and adds ``from sqlmodel import col``; then run ``ruff check --fix
--select I`` for the import order, wrap lines over 120 and look at the diff. It does not
follow aliases (``a = Client``), leaves ``pk(Model.id)`` alone, and a loop variable named
``col`` in a file it touches must be renamed by hand (ruff reports it: F402).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from sqlalchemy import inspect
from sqlmodel import SQLModel

from byraa.core.store.tables import load_all


def table_columns() -> dict[str, set[str]]:
    """Each table model's class name and its column attributes."""
    load_all()
    found: dict[str, set[str]] = {}
    stack = list(SQLModel.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if hasattr(cls, "__table__"):
            found[cls.__name__] = set(inspect(cls).column_attrs.keys())
    return found


def wrap(path: Path, tables: dict[str, set[str]]) -> int:
    """Rewrite one file; the number of references wrapped."""
    source = path.read_text()
    tree = ast.parse(source)
    wrapped = {id(arg) for node in ast.walk(tree)
               if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("col", "pk")
               for arg in node.args}
    targets = [node for node in ast.walk(tree)
               if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
               and node.attr in tables.get(node.value.id, ()) and isinstance(node.ctx, ast.Load)
               and id(node) not in wrapped]
    if not targets:
        return 0
    lines = source.splitlines(keepends=True)
    # From the end, so the offsets of earlier references on a line stay valid.
    for node in sorted(targets, key=lambda n: (n.lineno, n.col_offset), reverse=True):
        raw = lines[node.lineno - 1].encode()
        start, end = node.col_offset, node.end_col_offset or node.col_offset
        lines[node.lineno - 1] = (raw[:start] + b"col(" + raw[start:end] + b")" + raw[end:]).decode()
    text = "".join(lines)
    if not any(line.startswith("from sqlmodel import") and "col" in line for line in text.splitlines()):
        last_import = max(st.end_lineno or st.lineno for st in ast.parse(text).body
                          if isinstance(st, ast.Import | ast.ImportFrom))
        lines = text.splitlines(keepends=True)
        lines.insert(last_import, "from sqlmodel import col\n")
        text = "".join(lines)
    path.write_text(text)
    return len(targets)


def main(argv: list[str]) -> int:
    tables = table_columns()
    for name in argv:
        if count := wrap(Path(name), tables):
            print(f"{name}: {count} wrapped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
