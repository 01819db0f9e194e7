"""SAF-T ledgers read in the intake's worker processes: the same lines, the same refusals
(with their place in the file) and the same archived bytes as a file read in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from byraa.core.base.errors import UserError
from byraa.core.importers import Where, intake, intake_pool
from byraa.core.importers.ledger import import_saft
from byraa.core.importers.ledger_read import Lines, SaftRead, parse_saft, read_saft_file
from byraa.core.store.models import ArchiveFile
from byraa.core.store.models_reconcile import ReconLedger, ReconSource
from tests.builders import org, small_agency
from tests.core.importers.intake_runs import outcomes, run_planned
from tests.core.importers.test_import_ledger import SAMPLE
from tests.data.reconcile.folder import saft

MONTHS = range(1, 10)


def _month_file(folder: Path, month: int) -> Path:
    lines = [("5000", 100_000 * month, None, "AVD:1"), ("2930", -100_000 * month, f"{month:03d}", None)]
    return saft(folder / f"hovedbok-2026-{month:02d}.xml", [(f"V{month}", f"2026-{month:02d}-15", lines)],
                first=month, last=month)


def _stored(store) -> dict[str, list[tuple]]:  # noqa: ANN001
    """file name -> its stored lines, as the reader packs them."""
    out: dict[str, list[tuple]] = {}
    with store.session() as s:
        for name, *line in s.execute(select(
                ReconSource.filename, ReconLedger.account, ReconLedger.period, ReconLedger.kind, ReconLedger.amount,
                ReconLedger.entry_date, ReconLedger.voucher, ReconLedger.text, ReconLedger.party,
                ReconLedger.dimension).join(ReconSource, ReconSource.id == ReconLedger.source_id)
                .where(ReconLedger.kind == "posting").order_by(ReconLedger.id)):
            day = line[4]
            out.setdefault(name, []).append((*line[:4], day.isoformat() if day else None, *line[5:]))
    return out


def test_a_folder_of_ledgers_read_in_worker_processes(store, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    who = small_agency(store).who()
    inbox = tmp_path / "innboks"
    inbox.mkdir()
    files = [_month_file(inbox, m) for m in MONTHS]
    broken = inbox / "hovedbok-feil.xml"
    broken.write_text(_month_file(tmp_path, 10).read_text("utf-8").replace("<Amount>10000.00<", "<Amount>ti<", 1),
                      encoding="utf-8")
    (inbox / "fremmed.xml").write_bytes(SAMPLE.read_bytes())  # 888888888: not a client of the agency
    read: list[object] = []
    take = intake_pool.Prefetch.take

    async def spy(self, item_id: int):  # noqa: ANN001, ANN202
        got = await take(self, item_id)
        read.append(got)
        return got

    monkeypatch.setattr(intake_pool.Prefetch, "take", spy)
    monkeypatch.setattr(intake_pool, "MIN_BYTES", 0)  # small files, read in the workers all the same
    planned = intake.plan(store, who, [inbox])
    assert sum(f.kind == "ledger_saft" and f.action != "refused" for f in planned) >= intake_pool.MIN_FILES
    info, rows = run_planned(store, who, planned)
    assert info.status == "done"
    assert outcomes(rows) == {**{f.name: "imported" for f in files}, "hovedbok-feil.xml": "refused", "fremmed.xml": "refused"}
    # Every file the plan let through was read by a worker, none in-process.
    assert len(read) == len(MONTHS) + 1 and all(isinstance(r, SaftRead) for r in read)
    # The refusal names the file and the place in it, as an in-process read does.
    reason = next(r.reason for r in rows if Path(r.path).name == "hovedbok-feil.xml") or ""
    with pytest.raises(UserError) as in_process:
        parse_saft(broken, Where(broken), Lines())
    assert reason == str(in_process.value) and "hovedbok-feil.xml" in reason and "linje" in reason
    # The lines stored are those an in-process read gives, and the archive keeps the bytes read.
    stored = _stored(store)
    for f in files:
        lines = Lines()
        parse_saft(f, Where(f), lines)
        assert stored[f.name] == lines.packed
    with store.session() as s:
        archived = dict(s.execute(select(ReconSource.filename, ArchiveFile.content)
                                  .join(ArchiveFile, ArchiveFile.id == ReconSource.archive_id)).all())
    assert {name: archived[name] for name in stored} == {f.name: f.read_bytes() for f in files}


def test_a_worker_read_imports_as_the_file_does(store, tmp_path: Path) -> None:  # noqa: ANN001
    """``import_saft`` of a worker's read: the same result as of the file, and a refusal the
    worker met is raised as it was met (nothing stored)."""
    who = small_agency(store).who()
    f = _month_file(tmp_path, 3)
    result = import_saft(store, who, f, read=read_saft_file(str(f)))
    assert (result.status, result.client, result.period, result.counts) == (
        "imported", org(1), "2026-03", {"accounts": 1, "lines": 2})
    missing = read_saft_file(str(tmp_path / "borte.xml"))
    assert missing.error is not None and missing.saft is None and not missing.lines.packed
    with pytest.raises(UserError, match="borte.xml"):
        import_saft(store, who, tmp_path / "borte.xml", read=missing)
    with store.session() as s:
        assert len(s.scalars(select(ReconSource)).all()) == 1


def test_replaced_is_what_the_import_did_not_what_the_plan_guessed(store, tmp_path: Path) -> None:  # noqa: ANN001
    """A ledger planned to replace one that is then refused replaces nothing: imported. A
    ledger of months imported before replaces them: replaced."""
    who = small_agency(store).who()
    inbox = tmp_path / "innboks"
    inbox.mkdir()
    march = _month_file(inbox, 3)
    broken = inbox / "a-feil.xml"  # sorted first: planned as the month's first ledger
    broken.write_text(march.read_text("utf-8").replace("<Amount>3000.00<", "<Amount>tre<", 1), encoding="utf-8")
    planned = intake.plan(store, who, [inbox])
    assert {Path(f.path).name: f.action for f in planned} == {"a-feil.xml": "imported", march.name: "replaced"}
    assert outcomes(run_planned(store, who, planned)[1]) == {"a-feil.xml": "refused", march.name: "imported"}
    again = inbox / "hovedbok-2026-03-rettet.xml"
    again.write_text(march.read_text("utf-8").replace("<Amount>3000.00<", "<Amount>3100.00<"), encoding="utf-8")
    broken.unlink()
    assert outcomes(run_planned(store, who, intake.plan(store, who, [again]))[1]) == {again.name: "replaced"}
