"""The audit trail's hash chain: every rewrite is found by `byraa audit verify`.

Each forgery below is what someone with write access to the database file or the
schema owner's role could do; the chain must name the place. The writers' test runs
real OS processes granting and revoking at once: the chain stays linear and every
access event's ``before`` is the previous event's ``after``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from byraa.cli.main import main
from byraa.core.agency import access_admin, audit
from byraa.core.base.errors import AccessDenied
from byraa.core.store import Store
from tests import forked
from tests.builders import org, small_agency


def _events(store: Store, n: int = 5) -> None:
    small = small_agency(store)
    boss = small.who()
    for i in range(n):
        access_admin.grant(store, boss, "other", "associate" if i % 2 == 0 else "responsible", org_numbers=[org(1)])


def _verify(store: Store):  # noqa: ANN202
    env = {"BYRAA_DATABASE_URL": store.url, "BYRAA_LANG": "en"}
    return CliRunner().invoke(main, ["audit", "verify"], env=env)


@contextmanager
def _forger(store: Store) -> Iterator:  # noqa: ANN001
    """A raw connection with the append-only triggers out of the way, as the file's owner
    (SQLite) or the schema owner (PostgreSQL) could have them; they are put back after."""
    with store.engine.begin() as conn:
        if store.dialect == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
            try:
                yield conn
            finally:
                conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
            yield conn


def _ids(store: Store) -> list[int]:
    with store.engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT id FROM audit_event ORDER BY id"))]


def test_an_untouched_trail_verifies(store) -> None:
    _events(store)
    result = _verify(store)
    assert result.exit_code == 0, result.output
    assert "intact: 5 events" in result.output


def test_an_updated_event_is_named(store) -> None:
    _events(store)
    ids = _ids(store)
    with _forger(store) as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'other' WHERE id = :i"), {"i": ids[1]})
    result = _verify(store)
    assert result.exit_code == 1
    assert f"broken at event {ids[2]} " in result.stderr


def test_an_updated_newest_event_is_found(store) -> None:
    _events(store)
    with _forger(store) as conn:
        conn.execute(text("UPDATE audit_event SET after = NULL WHERE id = :i"), {"i": _ids(store)[-1]})
    result = _verify(store)
    assert result.exit_code == 1 and "newest events" in result.stderr


@pytest.mark.parametrize("which", [0, 2, -1])
def test_a_deleted_event_is_found(store, which: int) -> None:
    _events(store)
    ids = _ids(store)
    with _forger(store) as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": ids[which]})
    result = _verify(store)
    assert result.exit_code == 1
    if which != -1:
        assert f"broken at event {ids[which + 1]} " in result.stderr


def test_a_truncated_trail_is_found(store) -> None:
    _events(store)
    with _forger(store) as conn:  # TRUNCATE fires no row trigger on PostgreSQL
        conn.execute(text("DELETE FROM audit_event" if store.dialect == "sqlite" else "TRUNCATE audit_event"))
    assert _verify(store).exit_code == 1


def test_insert_or_replace_on_sqlite_is_found(sqlite_store) -> None:
    """``INSERT OR REPLACE`` replaces a row with no DELETE trigger firing: the chain still sees it."""
    _events(sqlite_store)
    ids = _ids(sqlite_store)
    with sqlite_store.engine.begin() as conn:
        row = conn.execute(text("SELECT * FROM audit_event WHERE id = :i"), {"i": ids[2]}).mappings().one()
        forged = {**row, "after": json.dumps({"login": "other", "role": "manager"})}
        conn.execute(text(f"INSERT OR REPLACE INTO audit_event ({', '.join(forged)}) "
                          f"VALUES ({', '.join(':' + k for k in forged)})"), forged)
    result = _verify(sqlite_store)
    assert result.exit_code == 1 and f"broken at event {ids[3]} " in result.stderr


def test_reordered_events_are_found(store) -> None:
    _events(store)
    ids = _ids(store)
    with _forger(store) as conn:
        rows = {r["id"]: dict(r) for r in conn.execute(text("SELECT * FROM audit_event")).mappings()}
        a, b = rows[ids[1]], rows[ids[2]]
        for target, source in ((ids[1], b), (ids[2], a)):
            values = {k: v for k, v in source.items() if k != "id"}
            conn.execute(text(f"UPDATE audit_event SET {', '.join(f'{k} = :{k}' for k in values)} WHERE id = :id"),
                         {**values, "id": target})
    result = _verify(store)
    assert result.exit_code == 1 and f"broken at event {ids[1]} " in result.stderr


def test_the_trail_listing_is_for_managers_with_filters(store) -> None:
    _events(store, 3)
    from byraa.core.agency.identity import resolve

    boss, clerk = resolve(store, "tester"), resolve(store, "clerk")
    with pytest.raises(AccessDenied):
        audit.trail(store, clerk)
    rows = audit.trail(store, boss, client=org(1), user="tester", action="access")
    assert [r.action for r in rows] == ["access.grant"] * 3 and {r.client for r in rows} == {org(1)}
    assert audit.trail(store, boss, user="nobody") == []
    env = {"BYRAA_DATABASE_URL": store.url}
    listed = CliRunner().invoke(main, ["audit", "--client", org(1), "--format", "json"], env=env)
    assert listed.exit_code == 0, listed.output
    assert [r["after"]["role"] for r in json.loads(listed.stdout)] == ["associate", "responsible", "associate"]
    refused = CliRunner().invoke(main, ["audit", "--format", "csv"], env={**env, "BYRAA_USER": "clerk"})
    assert refused.exit_code == 2 and refused.stdout == ""


def test_a_trail_longer_than_the_limit_shows_its_newest_events_oldest_first_and_says_so(store) -> None:
    _events(store, 5)
    from byraa.core.agency.identity import resolve

    boss = resolve(store, "tester")
    every = audit.trail(store, boss)
    newest = audit.trail(store, boss, limit=2)
    assert [r.id for r in newest] == [r.id for r in every[-2:]] and newest[0].id < newest[1].id
    assert newest[-1].after == every[-1].after and isinstance(newest[-1].after, dict)
    env = {"BYRAA_DATABASE_URL": store.url, "BYRAA_LANG": "nb"}
    cut = CliRunner().invoke(main, ["audit", "--limit", "2"], env=env)
    assert cut.exit_code == 0, cut.output
    assert cut.stderr == ("byraa: de nyeste 2 hendelsene, eldste først; eldre med --since, --client, --user, "
                          "--action eller en større --limit.\n")
    lines = cut.stdout.splitlines()
    assert len(lines) == 4 and lines[2].split()[0] == str(every[-2].id) and lines[3].split()[0] == str(every[-1].id)
    # The table shows the stored JSON as it is (sorted keys), JSON output the values.
    assert lines[3].endswith('{"role": "responsible"}  {"login": "other", "role": "associate"}')
    exactly = CliRunner().invoke(main, ["audit", "--limit", str(len(every))], env=env)
    assert exactly.exit_code == 0 and exactly.stderr == ""  # nothing was left out: no note
    as_csv = CliRunner().invoke(main, ["audit", "--format", "csv"], env=env)
    last = next(csv.DictReader(io.StringIO(as_csv.stdout.splitlines()[0] + "\n" + as_csv.stdout.splitlines()[-1])))
    assert json.loads(last["after"]) == every[-1].after  # JSON in the CSV cell, not Python's repr
    whole = CliRunner().invoke(main, ["audit", "--format", "json"], env=env)
    assert whole.exit_code == 0 and whole.stderr == ""
    assert [r["id"] for r in json.loads(whole.stdout)] == [r.id for r in every]


@pytest.mark.parametrize(("lang", "words", "what"), [("nb", "ga tilgang", "klienttilgang"),
                                                     ("en", "gave access", "client access")])
def test_the_trail_table_words_its_actions_and_json_keeps_the_codes(store, lang: str, words: str,
                                                                     what: str) -> None:
    """A person reads what happened, and to what, in their language; a script filters on the codes."""
    _events(store, 1)
    env = {"BYRAA_DATABASE_URL": store.url, "BYRAA_LANG": lang}
    table = CliRunner().invoke(main, ["audit", "--action", "access"], env=env)
    assert table.exit_code == 0, table.output
    assert words in table.stdout and "access.grant" not in table.stdout, table.stdout
    assert what in table.stdout and "client_access" not in table.stdout, table.stdout
    listed = CliRunner().invoke(main, ["audit", "--action", "access", "--format", "json"], env=env)
    assert [(r["action"], r["entity"]) for r in json.loads(listed.stdout)] == [("access.grant", "client_access")]


# --- Concurrent writers -------------------------------------------------------------------

WRITERS, ROUNDS = 3, 12


def _storm(url: str, n: int, barrier) -> None:  # noqa: ANN001
    from byraa.core.agency import access_admin
    from byraa.core.agency.identity import resolve
    from byraa.core.store import Store
    from tests.builders import org

    store = Store(url)
    try:
        boss = resolve(store, "tester")
        barrier.wait(timeout=60)
        for i in range(ROUNDS):
            if (i + n) % 3 == 2:
                access_admin.revoke(store, boss, "other", org_numbers=[org(1)])
            else:
                access_admin.grant(store, boss, "other", ("associate", "responsible")[(i + n) % 2],
                                   org_numbers=[org(1)])
    finally:
        store.dispose()


def test_concurrent_writers_keep_one_linear_chain(store) -> None:
    small_agency(store)
    ctx = forked.context()  # warm processes (tests/forked.py), each with its own connections
    barrier = ctx.Barrier(WRITERS)
    workers = [ctx.Process(target=_storm, args=(store.url, n, barrier)) for n in range(WRITERS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
        assert w.exitcode == 0
    verdict = audit.verify(store)
    assert verdict.intact, verdict
    with store.engine.connect() as conn:
        events = list(conn.execute(text("SELECT action, before, after FROM audit_event ORDER BY id")))
    assert len(events) > WRITERS  # some grants are no-ops (same role): not every round writes
    role = None
    for action, before, after in events:
        before, after = json.loads(before) if before else None, json.loads(after) if after else None
        assert (before or {}).get("role") == role, (action, before, role)
        role = after["role"] if action == "access.grant" else None
