"""The bulk tax-card fetch in core: orders, results, changes, date rules, leavers, access."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from byraa.core import jobs, taxcards
from byraa.core.base.errors import AccessDenied, UserError
from byraa.core.store.models import ArchiveFile, Employee
from byraa.core.store.models_altinn import TaxCard
from byraa.core.store.models_jobs import TaxCardFetchResult
from byraa.core.taxcards import fetch
from byraa.sandbox import data
from tests.builders import nid, org, small_agency
from tests.taxcard_fetch_support import Sandbox, current_cards_per_person, no_sleep, results_per_person, run


def _expected_outcome(national_id: str, year: int) -> str:
    result = data.person_result("x", national_id, year).result
    return {"skattekortopplysningerOK": "card", "ikkeSkattekort": "no_card",
            "ikkeTrekkplikt": "not_liable"}.get(result, "error")


async def test_fetch_all_orders_across_employers_and_stores_one_result_per_person(store, tmp_path: Path) -> None:
    small = small_agency(store)
    who = small.who()
    plan = fetch.plan_fetch(store, who, fetch.Selection(all=True), 2026, persons_per_order=4)
    assert plan.persons == 6 and plan.skipped == 0
    assert [o.persons for o in plan.orders] == [4, 2]
    assert len(plan.orders[0].employers) == 2  # one order spans two employers
    sandbox = Sandbox(tmp_path, store)
    events: list[jobs.Progress] = []
    summary = await run(store, who, sandbox, plan, on_progress=events.append)
    assert summary.status == "done" and summary.persons_asked == 6 and summary.results == 6
    assert summary.orders == summary.orders_sent == 2 == sandbox.state.orders_created
    assert summary.cards + summary.no_card + summary.not_liable + summary.errors == 6
    assert set(sandbox.state.requests_per_key.values()) == {1}
    job_id = summary.job_id
    assert set(results_per_person(store, job_id).values()) == {1}
    rows = fetch.result_rows(store, who, job_id)
    assert len(rows) == 6 and all(r.national_id.endswith("*****") for r in rows)
    for r in rows:
        with store.session() as s:
            full = s.get(Employee, r.employee_id).national_id
        assert r.outcome == _expected_outcome(full, 2026)
        assert r.archive_id is not None
        if r.outcome == "card":
            assert r.kind in ("trekktabell", "trekkprosent", "frikort")
    with store.session() as s:
        archived = s.scalars(select(ArchiveFile.id).where(ArchiveFile.kind == "taxcard")).all()
    assert len(archived) >= 4  # two orders out and in, answers in
    assert all(v == 1 for v in current_cards_per_person(store, 2026).values())
    last = events[-1]
    assert last.units_done == last.units_total == 6
    assert last.groups == {org(1): (2, 2), org(2): (2, 2), org(3): (2, 2)}


async def test_second_fetch_records_what_changed(store, tmp_path: Path) -> None:
    small = small_agency(store)
    who = small.who()
    first = await run(store, who, Sandbox(tmp_path, store),
                      fetch.plan_fetch(store, who, fetch.Selection(clients=(org(1),)), 2026))
    assert first.changed == 0
    cards = [r for r in fetch.result_rows(store, who, first.job_id) if r.outcome == "card"]
    # Make the stored card of one person differ from what Skatteetaten will answer.
    with store.session() as s:
        target = s.scalars(select(TaxCard).where(TaxCard.is_current.is_(True), TaxCard.client_id == small.clients["A"],
                                                 TaxCard.kind != "none")).first()
        if target is None:
            pytest.skip("no card among client A's persons")
        target.percentage = 99.0
        target.card_id = "1"  # a card Skatteetaten has replaced since
        target.table_number = "7100" if target.kind == "trekktabell" else None
        s.add(target)
        emp_id = target.employee_id
    second = await run(store, who, Sandbox(tmp_path / "2", store),
                       fetch.plan_fetch(store, who, fetch.Selection(clients=(org(1),)), 2026))
    assert second.changed == 1 and cards
    changed = fetch.result_rows(store, who, second.job_id, show="changed")
    assert len(changed) == 1 and changed[0].employee_id == emp_id
    assert "percentage 99.0 →" in (changed[0].changes or "") and changed[0].changed_since is not None
    history = fetch.card_history(store, who, org(1), emp_id, 2026)
    assert [h.current for h in history].count(True) == 1 and len(history) == 2
    assert all(v == 1 for v in current_cards_per_person(store, 2026).values())


@pytest.mark.parametrize(("today", "year", "words"), [
    ("2026-11-22", 2027, "før 15. desember 2026"),
    ("2026-11-22", 2025, "etter juni 2026"),
    ("2026-11-22", 2024, "ikke for 2024"),
])
def test_date_rules_refuse_up_front(store, monkeypatch, today: str, year: int, words: str) -> None:
    small = small_agency(store)
    monkeypatch.setenv("BYRAA_TODAY", today)
    with pytest.raises(UserError, match=words):
        fetch.plan_fetch(store, small.who(), fetch.Selection(all=True), year)


def test_date_rules_allow_next_year_from_15_december_and_last_year_until_june() -> None:
    assert fetch.income_year_problem(2027, date(2026, 12, 15)) is None
    assert fetch.income_year_problem(2027, date(2026, 12, 14)) is not None
    assert fetch.income_year_problem(2025, date(2026, 6, 30)) is None
    assert fetch.income_year_problem(2025, date(2026, 7, 1)) is not None
    assert fetch.income_year_problem(2026, date(2026, 1, 1)) is None


async def test_leavers_are_skipped_with_the_reason_and_never_ordered(store, tmp_path: Path, monkeypatch) -> None:
    small = small_agency(store)
    monkeypatch.setenv("BYRAA_TODAY", "2026-12-20")
    who = small.who()
    # An employee with no employment at all, and one with an invalid national id.
    with store.session() as s:
        s.add(Employee(client_id=small.clients["A"], national_id=nid(40), name="Never Employed"))
        bad = Employee(client_id=small.clients["A"], national_id="01019012345", name="Bad Id")
        s.add(bad)
        s.flush()
        from byraa.core.store.models import Employment

        s.add(Employment(employee_id=bad.id, client_id=small.clients["A"], employment_ref="9",
                         start_date=date(2026, 1, 1)))
    plan = fetch.plan_fetch(store, who, fetch.Selection(all=True), 2027)
    assert plan.persons == 3  # only the three still employed
    reasons = sorted(s.reason for c in plan.clients for s in c.skipped)
    assert reasons.count("no employment in 2027 (left 31.10.2026)") == 3
    assert "no employment in 2027" in reasons
    assert any(r.startswith("invalid national id") for r in reasons)
    ordered = {n for o in plan.orders for nids in o.employers.values() for n in nids}
    assert nid(40) not in ordered and "01019012345" not in ordered
    sandbox = Sandbox(tmp_path, store)
    summary = await run(store, who, sandbox, plan)
    assert summary.skipped == 4 and summary.persons_asked == 3
    skipped = fetch.result_rows(store, who, summary.job_id, show="skipped")
    assert len(skipped) == 4 and {r.outcome for r in skipped} == {"skipped"}
    errors = fetch.result_rows(store, who, summary.job_id, show="errors")
    assert any((r.reason or "").startswith("invalid national id") for r in errors)
    ordered_in_sandbox = {n for o in sandbox.state.orders.values() for nids in o.employers.values() for n in nids}
    assert ordered_in_sandbox == ordered


async def test_a_clerk_cannot_fetch_or_see_cards_of_a_client_without_access(store, tmp_path: Path) -> None:
    small = small_agency(store)
    clerk = small.who("clerk")  # responsible for B only
    with pytest.raises(AccessDenied):
        fetch.plan_fetch(store, clerk, fetch.Selection(clients=(org(1),)), 2026)
    with pytest.raises(AccessDenied):
        fetch.plan_fetch(store, clerk, fetch.Selection(client_ids=(small.clients["C"],)), 2026)
    plan = fetch.plan_fetch(store, clerk, fetch.Selection(all=True), 2026)
    assert [c.org_number for c in plan.clients] == [org(2)] and plan.clients_without_access == 2
    with pytest.raises(UserError, match="2 uten din tilgang"):  # the group holds A and C only
        fetch.plan_fetch(store, clerk, fetch.Selection(group="Utbetaling 20."), 2026)
    summary = await run(store, clerk, Sandbox(tmp_path, store), plan)
    assert summary.results == 2
    # The manager's fetch of everything: the clerk may not open it, nor list A's cards.
    manager = small.who()
    mplan = fetch.plan_fetch(store, manager, fetch.Selection(all=True), 2026)
    msummary = await run(store, manager, Sandbox(tmp_path / "m", store), mplan)
    with pytest.raises(AccessDenied):
        fetch.result_rows(store, clerk, msummary.job_id)
    with pytest.raises(AccessDenied):
        taxcards.list_cards(store, clerk, org(1), 2026)
    with pytest.raises(AccessDenied):
        fetch.card_history(store, clerk, org(1), 1, 2026)
    assert {r.org_number for r in fetch.result_rows(store, clerk, summary.job_id)} == {org(2)}


async def test_selection_by_group_and_responsible(store) -> None:
    small = small_agency(store)
    who = small.who()
    group = fetch.plan_fetch(store, who, fetch.Selection(group="Utbetaling 20."), 2026)
    assert sorted(c.org_number for c in group.clients) == [org(1), org(3)]
    resp = fetch.plan_fetch(store, who, fetch.Selection(responsible="clerk"), 2026)
    assert [c.org_number for c in resp.clients] == [org(2)]
    with pytest.raises(UserError, match="nøyaktig én"):
        fetch.plan_fetch(store, who, fetch.Selection(all=True, group="Utbetaling 20."), 2026)
    with pytest.raises(UserError, match="ingen gruppe heter"):
        fetch.plan_fetch(store, who, fetch.Selection(group="nope"), 2026)


async def test_changes_only_after_a_full_fetch_even_when_the_sandbox_restarted(store, tmp_path: Path) -> None:
    small = small_agency(store)
    who = small.who()
    await run(store, who, Sandbox(tmp_path, store), fetch.plan_fetch(store, who, fetch.Selection(all=True), 2026))
    sandbox = Sandbox(tmp_path / "restarted", store)
    plan = fetch.plan_fetch(store, who, fetch.Selection(all=True), 2026, mode="changes")
    assert len(plan.orders) == 1
    summary = await run(store, who, sandbox, plan)
    assert summary.status == "done" and summary.orders_failed == 0 and summary.orders_sent == 1
    order = next(iter(sandbox.state.orders.values()))
    assert order.mode == "HENT_KUN_ENDRING" and order.employers == {}
    assert summary.errors == 0


async def test_changes_only_without_an_earlier_order_fails_the_order_with_words(store, tmp_path: Path) -> None:
    small = small_agency(store)
    who = small.who()
    summary = await run(store, who, Sandbox(tmp_path, store),
                        fetch.plan_fetch(store, who, fetch.Selection(all=True), 2026, mode="changes"))
    assert summary.orders_failed == 1 and "fetch all first" in summary.item_errors[0]


async def test_an_unreadable_answer_becomes_per_person_errors_with_the_raw_answer_archived(
        store, tmp_path: Path) -> None:
    small = small_agency(store)
    who = small.who()
    sandbox = Sandbox(tmp_path, store)
    sandbox.state.set_faults(script=["ok", "ok", "malformed"])  # order, 204, then a broken answer
    plan = fetch.plan_fetch(store, who, fetch.Selection(clients=(org(1),)), 2026)
    summary = await run(store, who, sandbox, plan,
                        options=fetch.FetchOptions(concurrency=1, poll_initial_seconds=0, malformed_retries=0))
    assert summary.status == "done" and summary.errors == 2 and summary.orders_failed == 0
    rows = fetch.result_rows(store, who, summary.job_id, show="errors")
    assert all("could not be read" in (r.reason or "") and r.archive_id for r in rows)
    with store.session() as s:
        raw = s.get(ArchiveFile, rows[0].archive_id)
        assert raw is not None and raw.direction == "in" and b"FORESPOERSEL_OK" in raw.content


async def test_nobody_to_fetch_and_unknown_client_are_refused(store) -> None:
    small = small_agency(store)
    who = small.who()
    with pytest.raises(UserError, match="ingen klient med organisasjonsnummer"):
        fetch.plan_fetch(store, who, fetch.Selection(clients=(org(50),)), 2026)
    with store.session() as s:
        for n, emp in enumerate(s.scalars(select(Employee).where(Employee.client_id == small.clients["A"]))):
            emp.national_id = f"0101901234{n}"
            s.add(emp)
    # Every person invalid: nothing to order.
    plan = fetch.plan_fetch(store, who, fetch.Selection(clients=(org(1),)), 2026)
    with pytest.raises(UserError, match="ingen å hente"):
        fetch.start_fetch(store, who, plan)


def test_results_table_filters(store) -> None:
    small = small_agency(store)
    with pytest.raises(UserError, match="filteret"):
        fetch.result_rows(store, small.who(), 1, show="bogus")
    assert TaxCardFetchResult.__tablename__ == "taxcard_fetch_result"


async def test_an_order_refused_outright_gives_its_persons_errors_and_the_fetch_finishes(
        store, tmp_path: Path) -> None:
    small = small_agency(store)
    who = small.who()
    sandbox = Sandbox(tmp_path, store)
    sandbox.state.set_faults(script=["400"])  # the first order: HTTP 400, not worth retrying
    plan = fetch.plan_fetch(store, who, fetch.Selection(all=True), 2026, persons_per_order=4)
    assert [o.persons for o in plan.orders] == [4, 2]
    # Pause once the refused order is recorded, before the second order is sent.
    pause = threading.Event()
    one_at_a_time = fetch.FetchOptions(concurrency=1, poll_initial_seconds=0.0, poll_max_seconds=0.0)
    first = await run(store, who, sandbox, plan, options=one_at_a_time, cancel_event=pause, pause_on_cancel=True,
                      on_progress=lambda p: pause.set() if p.items_finished >= 1 else None)
    assert first.status != "done" and first.orders_failed == 1 and "SANDBOX_400" in first.item_errors[0]
    assert sandbox.state.orders_created == 0  # refused, never retried; the second order not sent yet
    assert (first.results, first.errors) == (4, 4)
    rows = fetch.result_rows(store, who, first.job_id, show="errors")
    assert len(rows) == 4
    assert all((r.reason or "").startswith("the order was refused: ") and "SANDBOX_400" in (r.reason or "")
               and r.archive_id for r in rows)
    with store.session() as s:
        raw = s.get(ArchiveFile, rows[0].archive_id)
        assert raw is not None and raw.direction == "in" and b"SANDBOX_400" in raw.content
    # The resume sends only the second order: the refused one is not ordered again.
    again = Sandbox(tmp_path / "again", store)
    try:
        summary = await fetch.run_fetch(store, who, first.job_id, client_for=again.factory(who),
                                        options=one_at_a_time, sleep=no_sleep)
    finally:
        await again.close()
    assert again.state.orders_created == 1 and again.state.counts["fault:400"] == 0
    assert summary.status == "done" and (summary.results, summary.errors, summary.orders_failed) == (6, 4, 1)
    assert set(results_per_person(store, summary.job_id).values()) == {1}
