"""The intake over a folder of mixed files: kinds from content, clients from org numbers,
exact outcomes per file, a bad file never stopping the others."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from byraa.core.base.errors import UserError
from byraa.core.importers import intake
from byraa.core.importers import recognise as recognising
from byraa.core.importers.recognise import recognise
from byraa.core.store.models import Client, PayrollRun
from byraa.core.store.models_reconcile import ReconSource
from tests.builders import org, small_agency
from tests.core.importers.intake_runs import outcomes, run_planned
from tests.data.payroll_months import month_message, national_ids
from tests.data.reconcile import build as b
from tests.spawns import record_spawned_pools

SAMPLE = Path("/work/shared/samples/saft-financial-example-888888888.xml")
if not SAMPLE.exists():
    SAMPLE = Path(__file__).resolve().parents[2] / "data" / "reconcile" / "saft-financial-example-888888888.xml"


def mixed_folder(tmp_path: Path) -> Path:
    inbox = tmp_path / "innboks"
    (inbox / "kunde-a" / "okt").mkdir(parents=True)
    (inbox / "kunde-b").mkdir()
    a_sep = b.write_amelding(inbox / "kunde-a" / "sep.xml", month_message(org(1), org(11), "2026-09", 5))
    b.write_amelding(inbox / "kunde-a" / "okt" / "v1.xml", month_message(org(1), org(11), "2026-10", 5))
    # v2 names v1 in erstatterMeldingsId: v2 replaces v1 (and v1 after v2 would change nothing).
    b.write_amelding(inbox / "kunde-a" / "okt" / "v2.xml", month_message(
        org(1), org(11), "2026-10", 6, message_id="v2", replaces=f"{org(1)}-2026-10-1"))
    shutil.copyfile(a_sep, inbox / "kunde-a" / "kopi-av-sep.data")  # a duplicate, by content
    b.write_amelding(inbox / "kunde-b" / "okt.xml", month_message(org(2), org(12), "2026-10", 3))
    b.write_amelding(inbox / "fremmed.xml", month_message(org(77), org(78), "2026-10", 2))  # not a client
    (inbox / "brukket.xml").write_bytes(b.write_amelding(tmp_path / "x.xml", month_message(
        org(2), org(12), "2026-09", 3)).read_bytes()[:900])  # cut off mid-file
    (inbox / "fiendtlig.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "y">]><melding>&x;</melding>', encoding="utf-8")
    (inbox / "notat.txt").write_text("hei\n", encoding="utf-8")
    b.write_json(inbox / "a07-b.json", b.a07(org(2), "2026-10", [b.a07_person(national_ids(1)[0], "Person",
        employments=[b.a07_employment(org(12), "0")], incomes=[(org(12), "fastloenn", "30000")],
        withheld=[(org(12), "9000")])]))
    (inbox / "hovedbok.csv").write_text("account;period;amount\n2600;2026-10;-100\n", encoding="utf-8")
    shutil.copyfile(SAMPLE, inbox / "saft.xml")
    return inbox


def test_recognise_by_content_not_name(tmp_path: Path) -> None:
    inbox = mixed_folder(tmp_path)
    copy = recognise(inbox / "kunde-a" / "kopi-av-sep.data")
    assert (copy.kind, copy.client, copy.period) == ("amelding", org(1), "2026-09")
    assert recognise(inbox / "a07-b.json").kind == "a07"
    saft = recognise(inbox / "saft.xml")
    # A ledger covers months: its header's first and last (SelectionCriteria 01-04 2017).
    assert (saft.kind, saft.client, saft.period, saft.period_to) == ("ledger_saft", "888888888", "2017-01", "2017-04")
    assert (copy.period_to, recognise(inbox / "a07-b.json").period_to) == (None, None)
    assert recognise(inbox / "notat.txt").kind is None
    assert recognise(inbox / "hovedbok.csv").refusal
    csv = inbox / f"{org(1)}_hovedbok.csv"
    csv.write_text("account;period;amount\n2600;2026-03;-100\n5000;2026-01;100\n2600;2026-02;-50\n", encoding="utf-8")
    assert (recognise(csv).period, recognise(csv).period_to) == ("2026-01", "2026-03")


def test_many_files_are_recognised_in_worker_processes_as_here(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """A large folder is recognised in worker processes: the same findings, in order, and a
    refusal in the user's language (the workers speak it too)."""
    from byraa.core.words import i18n

    files = intake.expand([mixed_folder(tmp_path)])
    here = [recognise(p) for p in files]
    monkeypatch.setattr(recognising, "PARALLEL_FROM", 1)
    from byraa.core.base import processes

    spawned = record_spawned_pools(monkeypatch, processes)
    before = i18n.language()
    try:
        for language in ("nb", "en"):
            i18n.set_language(language)
            assert recognising.recognise_all(files) == [recognise(p) for p in files]
    finally:
        i18n.set_language(before)
    assert len(spawned) == 2 and all(pool is not None for pool in spawned)
    assert any(r.refusal for r in here)


