"""The A07 replacement's paths and fields live in ``a07_contract``: one test per field, so a
published information model changes one value and the test that names it."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from byraa.core.altinn import a07_contract as A07
from tests.builders import org
from tests.core.altinn.test_altinn_fixtures import make_rig


async def _order_request(tmp_path: Path, persons: bool = True) -> httpx.Request:
    rig = make_rig(tmp_path)
    async with rig.client() as c:
        await c.order_a07(org(1), "2026-01", "2026-03", persons=persons)
    (request,) = [r for r in rig.recorder.requests if r.method == "POST" and "avstemming" in r.url.path]
    return request


def test_resource_scope_and_paths_are_the_settings_defaults() -> None:
    from byraa.core.altinn.settings import settings_for

    s = settings_for("production")
    assert A07.RESOURCE == "ske-avstemmingsinformasjon-amelding"
    assert s.scope_a07 == A07.SCOPE == "skatteetaten:innrapporteringamelding"
    assert (s.path_a07_order, s.path_a07_fetch) == (A07.PATH_ORDER, A07.PATH_FETCH)


async def test_order_path_and_idempotency_param(tmp_path: Path) -> None:
    request = await _order_request(tmp_path)
    assert request.url.path == A07.PATH_ORDER.format(orgnr=org(1))
    assert A07.IDEMPOTENCY_PARAM in request.url.params


@pytest.mark.parametrize(("field", "value"), [("org_number", org(1)), ("first_month", "2026-01"),
                                              ("last_month", "2026-03"), ("persons", True)])
async def test_order_field(tmp_path: Path, field: str, value: object) -> None:
    body = json.loads((await _order_request(tmp_path)).content)
    assert body[A07.ORDER[field]] == value
    assert set(body) == set(A07.ORDER.values())


async def test_order_answer_reference_and_fetch_path(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    async with rig.client() as c:
        order = await c.order_a07(org(1), "2026-01")
        await c.fetch_a07(org(1), order.reference)
    (get,) = [r for r in rig.recorder.requests if r.method == "GET" and "avstemming" in r.url.path]
    assert get.url.path == A07.PATH_FETCH.format(orgnr=org(1), reference=order.reference)
    assert set(A07.ORDER_ANSWER["reference"]) >= {"bestillingsreferanse"}


def _answer(**month: object) -> bytes:
    return json.dumps({A07.REPORT["org_number"]: org(1), A07.REPORT["months"]: [month]}).encode()


FIELD_VALUES = {
    "period": ("2026-02", "period", "2026-02"),
    "gross": ("1234.50", "gross", 123450),
    "withholding": ("400", "withholding", 40000),
    "employer_contribution": ("174.06", "employer_contribution", 17406),
    "employments": (3, "employments", 3),
    "income_receivers": (2, "income_receivers", 2),
}


@pytest.mark.parametrize("field", sorted(FIELD_VALUES))
async def test_report_month_field_is_read_from_its_name(tmp_path: Path, field: str) -> None:
    sent, attr, expected = FIELD_VALUES[field]
    month = {A07.MONTH["period"]: "2026-01", A07.MONTH[field]: sent}

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 120})
        return httpx.Response(200, content=_answer(**month), headers={"content-type": "application/json"})

    rig = make_rig(tmp_path)
    async with rig.client(transport=httpx.MockTransport(handler)) as c:
        report = await c.fetch_a07(org(1), "ref")
    assert report.error is None and getattr(report.months[0], attr) == expected


@pytest.mark.parametrize("field", ["persons", "contribution_lines"])
async def test_report_month_lines_are_passed_on_by_name(tmp_path: Path, field: str) -> None:
    month = {A07.MONTH["period"]: "2026-01", A07.MONTH["persons"]: [], A07.MONTH[field]: [{"x": 1}]}

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 120})
        return httpx.Response(200, content=_answer(**month), headers={"content-type": "application/json"})

    rig = make_rig(tmp_path)
    async with rig.client(transport=httpx.MockTransport(handler)) as c:
        report = await c.fetch_a07(org(1), "ref")
    assert report.months[0].lines[A07.MONTH[field]] == [{"x": 1}]


@pytest.mark.parametrize("field", ["org_number", "months"])
async def test_report_top_level_field_and_the_sandbox_speaks_the_same_names(tmp_path: Path, field: str) -> None:
    rig = make_rig(tmp_path)
    async with rig.client() as c:
        order = await c.order_a07(org(1), "2026-01", persons=False)
        await c.fetch_a07(org(1), order.reference)
    (answer,) = [r for r in rig.archive.records if r.kind == "a07" and r.direction == "in" and r.method == "GET"]
    data = json.loads(answer.content)
    assert A07.REPORT[field] in data
    assert set(data[A07.REPORT["months"]][0]) <= set(A07.MONTH.values())
