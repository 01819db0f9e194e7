"""Three OS processes import the same a-melding at once: exactly one active copy is stored.

Each process opens its own connection and waits at a barrier, so all three read "not
imported yet" before any commits; the file is large enough that the first one still
writes while the others arrive. The database's partial unique index refuses the second
and third copies, and the importer turns that into "unchanged" (never a crash, never
a double).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from byraa.core.store.models import SubUnit
from byraa.core.store.models_reconcile import ReconIncome, ReconSource
from tests import forked
from tests.builders import nid, org, small_agency
from tests.data.reconcile import build as b

PROCESSES = 3


def _import(url: str, path: str, barrier, results) -> None:  # noqa: ANN001
    import os

    os.environ["BYRAA_LANG"] = "en"
    from byraa.core.agency.identity import resolve
    from byraa.core.importers.amelding import import_amelding
    from byraa.core.store import Store

    store = Store(url)
    try:
        who = resolve(store, "tester")
        barrier.wait(timeout=60)
        try:
            results.put(import_amelding(store, who, path).status)
        except BaseException as exc:  # noqa: BLE001  (reported to the test, which fails on it)
            results.put(f"error: {type(exc).__name__}: {exc}")
    finally:
        store.dispose()


def _big_amelding(tmp_path: Path) -> Path:
    recipients = [b.recipient(nid(100 + n), f"Person {n}", incomes=[b.income("30000"), b.income("1200"), b.income("800")], withheld="9000")
                  for n in range(700)]
    message = b.amelding(org(1), "2026-10", [b.unit(org(11), recipients), b.unit(org(30), recipients[:1])])
    return b.write_amelding(tmp_path / "okt.xml", message)


def test_three_processes_importing_one_file_store_one_active_copy(store, tmp_path: Path) -> None:
    small_agency(store)
    path = _big_amelding(tmp_path)
    ctx = forked.context()  # warm processes (tests/forked.py), each with its own connections
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    workers = [ctx.Process(target=_import, args=(store.url, str(path), barrier, results)) for _ in range(PROCESSES)]
    for w in workers:
        w.start()
    statuses = sorted(results.get(timeout=300) for _ in workers)
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert statuses == ["imported", "unchanged", "unchanged"], statuses
    with store.session() as s:
        active = list(s.scalars(select(ReconSource.id).where(ReconSource.kind == "amelding",
                                                             ReconSource.active.is_(True))))
        assert len(active) == 1
        assert s.scalar(select(func.count()).select_from(ReconSource)) == 1
        assert s.scalar(select(func.count()).select_from(ReconIncome)) == 3 * 701
        assert s.scalar(select(func.count()).select_from(SubUnit).where(SubUnit.org_number == org(30))) == 1
