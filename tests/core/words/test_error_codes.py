"""Every user error in ``src/byraa`` is a code with parameters, and every code has words.

An AST scan finds each ``raise`` of a ``UserError`` subclass (and each refusal built by
``Where.refuse``, ``XmlRejected`` and ``AnswerRejected``) and checks that the code is a
string literal present in ``MESSAGES`` (no sentence, no f-string), and that the
parameters the raise passes are the fields its template names.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import byraa
from byraa.core.words.errors import MESSAGES

SRC = Path(byraa.__file__).resolve().parent
ERRORS = {"UserError", "AccessDenied", "NotFound", "ConfigError", "ImportRefused", "ExportExists"}
"""``UserError`` and its subclasses: checked wherever they are raised or built."""
REASONS = {"XmlRejected", "AnswerRejected"}
"""Refusals that are not user errors themselves but carry a code rendered where shown."""


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _calls() -> list[tuple[str, int, str, ast.Call]]:
    """(file, line, class or ``refuse``, call) for every error built in ``src/byraa``."""
    found = []
    names = ERRORS | REASONS | {"refuse"}
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if not any(name in source for name in names):
            continue  # no call of these names can be in it; parsing every file took a second per worker
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (name := _name(node.func)) in names:
                if name in ERRORS and isinstance(node.func, ast.Name) and node.func.id != name:
                    continue
                found.append((str(path.relative_to(SRC)), node.lineno, name, node))
    return found


def _raised_classes() -> set[str]:
    raised = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                raised.add(_name(node.exc.func) or "")
    return raised


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


CALLS = _calls()


def test_the_scan_finds_the_errors() -> None:
    """The scan is not vacuous: it sees the raises of every kind, the subclasses among them."""
    kinds = {name for _, _, name, _ in CALLS}
    assert {"UserError", "NotFound", "AccessDenied", "ConfigError", "ImportRefused", "refuse"} <= kinds
    assert len(CALLS) > 200
    assert {"UserError", "NotFound", "AccessDenied", "ImportRefused", "ExportExists"} <= _raised_classes()


@pytest.mark.parametrize(("where", "line", "name", "call"), CALLS, ids=[f"{w}:{n}" for w, n, _, _ in CALLS])
def test_every_error_is_a_known_code_with_its_fields(where: str, line: int, name: str, call: ast.Call) -> None:
    index = 1 if name == "refuse" else 0
    assert len(call.args) > index, f"{where}:{line}: {name} without a code"
    code = call.args[index]
    forwards = any(k.arg is None for k in call.keywords)
    if forwards and isinstance(code, ast.Name | ast.Attribute):
        return  # passes on a code and its parameters built (and checked) where they came from
    assert isinstance(code, ast.Constant) and isinstance(code.value, str), (
        f"{where}:{line}: the code of {name} must be a string literal, not {ast.unparse(code)}")
    assert " " not in code.value and "." in code.value, f"{where}:{line}: {code.value!r} is a sentence, not a code"
    assert code.value in MESSAGES, f"{where}:{line}: {code.value!r} has no template in core.words.messages"
    if forwards:
        return
    passed = {k.arg for k in call.keywords if k.arg}
    assert passed == _fields(MESSAGES[code.value]), f"{where}:{line}: {code.value} parameters"


def test_a_sentence_is_caught() -> None:
    """The check above fails on the old way of raising."""
    tree = ast.parse('raise UserError(f"no client {org}")\nraise NotFound("no such client")')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert all(not (isinstance(c.args[0], ast.Constant) and c.args[0].value in MESSAGES) for c in calls)
