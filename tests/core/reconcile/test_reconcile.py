"""Runs: stored results, explanations, corrections, sign-off rules, immutability, RBAC."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from byraa.core.base.errors import AccessDenied, UserError
from byraa.core.reconcile import corrections
from byraa.core.reconcile import runs as reconcile
from byraa.core.reconcile.checks import CHECKS, mapping
from byraa.core.store.models import AuditEvent, Employment, Leave
from byraa.core.store.models_reconcile import ReconCorrection, ReconRow
from tests.builders import nid, org
from tests.data.reconcile import scenario


@pytest.fixture
def setup(store, tmp_path: Path):  # noqa: ANN201
    small = scenario.build(store, tmp_path)
    return small, reconcile.run(store, small.who(), org(1), scenario.PERIOD, checks=["employments", "withholding"])


def _audits(store, action: str) -> int:  # noqa: ANN001
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_run_stores_rows_inputs_and_versions(store, setup) -> None:  # noqa: ANN001
    small, run = setup
    assert run.version == 1 and run.differences == run.unresolved > 0 and not run.can_sign
    assert {i["kind"] for i in run.inputs} == {"amelding", "a07", "ledger"}
    assert all(len(i["sha256"]) == 64 for i in run.inputs)
    rows = reconcile.rows(store, small.who(), run.id)
    assert len(rows) == run.rows and [r.seq for r in rows] == list(range(1, run.rows + 1))
    again = reconcile.run(store, small.who(), org(1), scenario.PERIOD)
    assert again.version == 2 and again.checks[0] == "employments" and len(again.checks) == len(CHECKS)
    assert [r.version for r in reconcile.list_runs(store, small.who(), org(1), scenario.PERIOD)] == [2, 1]
    assert _audits(store, "reconcile.run") == 2


def test_sign_off_only_when_every_difference_is_resolved(store, setup) -> None:  # noqa: ANN001
    small, run = setup
    who = small.who()
    with pytest.raises(UserError, match="uten forklaring"):
        reconcile.sign_off(store, who, run.id, status="explained")
    diffs = reconcile.rows(store, who, run.id, differences_only=True)
    for r in diffs[:-1]:
        reconcile.explain(store, who, run.id, r.id, "Kjent avvik, rettes i november")
    with pytest.raises(UserError, match="har 1 avvik uten"):
        reconcile.sign_off(store, who, run.id, status="client_follows_up")
    with pytest.raises(UserError, match="trenger en tekst"):
        reconcile.explain(store, who, run.id, diffs[-1].id, "  ")
    equal = next(r for r in reconcile.rows(store, who, run.id) if r.status == "equal")
    with pytest.raises(UserError, match="ikke et avvik"):
        reconcile.explain(store, who, run.id, equal.id, "x")
    reconcile.explain(store, who, run.id, diffs[-1].id, "Kunden følger opp")
    with pytest.raises(UserError, match="ikke «ok»"):
        reconcile.sign_off(store, who, run.id, status="ok")
    signed = reconcile.sign_off(store, who, run.id, status="explained", sign_date=date(2026, 11, 20))
    assert (signed.sign_status, signed.sign_date, signed.signed_by) == ("explained", date(2026, 11, 20), "tester")
    explained = reconcile.rows(store, who, run.id, differences_only=True)[0]
    assert explained.resolved_by == "tester" and explained.resolved_at is not None
    assert _audits(store, "reconcile.sign_off") == 1 and _audits(store, "reconcile.explained") == len(diffs)


def test_signed_run_is_immutable(store, setup) -> None:  # noqa: ANN001
    small, run = setup
    who = small.who()
    for r in reconcile.rows(store, who, run.id, differences_only=True):
        reconcile.explain(store, who, run.id, r.id, "forklart")
    reconcile.sign_off(store, who, run.id, status="explained")
    row = reconcile.rows(store, who, run.id, differences_only=True)[0]
    for action in (lambda: reconcile.explain(store, who, run.id, row.id, "ny tekst"),
                   lambda: reconcile.sign_off(store, who, run.id, status="explained"),
                   lambda: reconcile.take_a07(store, who, run.id, row.id),
                   lambda: reconcile.send_payroll(store, who, run.id, row.id)):
        with pytest.raises(UserError, match="godkjent og kan ikke endres"):
            action()
    assert reconcile.rows(store, who, run.id, differences_only=True)[0].explanation == "forklart"
    assert reconcile.run(store, who, org(1), scenario.PERIOD).version == 2


def test_ok_sign_off_when_all_equal(store, setup) -> None:  # noqa: ANN001
    small, _ = setup
    run = reconcile.run(store, small.who(), org(1), "2026-09", checks=["income"])
    assert run.differences == 0 and run.can_sign
    assert reconcile.sign_off(store, small.who(), run.id, status="ok").sign_status == "ok"


def test_clerk_without_access_is_refused_by_core(store, setup) -> None:  # noqa: ANN001
    small, run = setup
    clerk = small.who("clerk")  # responsible for B only
    before = _audits(store, "reconcile.run")
    for action in (lambda: reconcile.run(store, clerk, org(1), scenario.PERIOD),
                   lambda: reconcile.compute(store, clerk, org(1), scenario.PERIOD),
                   lambda: reconcile.rows(store, clerk, run.id),
                   lambda: reconcile.explain(store, clerk, run.id, 1, "x"),
                   lambda: reconcile.sign_off(store, clerk, run.id, status="ok"),
                   lambda: reconcile.list_runs(store, clerk, org(1)),
                   lambda: mapping.update(store, clerk, org(1), {"account.withholding": "2601"})):
        with pytest.raises(AccessDenied):
            action()
    assert _audits(store, "reconcile.run") == before


def test_take_a07_updates_the_employment(store, setup) -> None:  # noqa: ANN001
    small, run = setup
    who = small.who()
    rows = reconcile.rows(store, who, run.id, check="employments", differences_only=True)
    position = next(r for r in rows if r.national_id == nid(2) and r.field == "position_pct")
    resolved = reconcile.take_a07(store, who, run.id, position.id)
    assert {r.field for r in resolved} == {"position_pct", "leave"} and all(r.resolution == "take_a07" for r in resolved)
    with store.session() as s:
        emp = s.get(Employment, s.scalar(select(ReconRow.payroll_ref).where(ReconRow.id == position.id)))
        assert emp.position_pct == 80.0
        leave = s.scalars(select(Leave).where(Leave.employment_id == emp.id)).one()
        assert (leave.start_date, leave.leave_pct) == (date(2026, 10, 5), 20.0)
    only_a07 = next(r for r in rows if r.national_id == nid(4))
    reconcile.take_a07(store, who, run.id, only_a07.id)
    only_payroll = next(r for r in rows if r.national_id == nid(41))
    with pytest.raises(UserError, match="a-ordningen har ikke dette arbeidsforholdet"):
        reconcile.take_a07(store, who, run.id, only_payroll.id)
    assert _audits(store, "employment.take_a07") == 2
    rerun = reconcile.run(store, who, org(1), scenario.PERIOD, checks=["employments"], method="simple")
    left = reconcile.rows(store, who, rerun.id, differences_only=True)
    assert sorted((r.national_id, r.field) for r in left) == [(nid(3), "start_date"), (nid(41), "")]


class FakeAltinn:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    async def submit_amelding(self, org_number, period, leveranse, *, idempotency_key=None):  # noqa: ANN001, ANN201
        self.calls.append((org_number, period, leveranse, idempotency_key))
        if len(self.calls) == 1:
            raise RuntimeError("503 from a-ordningen")

        class Receipt:
            forsendelse_id = "F-1"
            dialog_id = "D-1"
        return Receipt()

    async def amelding_feedback(self, org_number, dialog_id, *, forsendelse_id=None, period=None):  # noqa: ANN001, ANN201
        return None  # not ready: the correction stays submitted


def test_send_payroll_queues_a_correction_and_submits_it_once(store, setup) -> None:  # noqa: ANN001
    small, run = setup
    who = small.who()
    rows = reconcile.rows(store, who, run.id, check="employments", differences_only=True)
    only_payroll = next(r for r in rows if r.national_id == nid(41))
    correction = reconcile.send_payroll(store, who, run.id, only_payroll.id)
    assert correction.status == "pending" and len(correction.idempotency_key) == 36
    leveranse = correction.payload["leveranse"]
    assert leveranse["kalendermaaned"] == "2026-10" and leveranse["opplysningspliktig"]["norskIdentifikator"] == org(1)
    # The whole month, replacing the imported a-melding; the corrected person is among them.
    people = [p for u in leveranse["oppgave"]["virksomhet"] for p in u["inntektsmottaker"]]
    person = next(p for p in people if p["norskIdentifikator"] == nid(41))
    assert person["arbeidsforhold"][0]["yrke"] == "2512101" and leveranse["erstatterMeldingsId"]
    assert correction.national_id == nid(41)
    fake = FakeAltinn()
    def submit():  # noqa: ANN202
        return asyncio.run(corrections.submit(store, who, org(1), fake, feedback_attempts=1))

    first = submit()
    assert first[0].status == "pending" and "503" in first[0].detail
    second = submit()
    assert second[0].status == "submitted" and second[0].forsendelse_id == "F-1"
    assert fake.calls[0][3] == fake.calls[1][3] == correction.idempotency_key
    assert [c.status for c in submit()] == ["submitted"]  # asks for feedback again, sends nothing
    assert len(fake.calls) == 2
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReconCorrection)) == 1
    from byraa.core.importers.amelding_xml import to_xml
    assert b"<yrke>2512101</yrke>" in to_xml(correction.payload)


def test_mapping_defaults_edit_and_audit(store, setup) -> None:  # noqa: ANN001
    small, _ = setup
    who = small.who()
    rows = {r.key: r for r in mapping.get(store, who, org(1))}
    assert rows["account.withholding"].value == "2600" and rows["tolerance.aga"].value == "1.00"
    updated = {r.key: r for r in mapping.update(store, who, org(1), {
        "account.net_pay_clearing": "2930, 2931", "tolerance.income": "0,50", "holiday_rate": "12"})}
    assert updated["account.net_pay_clearing"].value == "2930,2931" and updated["tolerance.income"].value == "0.50"
    assert updated["holiday_rate"].changed
    for bad in ({"account.nope": "1"}, {"tolerance.aga": "abc"}, {"holiday_rate": "50"}, {"account.withholding": "26 00"}):
        with pytest.raises(UserError):
            mapping.update(store, who, org(1), bad)
    mapping.update(store, who, org(1), {"holiday_rate": None})
    assert {r.key: r.value for r in mapping.get(store, who, org(1))}["holiday_rate"] == "10.2"
    assert _audits(store, "reconcile.setting") == 4
    run = reconcile.run(store, who, org(1), scenario.PERIOD, checks=["clearing"])
    assert json.loads(json.dumps(run.checks)) == ["clearing"]
    assert sum(1 for r in reconcile.rows(store, who, run.id) if r.field == "balance at period end") == 2


def test_a_month_with_no_a07_says_so_once_per_check_not_once_per_person(store, tmp_path: Path) -> None:  # noqa: ANN001
    """Nobody is "only in payroll" when a-ordningen's side was never fetched: the A07 is
    missing. One row per check says so (payroll's count of employments, its income
    total); with the A07 imported, the persons are compared."""
    from byraa.core.importers.amelding import import_amelding
    from byraa.core.reconcile import a07
    from byraa.core.reconcile.summary import check_figures
    from tests.builders import small_agency
    from tests.data.reconcile import build as b

    small = small_agency(store)
    who = small.who()
    import_amelding(store, who, b.write_amelding(tmp_path / "am.xml", scenario.payroll_message(
        scenario.PERIOD, message_id="s10")))
    run = reconcile.run(store, who, org(1), scenario.PERIOD, checks=["employments", "income"])
    rows = reconcile.rows(store, who, run.id)
    assert [(r.check, r.status, r.payroll, r.a07) for r in rows] == [
        ("employments", "missing", 3, None), ("income", "missing", 85_000_00, None)]
    figures = {f.check: f for f in check_figures(run.checks, rows)}
    assert figures["employments"].a07 is None and figures["income"].payroll == 85_000_00  # "mangler" under A07
    a07.import_a07(store, who, b.write_json(tmp_path / "a07.json", scenario.a07_report(scenario.PERIOD)))
    again = reconcile.rows(store, who, reconcile.run(store, who, org(1), scenario.PERIOD,
                                                     checks=["employments", "income"]).id)
    assert {r.status for r in again if r.check == "employments"} >= {"only_payroll", "only_a07", "differs"}
    assert {r.national_id for r in again if r.check == "income"} == {nid(2), nid(3)}
