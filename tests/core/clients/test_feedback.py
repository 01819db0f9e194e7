"""A-melding feedback across clients."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from byraa.cli.main import main
from byraa.core.agency.identity import resolve
from byraa.core.base.errors import AccessDenied, UserError
from byraa.core.clients import archive, feedback
from byraa.core.words import labels
from tests.builders import org, small_agency
from tests.demo_copies import build_agency


def test_newest_submission_per_client(store) -> None:
    small = small_agency(store)
    rows = feedback.across_clients(store, small.who(), "2026-10")
    assert [(r.client, r.status, r.worst) for r in rows] == [
        ("Alfa Rør AS", "accepted", None), ("Bakeri Beta AS", "rejected", "rejection"),
        ("Cafe Gamma AS", "accepted", None)]
    assert [r.client for r in feedback.across_clients(store, small.who(), "2026-10", status="rejected")] == [
        "Bakeri Beta AS"]
    assert [r.client for r in feedback.across_clients(store, small.who(), "2026-10", severity="rejection")] == [
        "Bakeri Beta AS"]
    clerk = feedback.across_clients(store, small.who("clerk"), "2026-10")
    assert [r.client for r in clerk] == ["Bakeri Beta AS"]
    with pytest.raises(UserError):
        feedback.across_clients(store, small.who(), "2026-10", severity="fatal")


def test_feedback_command(store, monkeypatch) -> None:
    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    result = CliRunner().invoke(main, ["feedback", "--format", "json"])  # default: last month (2026-10)
    assert result.exit_code == 0
    assert [r["status"] for r in json.loads(result.output)] == ["accepted", "rejected", "accepted"]


# --- The feedback document, read -----------------------------------------------------------

FEEDBACK = {
    "forsendelseId": "5b0f6f1e-2f59-4d5e-9a53-0d5c1f7e6a10",
    "mottak": {"mottakstatus": "avvist", "kalendermaaned": "2026-10", "opplysningspliktig": None,
               "meldingsId": "b1"},
    "avvik": [
        {"kode": "MAGNET_EDAG-227", "beskrivelse": "Antall timer for en full stilling er uvanlig høyt",
         "alvorlighetsgrad": "retningslinje"},
        {"kode": "MAGNET_EDAG-181E", "beskrivelse": "MeldingsId inneholder ugyldige tegn",
         "alvorlighetsgrad": "avvisning"},
        {"kode": "MAGNET_EDAG-132", "beskrivelse": "Arbeidsforholdet mangler stillingsprosent",
         "alvorlighetsgrad": "oeyeblikkelig"},
    ],
    "kid": "004512345678", "kontonummer": "63450618000",
    "sumForskuddstrekk": "33333.00", "sumArbeidsgiveravgift": "14100.50",
}


def _archive_feedback(store, client_id: int, content: bytes, period: str = "2026-10") -> int:  # noqa: ANN001
    with store.session() as s:
        return archive.add(s, archive.ArchiveRecord("feedback", "in", content, client_id=client_id, period=period,
                                                    content_type="application/json"), user_login="tester")


def test_a_feedback_document_opens_readable_for_whoever_may_see_the_client(store) -> None:
    small = small_agency(store)
    b = small.clients["B"]
    archive_id = _archive_feedback(store, b, json.dumps({**FEEDBACK, "mottak": {
        **FEEDBACK["mottak"], "opplysningspliktig": org(2)}}).encode())
    [row] = feedback.across_clients(store, small.who("clerk"), "2026-10")
    assert row.archive_id == archive_id
    doc = feedback.document(store, small.who("clerk"), archive_id)  # the clerk is responsible for B
    assert (doc.client, doc.org_number, doc.period, doc.message_id) == ("Bakeri Beta AS", org(2), "2026-10", "b1")
    assert (doc.reception_status, doc.status, doc.kid, doc.account) == ("avvist", "rejected", "004512345678",
                                                                       "63450618000")
    assert [(d.code, d.severity) for d in doc.deviations] == [
        ("MAGNET_EDAG-227", "guideline"), ("MAGNET_EDAG-181E", "rejection"), ("MAGNET_EDAG-132", "immediate")]
    assert dict(doc.sums) == {"sumForskuddstrekk": 33_333_00, "sumArbeidsgiveravgift": 14_100_50}
    assert doc.problem is None
    text = labels.feedback_text(doc)
    assert "avvist (avvist)" not in text and "Avvisning · MAGNET_EDAG-181E" in text
    assert text.index("MAGNET_EDAG-181E") < text.index("MAGNET_EDAG-132") < text.index("MAGNET_EDAG-227")
    assert "6345.06.18000" in text and "33 333,00" in text and "14 100,50" in text
    assert feedback.for_client(store, small.who(), org(2), "2026-10") == doc
    assert feedback.for_client(store, small.who(), org(2), "2026-09") is None


def test_a_feedback_document_is_refused_without_access_to_its_client(store) -> None:
    small = small_agency(store)
    archive_id = _archive_feedback(store, small.clients["A"], json.dumps(FEEDBACK).encode())
    with pytest.raises(AccessDenied):
        feedback.document(store, small.who("clerk"), archive_id)
    with pytest.raises(AccessDenied):
        feedback.for_client(store, small.who("clerk"), org(1), "2026-10")
    assert feedback.document(store, small.who(), archive_id).deviations  # the manager may


def test_an_empty_or_unreadable_document_says_so(store) -> None:
    small = small_agency(store)
    a = small.clients["A"]
    assert feedback.document(store, small.who(), _archive_feedback(store, a, b"[1, 2]")).problem == "not_object"
    assert feedback.document(store, small.who(), _archive_feedback(store, a, b"<xml/>")).problem == "not_json"
    empty = _archive_feedback(store, a, b"")  # a poll answered 204: archived, but never the row's document
    assert feedback.document(store, small.who(), empty).problem == "empty"
    assert next(r for r in feedback.across_clients(store, small.who(), "2026-10") if r.client_id == a).archive_id \
        == empty - 1
    with store.session() as s:
        other = archive.add(s, archive.ArchiveRecord("taxcard", "in", b"{}", client_id=a), user_login="tester")
    with pytest.raises(UserError, match="ikke en tilbakemelding på a-melding"):
        feedback.document(store, small.who(), other)


def test_feedback_show_command(store, monkeypatch) -> None:
    small = small_agency(store)
    _archive_feedback(store, small.clients["A"], json.dumps(FEEDBACK).encode())
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    result = CliRunner().invoke(main, ["feedback", "show", org(1), "--period", "2026-10"])
    assert result.exit_code == 0, result.output
    assert "Alfa Rør AS" in result.output and "MAGNET_EDAG-132" in result.output and "004512345678" in result.output
    result = CliRunner().invoke(main, ["feedback", "show", org(1), "--period", "2026-10", "--format", "json"])
    data = json.loads(result.output)
    assert data["status"] == "rejected" and [r["code"] for r in data["rows"]][0] == "MAGNET_EDAG-227"
    assert CliRunner().invoke(main, ["feedback", "show", org(3), "--period", "2026-10"]).exit_code == 2  # none
    monkeypatch.setenv("BYRAA_USER", "clerk")
    refused = CliRunner().invoke(main, ["feedback", "show", org(1), "--period", "2026-10"])
    assert refused.exit_code == 2 and "MAGNET" not in refused.output


def test_the_demos_feedback_is_archived_with_its_deviations(store) -> None:
    build_agency(store)  # the 12-client demo (seed 1), copied on SQLite
    who = resolve(store, "tester")
    rows = feedback.across_clients(store, who, "2026-10")
    assert rows and all(r.archive_id for r in rows)
    assert any(r.status == "rejected" for r in rows) and any(r.guideline for r in rows)
    for r in rows:
        doc = feedback.document(store, who, r.archive_id)
        assert (doc.org_number, doc.period, doc.message_id, doc.status) == (r.org_number, "2026-10", r.message_id,
                                                                             r.status)
        assert [doc.count(s) for s in feedback.SEVERITIES] == [r.rejection, r.immediate, r.guideline]
        text = labels.feedback_text(doc)
        assert all(d.code in text and d.description in text for d in doc.deviations)
        assert doc.kid and doc.account and {"sumForskuddstrekk", "sumArbeidsgiveravgift"} == set(dict(doc.sums))
    # This month's a-meldinger wait for their feedback: nothing archived yet.
    assert all(r.archive_id is None for r in feedback.across_clients(store, who, "2026-11"))
