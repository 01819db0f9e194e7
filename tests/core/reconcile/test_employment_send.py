"""Sending an employee's employments from the employee card, with chosen older ended leaves."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from byraa.core.altinn.client import AltinnClient
from byraa.core.base.errors import AccessDenied, UserError
from byraa.core.clients.archive import StoreArchiver
from byraa.core.importers import Where
from byraa.core.importers.amelding_read import events
from byraa.core.reconcile import corrections, employment_send
from byraa.core.store.models import ArchiveFile, AuditEvent, Employee, Employment, Leave
from tests.builders import nid, org
from tests.core.altinn.test_altinn_fixtures import make_rig
from tests.data.reconcile import scenario


@pytest.fixture
def agency(store, tmp_path: Path):  # noqa: ANN201
    """Client A (October imported); nid(2) has two older ended leaves and one open leave."""
    small = scenario.build(store, tmp_path)
    with store.session() as s:
        person = s.scalars(select(Employee).where(Employee.national_id == nid(2))).one()
        job = s.scalars(select(Employment).where(Employment.employee_id == person.id)).first()
        leaves = {name: Leave(employment_id=job.id, start_date=start, end_date=end, leave_pct=100.0, description=name)
                  for name, start, end in (("foreldrepermisjon", date(2026, 3, 1), date(2026, 4, 30)),
                                           ("velferdspermisjon", date(2025, 1, 6), date(2025, 1, 10)),
                                           ("utdanningspermisjon", date(2026, 10, 5), None))}
        s.add_all(leaves.values())
        s.flush()
        ids = {name: lv.id for name, lv in leaves.items()}
    return small, ids


def _leave_starts(xml: bytes) -> set[str]:
    got = [e for e in events(io.BytesIO(xml), Where("sent.xml")) if e[0] == "recipient" and e[1].national_id == nid(2)]
    return {lv["start"].isoformat() for r in got for emp in r[1].employments for lv in emp.leaves}


async def _no_sleep(_seconds: float) -> None:
    return None


def _submit(store, who, rig, only):  # noqa: ANN001, ANN202
    async def go():  # noqa: ANN202
        client = AltinnClient(rig.settings, rig.credentials, transport=httpx.ASGITransport(app=rig.app),
                              archiver=StoreArchiver(store, who.login), sleep=_no_sleep, rng=lambda: 0.5)
        try:
            return await corrections.submit(store, who, org(1), client, sleep=_no_sleep, only=only)
        finally:
            await client.aclose()

    return asyncio.run(go())


def test_the_plan_lists_older_ended_leaves_apart(store, agency) -> None:  # noqa: ANN001
    small, ids = agency
    plan = employment_send.plan(store, small.who(), org(1), nid(2), scenario.PERIOD)
    assert plan.national_id.endswith("*****") and [e.employment_ref for e in plan.employments] == ["1"]
    assert {lv.id for lv in plan.older_leaves} == {ids["foreldrepermisjon"], ids["velferdspermisjon"]}


def test_the_xml_reads_back_with_the_chosen_leaves_only(store, agency) -> None:  # noqa: ANN001
    small, ids = agency
    result = employment_send.queue(store, small.who(), org(1), nid(2), scenario.PERIOD,
                                   with_leaves=[ids["foreldrepermisjon"]], dry_run=True)
    assert _leave_starts(result.xml) == {"2026-03-01", "2026-10-05"}  # not the 2025 leave
    assert result.replaces == "s10" and result.correction is None
    # Default: the open leave alone.
    plain = employment_send.queue(store, small.who(), org(1), nid(2), scenario.PERIOD, dry_run=True)
    assert _leave_starts(plain.xml) == {"2026-10-05"}
    with store.session() as s:  # a dry run stores nothing
        assert not s.scalars(select(AuditEvent).where(AuditEvent.action == "employment.send")).all()


def test_a_month_without_an_imported_amelding_sends_the_employee_alone(store, agency) -> None:  # noqa: ANN001
    small, _ids = agency
    result = employment_send.queue(store, small.who(), org(1), nid(2), "2026-11", dry_run=True)
    assert result.replaces is None
    people = [e for e in events(io.BytesIO(result.xml), Where("x.xml")) if e[0] == "recipient"]
    assert [p[1].national_id for p in people] == [nid(2)]


def test_the_sandbox_receives_it_and_the_audit_names_the_leaves(store, agency, tmp_path: Path) -> None:  # noqa: ANN001
    small, ids = agency
    who = small.who()
    queued = employment_send.queue(store, who, org(1), nid(2), scenario.PERIOD,
                                   with_leaves=[ids["foreldrepermisjon"]])
    assert queued.correction is not None and queued.correction.run_id is None
    (tmp_path / "rig").mkdir()
    rig = make_rig(tmp_path / "rig", store=store)
    done = employment_send.after_submit(queued, _submit(store, who, rig, {queued.correction.id}))
    assert done.status == "accepted", done.correction.detail if done.correction else None
    [sub] = rig.state.submissions.values()
    assert sub["leveranse"]["erstatterMeldingsId"] == "s10"
    units = sub["leveranse"]["oppgave"]["virksomhet"]
    person = next(p for u in units for p in u["inntektsmottaker"] if p.get("norskIdentifikator") == nid(2))
    sent = {lv["startdato"] for job in person["arbeidsforhold"] for lv in job.get("permisjon", [])}
    assert sent == {"2026-03-01", "2026-10-05"}
    with store.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "employment.send")).one()
        after = json.loads(event.after) if isinstance(event.after, str) else event.after
        assert after["chosen_leaves"] == [ids["foreldrepermisjon"]] and after["national_id"].endswith("*****")
        assert {lv["start"] for lv in after["leaves"]} == {"2026-03-01", "2026-10-05"}
        archived = s.get(ArchiveFile, queued.archive_id)
        assert archived is not None and archived.direction == "out" and bytes(archived.content) == queued.xml


def test_a_clerk_without_access_is_refused(store, agency) -> None:  # noqa: ANN001
    small, _ids = agency
    with pytest.raises(AccessDenied):
        employment_send.queue(store, small.who("other"), org(1), nid(2), scenario.PERIOD)
    with pytest.raises(AccessDenied):
        employment_send.plan(store, small.who("other"), org(1), nid(2), scenario.PERIOD)


def test_an_unknown_or_current_leave_cannot_be_added(store, agency) -> None:  # noqa: ANN001
    small, ids = agency
    with pytest.raises(UserError, match="utdanningspermisjon|ended leave|avsluttet"):
        employment_send.queue(store, small.who(), org(1), nid(2), scenario.PERIOD,
                              with_leaves=[ids["utdanningspermisjon"]])
    with pytest.raises(UserError):
        employment_send.queue(store, small.who(), org(1), "999", scenario.PERIOD)


def test_a_rejection_comes_back_with_its_reason(store, agency, tmp_path: Path) -> None:  # noqa: ANN001
    from sqlalchemy import update

    from byraa.core.store.models_reconcile import ReconCorrection

    small, _ids = agency
    who = small.who()
    queued = employment_send.queue(store, who, org(1), nid(2), scenario.PERIOD)
    assert queued.correction is not None
    payload = dict(queued.correction.payload)
    payload["leveranse"]["meldingsId"] = "byraa ugyldig"  # a space: a-ordningen refuses the message
    with store.session() as s:
        s.execute(update(ReconCorrection).where(ReconCorrection.id == queued.correction.id)
                  .values(payload=json.dumps(payload)))
    (tmp_path / "rig").mkdir()
    done = employment_send.after_submit(queued, _submit(store, who, make_rig(tmp_path / "rig", store=store),
                                                        {queued.correction.id}))
    assert done.status == "rejected" and done.correction is not None
    assert "MAGNET_EDAG-181E" in (done.correction.detail or "")
