"""The agency's tax-card fetches of the year, as byraa's bulk fetch would have stored them.

The story, for the income year of today's month:

1. Three weeks ago a manager fetched every client's cards ("all listed", all clients):
   one job of orders of at most 1,000 persons. Persons registered by then (two weeks
   before their first day) with an employment in the year were asked; those with none in
   the year are listed as skipped, as the fetch's plan does.
2. People hired since, and clients taken in since, had their client's cards fetched by
   the responsible clerk a day after registration ("all listed", one client), most of
   them: a few clerks have not got round to it yet, so those clients miss cards.
3. Six days ago the manager ran the change notices ("changes only", HENT_KUN_ENDRING)
   for every client fetched before: a few persons got a new card.

The answers are the sandbox's (``byraa.sandbox.data.person_result``), so a fetch in
the demo later finds the same cards. The sandbox plants a national id unknown to the
population register for about one person in thirty; in this history most of those had
their id corrected and got a table card, and one in ten is still an error without a card.
No raw answers are archived (the result rows carry no archive id).
"""

from __future__ import annotations

import json
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from byraa.core.taxcards.fetch import JOB_KIND
from byraa.core.taxcards.parse import Deduction, PersonResult
from byraa.demo.clients import ClientPlan
from byraa.sandbox.data import person_result

_PERSONS_PER_ORDER = 1000
_REGISTERED_BEFORE_START = timedelta(days=14)
_UNKNOWN_ID = "Skatteetaten does not know this national id (ugyldigFoedselsEllerDnummer)"
_OUTCOME = {"skattekortopplysningerOK": "card", "ikkeSkattekort": "no_card", "ikkeTrekkplikt": "not_liable"}


@dataclass
class TaxCardRows:
    jobs: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    cards: list[dict] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)


@dataclass
class _Person:
    employee_id: int
    client_id: int
    national_id: str
    registered: date
    active_in_year: bool
    last_end: date | None


def _answer(org_number: str, national_id: str, year: int, rng: random.Random) -> PersonResult:
    """The sandbox's answer, except that most planted unknown ids were corrected (a table card)."""
    answer = person_result(org_number, national_id, year)
    if answer.result in _OUTCOME or rng.random() < 0.2:
        return answer
    table = str(8000 + rng.randrange(40) * 10)
    pct = float(rng.randint(25, 45))
    main = Deduction("loennFraHovedarbeidsgiver", "trekktabell", table, "trekktabellForLoenn", pct, 10.5)
    others = tuple(Deduction(code, "trekkprosent", percentage=pct)
                   for code in ("loennFraBiarbeidsgiver", "loennFraNAV", "ufoeretrygdFraNAV"))
    return PersonResult(national_id, year, "skattekortopplysningerOK", (main, *others), (),
                        str(100000 + rng.randrange(900000)), date(year - 1, 12, rng.randint(1, 28)))


def _deduction(d: Deduction) -> dict:
    """``dataclasses.asdict`` of a deduction, without its deep copies (40,000 cards)."""
    return {"free_card_amount": d.free_card_amount, "kind": d.kind, "months": d.months, "percentage": d.percentage,
            "table_number": d.table_number, "table_type": d.table_type, "trekkode": d.trekkode}


def _card_row(card_id: int, person: _Person, answer: PersonResult, fetched_at: datetime, year: int) -> dict:
    """A ``tax_card`` row as ``taxcards.store.store_answer`` writes one."""
    main = answer.main
    deductions = json.dumps([_deduction(d) for d in answer.deductions], ensure_ascii=False, sort_keys=True) \
        if answer.deductions else None
    return {
        "id": card_id, "client_id": person.client_id, "employee_id": person.employee_id, "income_year": year,
        "fetched_at": fetched_at, "result": answer.result, "kind": main.kind if main else "none",
        "table_number": main.table_number if main else None, "percentage": main.percentage if main else None,
        "free_card_amount": main.free_card_amount if main else None, "months": main.months if main else None,
        "trekkode": main.trekkode if main else None,
        "tilleggsopplysning": ",".join(answer.tilleggsopplysning)[:300] or None, "card_id": answer.card_id,
        "issued_date": answer.issued_date, "deductions": deductions, "source_archive_id": None, "is_current": True,
    }


