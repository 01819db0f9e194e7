"""The A07 fetched from a-ordningen (the sandbox) lands in byraa's A07 model, checked like a file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from byraa.core.altinn.client import A07Month, AltinnClient
from byraa.core.base.errors import AccessDenied
from byraa.core.clients.archive import StoreArchiver
from byraa.core.importers import ImportRefused
from byraa.core.reconcile import a07, a07_fetch
from byraa.core.reconcile import runs as reconcile
from byraa.core.store.models_reconcile import ReconSource
from byraa.sandbox.a07_people import month_report, split
from tests.builders import nid, org
from tests.core.altinn.test_altinn_fixtures import make_rig
from tests.data.reconcile import scenario


async def _no_sleep(_seconds: float) -> None:
    return None


def _fetch(store, who, rig, period="2026-10", last=None, **kw):  # noqa: ANN001, ANN202
    async def go():  # noqa: ANN202
        client = AltinnClient(rig.settings, rig.credentials, transport=httpx.ASGITransport(app=rig.app),
                              archiver=StoreArchiver(store, who.login), sleep=_no_sleep, rng=lambda: 0.5)
        try:
            return await a07_fetch.fetch(store, who, org(1), period, last, client, sleep=_no_sleep, **kw)
        finally:
            await client.aclose()

    return asyncio.run(go())


@pytest.fixture
def agency(store, tmp_path: Path):  # noqa: ANN201
    small = scenario.build(store, tmp_path)
    (tmp_path / "rig").mkdir()
    return small, make_rig(tmp_path / "rig", store=store, ready_after_polls=2)


def _sources(store) -> int:  # noqa: ANN001
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(ReconSource).where(ReconSource.kind == "a07"))


def test_the_fetched_a07_is_stored_as_the_current_one_and_reconciled(store, agency) -> None:  # noqa: ANN001
    small, rig = agency
    who = small.who()
    before = _sources(store)
    [month] = _fetch(store, who, rig)
    assert month.status == "saved" and month.archive_id is not None
    expected = month_report(store, org(1), "2026-10")
    with store.session() as s:
        stored = a07.load_report(s, small.clients["A"], org(1), "2026-10")
    assert sorted((e.national_id, e.employment_ref, e.position_pct, e.start_date) for e in stored.employments) == \
        sorted((e.national_id, e.employment_ref, e.position_pct, e.start_date) for e in expected.employments)
    assert month.counts["employments"] == len(expected.employments) > 0
    assert sum(w.amount for w in stored.withholding) == month.withholding
    # The same answer again changes nothing; the run reads the fetched A07 like an imported one.
    assert [m.status for m in _fetch(store, who, rig)] == ["unchanged"]
    assert _sources(store) == before + 1
    run = reconcile.run(store, who, org(1), "2026-10", checks=["employments"])
    assert any(i["kind"] == "a07" and i["file"].startswith("a-ordningen ") for i in run.inputs)


def test_months_are_stored_each_and_the_user_needs_access(store, agency) -> None:  # noqa: ANN001
    small, rig = agency
    with pytest.raises(AccessDenied):
        _fetch(store, small.who("other"), rig)
    assert rig.state.a07_orders == {}  # refused before anything was sent
    months = _fetch(store, small.who(), rig, "2026-08", "2026-10")
    assert [m.period for m in months] == ["2026-08", "2026-09", "2026-10"]


def test_a_broken_answer_is_an_error_and_stores_nothing(store, agency) -> None:  # noqa: ANN001
    small, rig = agency
    before = _sources(store)
    rig.state.set_faults(script=["ok", "ok", "ok", "malformed"])  # order, two polls not ready, then mangled
    [month] = _fetch(store, small.who(), rig)
    assert month.status == "error" and "unreadable" in month.error
    assert _sources(store) == before


def _month(lines: dict, withholding: int = 0, aga: int = 0) -> A07Month:
    return A07Month("2026-10", 0, withholding, aga, 0, 0, lines)


def test_a_month_is_read_like_a_file_and_must_add_up() -> None:
    person = {"norskIdentifikator": nid(2), "arbeidsforhold": [], "inntekt": [],
              "forskuddstrekk": [{"virksomhet": org(11), "beloep": "1000.00"}]}
    report, _ = a07_fetch.report_of(org(1), _month({"inntektsmottakere": [person]}, withholding=1000_00))
    assert [w.amount for w in report.withholding] == [1000_00]
    with pytest.raises(ImportRefused, match="forskuddstrekk: personenes forskuddstrekk .1000.00. stemmer ikke"):
        a07_fetch.report_of(org(1), _month({"inntektsmottakere": [person]}, withholding=900_00))
    bad = {**person, "norskIdentifikator": "12345678901"}
    with pytest.raises(ImportRefused, match=r"inntektsmottakere\[0\]\.norskIdentifikator"):
        a07_fetch.report_of(org(1), _month({"inntektsmottakere": [bad]}, withholding=1000_00))
    with pytest.raises(ImportRefused, match="bare månedssummer"):
        a07_fetch.report_of(org(1), A07Month("2026-10", 0, 0, 0, 0, 0))


def test_split_adds_up_exactly() -> None:
    assert split(100, [1, 1, 1]) == [34, 33, 33]
    assert sum(split(123_457, [5, 0, 7, 11])) == 123_457
    assert split(10, [0, 0]) == [5, 5]
