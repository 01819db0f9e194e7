"""The a-melding importer: what it stores, and files it refuses whole."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from byraa.core.base.errors import AccessDenied, NotFound, UserError
from byraa.core.clients.registry import client_detail
from byraa.core.importers.amelding import import_amelding, import_many
from byraa.core.store.models import AmeldingSubmission, ArchiveFile, AuditEvent, Employee, Employment, Leave, SubUnit
from byraa.core.store.models_reconcile import ReconAga, ReconIncome, ReconSource, ReconWithholding
from tests.builders import nid, org, small_agency
from tests.data.reconcile import build as b

TABLES = (ArchiveFile, AuditEvent, Employee, Employment, Leave, SubUnit, ReconSource, ReconIncome,
          ReconWithholding, ReconAga)


def counts(store) -> dict[str, int]:  # noqa: ANN001
    with store.session() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}


def october(**kw) -> dict:  # noqa: ANN003
    return b.amelding(org(1), "2026-10", [b.unit(org(11), [
        b.recipient(nid(2), "Person A0", employments=[b.employment("1", pct=80.0)],
                    incomes=[b.income("45000.00"), b.income("1200.50", "bil", fordel="naturalytelse", trekk=True)],
                    withheld="12000"),
        b.recipient(nid(40), "Nora Ny", employments=[b.employment("7", start="2026-10-01", yrke="2512101",
                                                                  leaves=[b.leave("2026-10-10", "2026-12-31", 50.0)])],
                    incomes=[b.income("30000")], withheld="8000.25"),
    ], aga=[("1", "76200.50", 14.1)])], sum_withholding="20000.25", **kw)


def test_import_stores_figures_register_and_archive(store, tmp_path: Path) -> None:
    small = small_agency(store)
    path = b.write_amelding(tmp_path / "okt.xml", october())
    result = import_amelding(store, small.who(), path)
    assert result.status == "imported" and result.period == "2026-10"
    assert result.counts["recipients"] == 2 and result.counts["employees_added"] == 1
    with store.session() as s:
        a0 = s.scalars(select(Employee).where(Employee.national_id == nid(2))).one()
        emp = s.scalars(select(Employment).where(Employment.employee_id == a0.id)).one()
        assert emp.position_pct == 80.0 and emp.occupation_code == "5223102"
        new = s.scalars(select(Employee).where(Employee.national_id == nid(40))).one()
        assert new.name == "Nora Ny" and new.client_id == small.clients["A"]
        e7 = s.scalars(select(Employment).where(Employment.employee_id == new.id)).one()
        assert (e7.employment_ref, e7.start_date, e7.occupation_code) == ("7", date(2026, 10, 1), "2512101")
        leave = s.scalars(select(Leave).where(Leave.employment_id == e7.id)).one()
        assert (leave.start_date, leave.end_date, leave.leave_pct) == (date(2026, 10, 10), date(2026, 12, 31), 50.0)
        assert sorted(s.scalars(select(ReconIncome.amount))) == [120050, 3000000, 4500000]
        assert sorted(s.scalars(select(ReconWithholding.amount))) == [800025, 1200000]
        aga = s.scalars(select(ReconAga)).one()
        assert (aga.zone, aga.basis, aga.rate, aga.amount) == ("1", 7620050, 14.1, 1074427)
        source = s.scalars(select(ReconSource)).one()
        assert source.declared_withholding == 2000025 and source.message_id == "m1"
        archived = s.get(ArchiveFile, source.archive_id)
        assert archived.content == path.read_bytes() and archived.kind == "amelding"
        assert archived.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == source.sha256
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import.amelding")) == 1
    again = import_amelding(store, small.who(), path)
    assert again.status == "unchanged"


def test_next_months_update_only_what_changed_and_keep_one_copy_of_each_leave(store, tmp_path: Path) -> None:
    """The register is written where a month says something new; a leave on an employment
    that did not change is found again, not added twice."""
    small = small_agency(store)
    import_amelding(store, small.who(), b.write_amelding(tmp_path / "okt.xml", october()))

    def month(period: str, name: str, pct: float) -> dict:
        return b.amelding(org(1), period, [b.unit(org(11), [
            b.recipient(nid(2), name, employments=[b.employment("1", pct=pct)], incomes=[b.income("40000")]),
            b.recipient(nid(40), "Nora Ny", employments=[b.employment(
                "7", start="2026-10-01", yrke="2512101", leaves=[b.leave("2026-10-10", "2026-12-31", 50.0)])],
                incomes=[b.income("30000")]),
        ], aga=[("1", "70000", 14.1)])], message_id=f"m-{period}")

    # November: only a name changes (no employment does); December: a position changes.
    for period, name, pct in (("2026-11", "Person A0 Gift", 80.0), ("2026-12", "Person A0 Gift", 60.0)):
        result = import_amelding(store, small.who(), b.write_amelding(tmp_path / f"{period}.xml",
                                                                       month(period, name, pct)))
        assert result.status == "imported" and result.counts["employees_added"] == 0
        with store.session() as s:
            a0 = s.scalars(select(Employee).where(Employee.national_id == nid(2))).one()
            assert a0.name == name
            assert s.scalars(select(Employment.position_pct).where(Employment.employee_id == a0.id)).one() == pct
            nora = s.scalars(select(Employee).where(Employee.national_id == nid(40))).one()
            e7 = s.scalars(select(Employment).where(Employment.employee_id == nora.id)).one()
            assert (e7.occupation_code, e7.position_pct, e7.start_date) == ("2512101", 100.0, date(2026, 10, 1))
            leaves = s.scalars(select(Leave).where(Leave.employment_id == e7.id)).all()
            assert [(lv.start_date, lv.end_date, lv.leave_pct) for lv in leaves] == [
                (date(2026, 10, 10), date(2026, 12, 31), 50.0)], period


def test_older_versions_and_replacement(store, tmp_path: Path) -> None:
    small = small_agency(store)
    import_amelding(store, small.who(), b.write_amelding(tmp_path / "a.xml", october(), version="v2_0"))
    second = october(message_id="m2", replaces="m1")
    second["leveranse"]["oppgave"]["virksomhet"][0]["inntektsmottaker"].pop()
    result = import_amelding(store, small.who(), b.write_amelding(tmp_path / "b.xml", second, version="v2_2"))
    assert any("replaces" in n for n in result.notes)
    with store.session() as s:
        assert [x.active for x in s.scalars(select(ReconSource).order_by(ReconSource.id))] == [False, True]


def test_folder_import(store, tmp_path: Path) -> None:
    small = small_agency(store)
    folder = tmp_path / "inn"
    folder.mkdir()
    b.write_amelding(folder / "1.xml", october())
    b.write_amelding(folder / "2.xml", b.amelding(org(1), "2026-11", [b.unit(org(11), [
        b.recipient(nid(2), "Person A0", incomes=[b.income("45000")])])], message_id="m9"))
    (folder / "readme.txt").write_text("not an a-melding")
    results = import_many(store, small.who(), [folder])
    assert [r.period for r in results] == ["2026-10", "2026-11"]


@pytest.mark.parametrize("mutate, where", [
    (lambda m: m["leveranse"]["oppgave"]["virksomhet"][0]["inntektsmottaker"][1].update(
        norskIdentifikator="01819000392"), "<inntektsmottaker/norskIdentifikator> (linje"),
    (lambda m: m["leveranse"]["oppgave"]["virksomhet"][0].update(norskIdentifikator="310000125"),
     "<virksomhet/norskIdentifikator> (linje"),
    (lambda m: m["leveranse"].update(kalendermaaned="2026-13"), "<kalendermaaned> (linje"),
    (lambda m: m["leveranse"].update(leveringstidspunkt="28.10.2026 12:00"), "<leveringstidspunkt> (linje"),
    (lambda m: m["leveranse"]["oppgave"]["virksomhet"][0]["inntektsmottaker"][1]["inntekt"][0].update(
        beloep="30 000,123"), "<inntekt/beloep> (linje"),
    (lambda m: m["leveranse"]["oppgave"]["virksomhet"][0]["inntektsmottaker"][1]["arbeidsforhold"][0].update(
        startdato="2026-02-30"), "<arbeidsforhold/startdato> (linje"),
    (lambda m: m["leveranse"]["oppgave"]["virksomhet"][0]["inntektsmottaker"][1].update(
        fradrag=[{"beskrivelse": "premieTilPensjonsordninger", "beloep": "1 000,5x"}]), "<fradrag/beloep> (linje"),
])
def test_bad_values_refuse_the_whole_file(store, tmp_path: Path, mutate, where: str) -> None:  # noqa: ANN001
    small = small_agency(store)
    message = october()
    mutate(message)
    path = b.write_amelding(tmp_path / "bad.xml", message)
    before = counts(store)
    with pytest.raises(UserError) as err:
        import_amelding(store, small.who(), path)
    assert err.value.exit_code == 2
    assert str(err.value).startswith("bad.xml, ") and where in str(err.value), str(err.value)
    assert err.value.code == "import.refused" and "ingenting ble importert" in str(err.value)
    assert "01819000392" not in str(err.value)  # national ids are masked in messages
    assert counts(store) == before


def test_unknown_client_and_no_access(store, tmp_path: Path) -> None:
    small = small_agency(store)
    before = counts(store)
    with pytest.raises(NotFound, match=rf"^x.xml: ingen klient med organisasjonsnummer {org(70)} .*ingenting ble importert"):
        import_amelding(store, small.who(), b.write_amelding(tmp_path / "x.xml", b.amelding(org(70), "2026-10", [])))
    with pytest.raises(AccessDenied):  # client A: clerk has no grant
        import_amelding(store, small.who("clerk"), b.write_amelding(tmp_path / "y.xml", october()))
    assert counts(store) == before


@pytest.mark.parametrize("body", [
    b'<?xml version="1.0"?>\n<!DOCTYPE melding [<!ENTITY x "boom">]>\n'
    b'<melding xmlns="urn:ske:fastsetting:innsamling:a-meldingen:v2_3"><Leveranse>&x;</Leveranse></melding>',
    b'<?xml version="1.0"?>\n<!DOCTYPE melding SYSTEM "file:///etc/passwd">\n<melding/>',
    b'<melding xmlns="urn:ske:fastsetting:innsamling:a-meldingen:v9_9"><Leveranse/></melding>',
    b'<melding xmlns="urn:ske:fastsetting:innsamling:a-meldingen:v2_3"><Leveranse><oppgave>',
])
def test_hostile_or_foreign_xml_is_refused(store, tmp_path: Path, body: bytes) -> None:
    small = small_agency(store)
    path = tmp_path / "evil.xml"
    path.write_bytes(body)
    before = counts(store)
    with pytest.raises(UserError) as err:
        import_amelding(store, small.who(), path)
    assert "evil.xml" in str(err.value) and "root:" not in str(err.value)
    assert counts(store) == before


def test_large_file_is_archived_in_chunks_unchanged(store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from byraa.core.importers import archiving

    monkeypatch.setattr(archiving, "STREAM_ARCHIVE_BYTES", 100)
    small = small_agency(store)
    path = b.write_amelding(tmp_path / "okt.xml", october())
    result = import_amelding(store, small.who(), path)
    with store.session() as s:
        archived = s.get(ArchiveFile, result.archive_id)
        assert archived.content == path.read_bytes() and archived.size == path.stat().st_size
        assert archived.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("stated, utc", [
    ("2026-10-28T12:00:00", datetime(2026, 10, 28, 11, 0, tzinfo=UTC)),  # Norwegian winter time, no offset
    ("2026-10-20T12:00:00", datetime(2026, 10, 20, 10, 0, tzinfo=UTC)),  # summer time until 25 October
    ("2026-10-28T12:00:00Z", datetime(2026, 10, 28, 12, 0, tzinfo=UTC)),
    ("2026-10-28T12:00:00.250+01:00", datetime(2026, 10, 28, 11, 0, 0, 250000, tzinfo=UTC)),
    (None, None),  # no leveringstidspunkt: the import's own time stands in
])
def test_submitted_is_when_the_payroll_system_delivered_the_file(store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  stated: str | None, utc: datetime | None) -> None:
    monkeypatch.setenv("BYRAA_TODAY", "2026-12-07")
    small = small_agency(store)
    message = october()
    message["leveranse"]["leveringstidspunkt"] = stated
    import_amelding(store, small.who(), b.write_amelding(tmp_path / "okt.xml", message))
    expected = utc or datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    with store.session() as s:
        source = s.scalars(select(ReconSource)).one()
        assert source.delivered_at == utc and source.imported_at == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
        assert s.scalars(select(AmeldingSubmission.submitted_at).where(
            AmeldingSubmission.source_id == source.id)).one() == expected
    # What the client's a-melding list shows, and after a newer version replaced it.
    [row] = [r for r in client_detail(store, small.who(), small.clients["A"]).submissions if r.message_id == "m1"]
    assert row.submitted_at == expected
    message["leveranse"].update(meldingsId="m2", erstatterMeldingsId="m1", leveringstidspunkt="2026-11-02T08:15:00")
    import_amelding(store, small.who(), b.write_amelding(tmp_path / "okt2.xml", message))
    [row] = [r for r in client_detail(store, small.who(), small.clients["A"]).submissions if r.message_id[0] == "m"]
    assert (row.message_id, row.submitted_at) == ("m2", datetime(2026, 11, 2, 7, 15, tzinfo=UTC))