def test_mixed_folder_outcomes(store, tmp_path: Path) -> None:
    small = small_agency(store)
    who = small.who()
    with store.session() as s:
        s.add(Client(org_number="888888888", name="Tøyen Lekefabrikk AS", created_at=datetime.now(UTC)))
    inbox = mixed_folder(tmp_path)
    planned = intake.plan(store, who, [inbox])
    by_name = {Path(f.path).name: f for f in planned}
    assert by_name["fremmed.xml"].action == "refused" and org(77) in (by_name["fremmed.xml"].reason or "")
    # Folders are walked in name order: the copy comes first, sep.xml is then the same file.
    assert (by_name["kopi-av-sep.data"].action, by_name["sep.xml"].action) == ("imported", "unchanged")
    assert by_name["v2.xml"].action == "replaced"
    assert by_name["okt.xml"].client_name == "Bakeri Beta AS"
    assert [(by_name[n].period, by_name[n].period_to) for n in ("saft.xml", "okt.xml")] == [
        ("2017-01", "2017-04"), ("2026-10", None)]
    info, rows = run_planned(store, who, planned)
    assert info.status == "done"
    outcome = outcomes(rows)
    assert outcome == {
        "sep.xml": "unchanged", "kopi-av-sep.data": "imported", "v1.xml": "imported", "v2.xml": "replaced",
        "okt.xml": "imported", "fremmed.xml": "refused", "brukket.xml": "refused", "fiendtlig.xml": "refused",
        "notat.txt": "refused", "a07-b.json": "imported", "hovedbok.csv": "refused", "saft.xml": "imported"}
    assert {(r.period, r.period_to) for r in rows if Path(r.path).name == "saft.xml"} == {("2017-01", "2017-04")}
    reasons = {Path(r.path).name: r.reason or "" for r in rows}
    assert "brukket.xml" in reasons["brukket.xml"] and "linje" in reasons["brukket.xml"]
    assert "fiendtlig.xml" in reasons["fiendtlig.xml"]
    with store.session() as s:
        active = s.execute(select(ReconSource.kind, func.count()).where(ReconSource.active.is_(True))
                           .group_by(ReconSource.kind)).all()
        assert dict(active) == {"amelding": 3, "a07": 1, "ledger": 1}
        v2 = s.scalars(select(ReconSource).where(ReconSource.message_id == "v2")).one()
        runs = s.scalars(select(PayrollRun).where(PayrollRun.source_id.is_not(None),
                                                  PayrollRun.client_id == v2.client_id,
                                                  PayrollRun.period == "2026-10")).all()
        assert [r.source_id for r in runs] == [v2.id]
    # The same folder again: everything is in already (the cut-off file's header reads
    # fine, so only the import itself finds it broken).
    again = {Path(f.path).name: f.action for f in intake.plan(store, who, [inbox]) if f.reason is None}
    assert set(again.values()) == {"unchanged"} | ({"imported"} if again.pop("brukket.xml") else set())
    assert set(again.values()) == {"unchanged"}


def test_missing_path_is_a_bad_invocation(store, tmp_path: Path) -> None:
    small = small_agency(store)
    with pytest.raises(UserError, match="no/such"):
        intake.plan(store, small.who(), [tmp_path / "no" / "such"])
