"""Every importer on every hostile file: exit 2, one line naming the file (and the record
or line where there is one), no traceback, and not one row changed."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlmodel import SQLModel

from byraa.cli.main import main
from byraa.core.store.tables import load_all
from tests.builders import small_agency
from tests.hostile.make_corpus import make


def _digest(store) -> str:  # noqa: ANN001
    """Every row of every table."""
    load_all()
    h = hashlib.sha256()
    with store.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            for row in session.execute(select(table).order_by(*table.primary_key.columns)):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    return make(tmp_path_factory.mktemp("hostile"))


def test_the_corpus_covers_every_importer(corpus) -> None:  # noqa: ANN001
    assert {c.command[1] for c in corpus} == {"amelding", "a07", "ledger", "taxcards"}


def test_every_importer_refuses_every_hostile_file(sqlite_store, corpus, monkeypatch) -> None:  # noqa: ANN001
    small_agency(sqlite_store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", sqlite_store.url)
    monkeypatch.setenv("BYRAA_LANG", "en")
    before = _digest(sqlite_store)
    failures = []
    for case in corpus:
        result = CliRunner().invoke(main, case.command, env=case.env)
        line = result.stderr.strip()
        problems = []
        if result.exit_code != 2:
            problems.append(f"exit {result.exit_code}")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problems.append(f"crashed: {type(result.exception).__name__}")
        if line.count("\n") or "Traceback" in result.output:
            problems.append("more than one line")
        problems += [f"does not name {n!r}" for n in case.names if n not in line]
        if problems:
            failures.append(f"{case.name}: {', '.join(problems)}: {line[:200]!r}")
    assert not failures, "\n".join(failures)
    assert _digest(sqlite_store) == before