class _History:
    def __init__(self, rng: random.Random, year: int, ids: dict[str, int], org: dict[int, str]) -> None:
        self.rng, self.year, self.ids, self.org = rng, year, ids, org
        self.rows = TaxCardRows()
        self.current: dict[int, dict] = {}
        """employee id -> the current card row."""
        self.answers: dict[int, PersonResult] = {}

    def _next(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def _job(self, who: str, started: datetime, finished: datetime, mode: str, selection: str,
             clients: list[int], persons: int) -> int:
        job_id = self._next("job")
        kind = "changes only" if mode == "changes" else "all listed"
        params = {"year": self.year, "mode": mode, "selection": selection, "clients": clients, "persons": persons,
                  "skipped": 0, "persons_per_order": _PERSONS_PER_ORDER, "clients_without_access": 0}
        self.rows.jobs.append({
            "id": job_id, "kind": JOB_KIND, "status": "done", "created_by": who, "created_at": started,
            "updated_at": finished, "finished_at": finished, "heartbeat_at": finished, "owner": None,
            "cancel_requested": False, "title": f"Tax cards {self.year} ({kind}): {selection}"[:200],
            "params": json.dumps(params, ensure_ascii=False), "summary": None, "total_units": 0,
        })
        return job_id

    def _item(self, job_id: int, n: int, mode: str, employers: dict[str, list[str]], groups: dict[str, int],
              client_ids: dict[str, int], at: datetime, result: dict) -> int:
        item_id = self._next("job_item")
        reference = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        payload = {"year": self.year, "mode": mode, "connection": "agency", "employers": employers,
                   "idempotency_id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
                   "client_ids": client_ids, "_groups": groups, "reference": reference}
        weight = max(1, sum(groups.values()))
        self.rows.items.append({
            "id": item_id, "job_id": job_id, "key": f"order:{n}", "state": "done", "weight": weight,
            "claimed_by": None, "claimed_at": None, "attempts": 1, "payload": json.dumps(payload, ensure_ascii=False),
            "result": json.dumps({"reference": reference, "status": "FORESPOERSEL_OK", **result}), "error": None,
            "updated_at": at,
        })
        self.rows.jobs[-1]["total_units"] += weight
        return item_id

    def _result(self, job_id: int, item_id: int | None, person: _Person, outcome: str, at: datetime, *,
                result: str | None = None, reason: str | None = None, card_id: int | None = None,
                changes: str | None = None, previous: datetime | None = None) -> None:
        self.rows.results.append({
            "id": self._next("taxcard_fetch_result"), "job_id": job_id, "item_id": item_id,
            "client_id": person.client_id, "employee_id": person.employee_id, "national_id": person.national_id,
            "income_year": self.year, "outcome": outcome, "result": result, "reason": reason,
            "tax_card_id": card_id, "changed": changes is not None, "changes": changes,
            "previous_fetched_at": previous, "archive_id": None, "created_at": at,
        })

    def fetch_all(self, who: str, started: datetime, selection: str, clients: list[ClientPlan],
                  persons: dict[int, list[_Person]]) -> None:
        """An "all listed" fetch of ``clients``: every person active in the year asked, leavers skipped."""
        asked = [(c, p) for c in clients for p in persons.get(c.id, []) if p.active_in_year]
        if not asked:  # the fetch refuses a plan with nobody to ask
            return
        orders = [asked[i:i + _PERSONS_PER_ORDER] for i in range(0, len(asked), _PERSONS_PER_ORDER)]
        finished = started + timedelta(minutes=2 + len(orders), seconds=self.rng.randrange(60))
        counts: dict[str, int] = defaultdict(int)
        job_id = self._job(who, started, finished, "all", selection, [c.id for c in clients], len(asked))
        for c in clients:
            for p in persons.get(c.id, []):
                if not p.active_in_year:
                    reason = (f"no employment in {self.year} (left {p.last_end.strftime('%d.%m.%Y')})"
                              if p.last_end else f"no employment in {self.year}")
                    self._result(job_id, None, p, "skipped", started, reason=reason)
                    counts["skipped"] += 1
        for n, order in enumerate(orders, start=1):
            employers: dict[str, list[str]] = defaultdict(list)
            for c, p in order:
                employers[c.org_number].append(p.national_id)
            groups = {org: len(nids) for org, nids in employers.items()}
            client_ids = {c.org_number: c.id for c, _p in order}
            item_id = self._item(job_id, n, "all", dict(employers), groups, client_ids, finished, {"persons": len(order)})
            for _c, p in order:
                answer = self.answers.get(p.employee_id)
                if answer is None:
                    answer = self.answers[p.employee_id] = _answer(self.org[p.client_id], p.national_id, self.year,
                                                                   self.rng)
                outcome = _OUTCOME.get(answer.result)
                if outcome is None:
                    self._result(job_id, item_id, p, "error", finished, result=answer.result, reason=_UNKNOWN_ID)
                    counts["error"] += 1
                    continue
                card = self.current.get(p.employee_id)
                if card is None:  # the same card again changes nothing (store_answer)
                    card = self.current[p.employee_id] = _card_row(self._next("tax_card"), p, answer, finished,
                                                                   self.year)
                    self.rows.cards.append(card)
                self._result(job_id, item_id, p, outcome, finished, result=answer.result, card_id=card["id"])
                counts[outcome] += 1
        self.rows.jobs[-1]["summary"] = json.dumps({**counts, "changed": 0})
        self.rows.jobs[-1]["params"] = json.dumps({**json.loads(self.rows.jobs[-1]["params"]),
                                                   "skipped": counts["skipped"]}, ensure_ascii=False)

    def fetch_changes(self, who: str, started: datetime, clients: list[ClientPlan],
                      persons: dict[int, list[_Person]]) -> None:
        """A changes-only fetch for ``clients``: one order, a new card for the few whose card changed."""
        finished = started + timedelta(minutes=1, seconds=self.rng.randrange(60))
        groups = {c.org_number: sum(p.active_in_year for p in persons.get(c.id, [])) for c in clients}
        job_id = self._job(who, started, finished, "changes", "all clients", [c.id for c in clients],
                           sum(groups.values()))
        changed = 0
        item_id = self._item(job_id, 1, "changes", {c.org_number: [] for c in clients}, groups,
                             {c.org_number: c.id for c in clients}, finished, {})
        for c in clients:
            for p in persons.get(c.id, []):
                old = self.current.get(p.employee_id)
                if old is None or old["kind"] not in ("trekktabell", "trekkprosent") or self.rng.random() >= 0.015:
                    continue
                new = dict(old, id=self._next("tax_card"), fetched_at=finished,
                           card_id=str(100000 + self.rng.randrange(900000)), issued_date=finished.date())
                if old["kind"] == "trekkprosent":
                    field, value = "percentage", float(min(50, max(10, old["percentage"] + self.rng.choice((-4, -2, 3, 5)))))
                    what = f"percentage {old['percentage']} → {value}"
                else:
                    field, value = "table_number", str(int(old["table_number"]) + self.rng.choice((-20, -10, 10, 20)))
                    what = f"table {old['table_number']} → {value}"
                new[field] = value
                deductions = json.loads(old["deductions"] or "[]")
                for d in deductions:  # the main deduction changed; the others stay
                    if d.get("trekkode") == old["trekkode"]:
                        d[field] = value
                new["deductions"] = json.dumps(deductions, ensure_ascii=False, sort_keys=True) if deductions else None
                old["is_current"] = False
                self.current[p.employee_id] = new
                self.rows.cards.append(new)
                self._result(job_id, item_id, p, "card", finished, result="skattekortopplysningerOK",
                             card_id=new["id"], changes=what, previous=old["fetched_at"])
                changed += 1
        self.rows.jobs[-1]["summary"] = json.dumps({"card": changed, "changed": changed})
        self.rows.items[-1]["result"] = json.dumps({**json.loads(self.rows.items[-1]["result"]), "changed": changed})


def plan_tax_cards(rng: random.Random, clients: list[ClientPlan], employees: list[dict], employments: list[dict],
                   manager: str, responsible: dict[int, str], today: date, ids: dict[str, int]) -> TaxCardRows:
    """Jobs, orders, per-person results and the cards they left, for today's income year."""
    year = today.year
    now = datetime(today.year, today.month, today.day, 11, 0, tzinfo=UTC)
    first_fetch = max(now - timedelta(days=21, hours=2, minutes=30), datetime(year - 1, 12, 15, 9, 0, tzinfo=UTC))
    change_run = now - timedelta(days=6, hours=3, minutes=15)
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)

    by_employee: dict[int, list[dict]] = defaultdict(list)
    for e in employments:
        by_employee[e["employee_id"]].append(e)
    persons: dict[int, list[_Person]] = defaultdict(list)
    for emp in employees:
        jobs = by_employee.get(emp["id"], [])
        if not jobs:
            continue
        ends = [j["end_date"] for j in jobs]
        persons[emp["client_id"]].append(_Person(
            emp["id"], emp["client_id"], emp["national_id"],
            min(j["start_date"] for j in jobs) - _REGISTERED_BEFORE_START,
            any(j["start_date"] <= year_end and (j["end_date"] is None or j["end_date"] >= year_start) for j in jobs),
            None if any(e is None for e in ends) else max(ends)))

    def registered_by(client: ClientPlan, moment: datetime) -> list[_Person]:
        return [p for p in persons.get(client.id, []) if p.registered <= moment.date()]

    history = _History(rng, year, ids, {c.id: c.org_number for c in clients})
    serving = [c for c in clients if c.status != "ended"]
    first = [c for c in serving if c.created_at <= first_fetch]
    history.fetch_all(manager, first_fetch, "all clients", first, {c.id: registered_by(c, first_fetch) for c in first})

    # Hires since, and clients taken in since: the responsible clerk fetches the client a
    # day after the registration (most of them; a few have not yet).
    later: list[tuple[datetime, ClientPlan]] = []
    for c in serving:
        if c.created_at > first_fetch:
            since = c.created_at
        else:
            hires = [p.registered for p in persons.get(c.id, []) if first_fetch.date() < p.registered <= now.date()]
            if not hires:
                continue
            since = datetime(max(hires).year, max(hires).month, max(hires).day, 8, 0, tzinfo=UTC)
        at = since + timedelta(days=1, hours=rng.randint(0, 6), minutes=rng.randrange(60))
        if at < now - timedelta(hours=1) and rng.random() < 0.75:
            later.append((at, c))
    later.sort(key=lambda pair: (pair[0], pair[1].id))
    fetched_before_changes = {c.id for c in first}
    pending = list(later)
    while pending and pending[0][0] < change_run:
        at, c = pending.pop(0)
        history.fetch_all(responsible.get(c.id, manager), at, "1 chosen client(s)", [c], {c.id: registered_by(c, at)})
        fetched_before_changes.add(c.id)
    covered = [c for c in serving if c.id in fetched_before_changes]
    history.fetch_changes(manager, change_run, covered, {c.id: registered_by(c, change_run) for c in covered})
    for at, c in pending:
        history.fetch_all(responsible.get(c.id, manager), at, "1 chosen client(s)", [c], {c.id: registered_by(c, at)})
    return history.rows


__all__ = ["TaxCardRows", "plan_tax_cards"]
