"""Corrections go to a-ordningen through the shared client; feedback is recorded and archived."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from byraa.core.altinn.client import AltinnClient
from byraa.core.base.errors import AccessDenied
from byraa.core.clients.archive import StoreArchiver
from byraa.core.reconcile import corrections
from byraa.core.reconcile import runs as reconcile
from byraa.core.store.models import AmeldingSubmission, ArchiveFile, AuditEvent
from byraa.core.store.models_reconcile import ReconCorrection
from tests.builders import nid, org
from tests.core.altinn.test_altinn_fixtures import make_rig
from tests.data.reconcile import scenario


async def _no_sleep(_seconds: float) -> None:
    return None


@pytest.fixture
def queued(store, tmp_path: Path):  # noqa: ANN201
    """Client A's October run with nid(41)'s employment (only in payroll) queued as a correction."""
    small = scenario.build(store, tmp_path)
    who = small.who()
    run = reconcile.run(store, who, org(1), scenario.PERIOD, checks=["employments"])
    row = next(r for r in reconcile.rows(store, who, run.id, differences_only=True) if r.national_id == nid(41))
    return small, reconcile.send_payroll(store, who, run.id, row.id)


def _rig(store, tmp_path: Path):  # noqa: ANN001, ANN202
    (tmp_path / "rig").mkdir(exist_ok=True)
    return make_rig(tmp_path / "rig", store=store)


def _submit(store, who, rig, **kw):  # noqa: ANN001, ANN202
    async def go():  # noqa: ANN202
        client = AltinnClient(rig.settings, rig.credentials, transport=httpx.ASGITransport(app=rig.app),
                              archiver=StoreArchiver(store, who.login), sleep=_no_sleep, rng=lambda: 0.5)
        try:
            return await corrections.submit(store, who, org(1), client, sleep=_no_sleep, **kw)
        finally:
            await client.aclose()

    return asyncio.run(go())


def test_a_correction_is_sent_once_and_its_feedback_recorded(store, queued, tmp_path: Path) -> None:  # noqa: ANN001
    small, correction = queued
    who = small.who()
    rig = _rig(store, tmp_path)
    [sent] = _submit(store, who, rig)
    assert sent.status == "accepted" and sent.forsendelse_id and sent.submitted_at is not None, sent.detail
    assert sent.national_id == nid(41)
    assert len(rig.state.submissions) == 1
    body = next(iter(rig.state.submissions.values()))["leveranse"]
    assert body["meldingsId"] == correction.payload["leveranse"]["meldingsId"]
    # Nothing is pending or awaiting feedback, so a second submit sends nothing.
    assert _submit(store, who, rig) == [] and len(rig.state.submissions) == 1
    with store.session() as s:
        [month] = s.scalars(select(AmeldingSubmission).where(
            AmeldingSubmission.message_id == correction.payload["leveranse"]["meldingsId"])).all()
        assert (month.status, month.deviations_rejection) == ("accepted", 0)
        kinds = s.scalars(select(ArchiveFile.kind).where(ArchiveFile.client_id == month.client_id)).all()
        assert {"amelding", "feedback"} <= set(kinds)
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.entity == "recon_correction")).all()
        assert actions.count("correction.submit") == 1 and actions.count("correction.feedback") == 1
    assert [c.status for c in corrections.list_corrections(store, who, org(1), status="accepted")] == ["accepted"]


def test_a_rejected_correction_is_marked_with_the_deviations(store, queued, tmp_path: Path) -> None:  # noqa: ANN001
    small, correction = queued
    payload = correction.payload
    payload["leveranse"]["meldingsId"] = "byraa ugyldig"  # a space: a-ordningen refuses the message
    with store.session() as s:
        s.execute(update(ReconCorrection).where(ReconCorrection.id == correction.id)
                  .values(payload=json.dumps(payload)))
    [done] = _submit(store, small.who(), _rig(store, tmp_path))
    assert done.status == "rejected" and "MAGNET_EDAG-181E" in done.detail
    with store.session() as s:
        month = s.scalars(select(AmeldingSubmission).where(AmeldingSubmission.message_id == "byraa ugyldig")).one()
        assert (month.status, month.deviations_rejection) == ("rejected", 1)


def test_a_failing_server_leaves_the_correction_queued_with_the_reason(store, queued, tmp_path: Path) -> None:  # noqa: ANN001
    small, correction = queued
    rig = _rig(store, tmp_path)
    rig.state.set_faults(fail_rate=1.0)
    [first] = _submit(store, small.who(), rig)
    assert first.status == "pending" and first.detail.startswith("not sent:")
    rig.state.set_faults(fail_rate=0.0, malformed_rate=0.0)
    [second] = _submit(store, small.who(), rig)
    assert second.status == "accepted" and second.idempotency_key == correction.idempotency_key
    assert len(rig.state.submissions) == 1


def test_a_broken_feedback_answer_is_the_corrections_error_and_asked_again(store, queued, tmp_path: Path) -> None:  # noqa: ANN001, E501
    small, _ = queued
    rig = _rig(store, tmp_path)
    # The submission, the Altinn token exchange and the dialog go through; the feedback document is mangled.
    rig.state.set_faults(script=["ok", "ok", "ok", "malformed"])
    [first] = _submit(store, small.who(), rig, feedback_attempts=1)
    assert first.status == "submitted" and first.detail.startswith("feedback unreadable")
    [second] = _submit(store, small.who(), rig)
    assert second.status == "accepted" and len(rig.state.submissions) == 1


def test_a_clerk_without_access_cannot_list_or_send(store, queued, tmp_path: Path) -> None:  # noqa: ANN001
    small, _ = queued
    outsider = small.who("other")
    with pytest.raises(AccessDenied):
        corrections.list_corrections(store, outsider, org(1))
    with pytest.raises(AccessDenied):
        _submit(store, outsider, _rig(store, tmp_path))
    assert corrections.list_corrections(store, small.who(), org(1))[0].status == "pending"


def test_feedback_still_being_processed_leaves_it_submitted(store, queued) -> None:  # noqa: ANN001
    from byraa.core.altinn.client import parse_feedback

    class Processing:
        async def submit_amelding(self, org_number, period, leveranse, *, idempotency_key=None):  # noqa: ANN001, ANN202
            return type("Receipt", (), {"forsendelse_id": "F-9", "dialog_id": "D-9"})()

        async def amelding_feedback(self, org_number, dialog_id, *, forsendelse_id=None, period=None):  # noqa: ANN001, ANN202
            return parse_feedback(b'{"mottak": {"mottakstatus": "underBehandling"}}', forsendelse_id)

    small, _ = queued
    [done] = asyncio.run(corrections.submit(store, small.who(), org(1), Processing(), feedback_attempts=2,
                                            sleep=_no_sleep))
    assert (done.status, done.forsendelse_id) == ("submitted", "F-9")
