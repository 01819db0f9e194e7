"""A-meldinger sent for each month, and the month's travel claims and absences.

Every client-month with a payroll run before today's month has an a-melding, sent
around the pay date and before the 5th of the next month. Most are accepted, some with
deviations to fix (immediate or by guideline); now and then one is rejected and sent
again a few days later. Last month is where the attention list looks, so there a few
rejections are still unresolved and a couple were resent and accepted. An off-cycle
run is reported by a replacement a-melding. In today's month only a few have been sent
(still pending feedback); the rest are not due yet.

a-ordningen's feedback (tilbakemelding) on every a-melding that got one is archived as
byraa archives it when it fetches the feedback (kind ``feedback``, the client and month,
the JSON as the feedback endpoint answers): reception status, the deviations matching the
submission's counts per severity, KID, account and the month's withholding and employer's
contribution. The deviation codes and texts are the sandbox's kind: synthetic, in
a-ordningen's style.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from datetime import UTC, date, datetime, timedelta

from byraa.core.base import periods
from byraa.demo.clients import ClientPlan
from byraa.demo.payroll import MonthResult

_SEASON_ABSENCE = {1: 1.4, 2: 1.4, 3: 1.2, 4: 1.0, 5: 0.9, 6: 0.8, 7: 0.5, 8: 0.8, 9: 1.0, 10: 1.2, 11: 1.3, 12: 1.2}
"""Sick leave peaks with the winter flu season and drops in the July holidays."""
_SEASON_TRAVEL = {1: 0.8, 2: 1.0, 3: 1.1, 4: 1.0, 5: 1.1, 6: 1.0, 7: 0.4, 8: 0.8, 9: 1.2, 10: 1.2, 11: 1.2, 12: 0.8}
_ABSENCES_PER_EMPLOYEE = 0.09


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(7, 17), rng.randrange(60), rng.randrange(60), tzinfo=UTC)


class _Messages:
    """meldingsId as a payroll system makes them: org number, month, running number.

    Only letters and digits: Skatteetaten asks systems to avoid ``_ . -`` (error 181E)."""

    def __init__(self) -> None:
        self.seq: dict[tuple[int, str], int] = {}

    def next(self, client: ClientPlan, period: str) -> str:
        key = (client.id, period)
        self.seq[key] = self.seq.get(key, 0) + 1
        return f"{client.org_number}{period.replace('-', '')}{self.seq[key]:02d}"


def plan_ameldinger(rng: random.Random, clients: list[ClientPlan], months: list[MonthResult], today: date,
                    ids: dict[str, int]) -> list[dict]:
    this_period = periods.period_of(today)
    last_period = periods.shift(this_period, -1)
    n = len(clients)

    # Last month: some still rejected, a couple rejected and then accepted on a resend.
    last_month = [m for m in months if m.period == last_period]
    n_rejected = min(len(last_month), max(2, round(n * 0.05)))
    still_rejected = {m.client_index for m in rng.sample(last_month, n_rejected)}
    others = [m for m in last_month if m.client_index not in still_rejected]
    resent = {m.client_index for m in rng.sample(others, min(len(others), max(1, round(n * 0.03))))}
    # Today's month: a few sent and waiting for feedback.
    due_now = [m for m in months if m.period == this_period and m.pay_date <= today]
    pending = {m.client_index for m in rng.sample(due_now, min(len(due_now), max(1, round(n * 0.05))))}

    messages = _Messages()
    rows: list[dict] = []

    def add(client: ClientPlan, period: str, at: datetime, status: str, rejection: int = 0,
            immediate: int = 0, guideline: int = 0) -> None:
        row_id = ids["amelding_submission"] = ids["amelding_submission"] + 1
        rows.append({
            "id": row_id, "client_id": client.id, "period": period, "message_id": messages.next(client, period),
            "submitted_at": at, "status": status, "deviations_rejection": rejection,
            "deviations_immediate": immediate, "deviations_guideline": guideline,
        })

    def accepted(client: ClientPlan, period: str, at: datetime) -> None:
        guideline = rng.randint(1, 4) if rng.random() < 0.12 else 0
        immediate = rng.randint(1, 2) if rng.random() < 0.04 else 0
        add(client, period, at, "accepted", immediate=immediate, guideline=guideline)

    def rejected(client: ClientPlan, period: str, at: datetime) -> None:
        add(client, period, at, "rejected", rejection=rng.randint(1, 3),
            immediate=rng.randint(1, 2) if rng.random() < 0.3 else 0)

    now = _moment(rng, today).replace(hour=11)
    for m in months:
        client = clients[m.client_index]
        if m.period == this_period:
            if m.client_index in pending:
                add(client, m.period, min(now, _moment(rng, m.pay_date + timedelta(days=rng.randint(0, 2)))), "pending")
            continue
        deadline = date.fromordinal(periods.last_day(m.period).toordinal() + 5)  # the 5th of next month
        sent = min(deadline, max(periods.first_day(m.period), m.pay_date + timedelta(days=rng.randint(-3, 4))))
        sent = min(sent, today - timedelta(days=1))  # early in a month, last month's are just in
        first_at = _moment(rng, sent)
        if m.period == last_period and m.client_index in still_rejected:
            rejected(client, m.period, first_at)
            continue
        retry = m.client_index in resent if m.period == last_period else rng.random() < 0.025
        if retry:
            rejected(client, m.period, first_at)
            again = min(today - timedelta(days=1), sent + timedelta(days=rng.randint(1, 4)))
            first_at = max(first_at + timedelta(hours=2), _moment(rng, again))
        accepted(client, m.period, first_at)
        if m.off_cycle_date is not None:
            # The off-cycle pay goes in a replacement a-melding for the same month.
            replace_day = min(today - timedelta(days=1), max(m.off_cycle_date, sent) + timedelta(days=1))
            accepted(client, m.period, max(first_at + timedelta(hours=1), _moment(rng, replace_day)))
    return rows


def plan_activity(rng: random.Random, clients: list[ClientPlan], months: list[MonthResult], today: date,
                  ids: dict[str, int]) -> list[dict]:
    """Travel/expense claims and absences registered per client-month, roughly by head count."""
    this_period = periods.period_of(today)
    rows: list[dict] = []
    for m in months:
        client = clients[m.client_index]
        month = int(m.period[5:7])
        elapsed = 1.0
        if m.period == this_period:  # the month is not over yet
            elapsed = today.day / periods.last_day(m.period).day
        travel = m.payslips * client.industry.claims_per_employee * _SEASON_TRAVEL[month] * elapsed
        absence = m.payslips * _ABSENCES_PER_EMPLOYEE * _SEASON_ABSENCE[month] * elapsed
        row_id = ids["client_activity"] = ids["client_activity"] + 1
        rows.append({
            "id": row_id, "client_id": client.id, "period": m.period,
            "travel_expense_claims": int(travel * rng.uniform(0.75, 1.25) + rng.random()),
            "absences": int(absence * rng.uniform(0.75, 1.25) + rng.random()),
        })
    return rows


# --- Feedback documents ---------------------------------------------------------------------

_DEVIATIONS = {
    "avvisning": (
        ("MAGNET_EDAG-061", "Virksomheten er ikke registrert som underenhet av opplysningspliktig"),
        ("MAGNET_EDAG-104", "Sum forskuddstrekk stemmer ikke med summen av forskuddstrekk for inntektsmottakerne"),
        ("MAGNET_EDAG-118", "Inntektsmottaker har inntekt, men ingen arbeidsforhold i virksomheten"),
    ),
    "oeyeblikkelig": (
        ("MAGNET_EDAG-132", "Arbeidsforholdet mangler stillingsprosent"),
        ("MAGNET_EDAG-133", "Arbeidsforholdet mangler yrkeskode"),
    ),
    "retningslinje": (
        ("MAGNET_EDAG-227", "Antall timer for en full stilling er uvanlig høyt"),
        ("MAGNET_EDAG-231", "Sluttdato for arbeidsforholdet er ikke oppgitt, men det er ikke utbetalt lønn"),
        ("MAGNET_EDAG-244", "Permisjon uten sluttdato har vart i mer enn ett år"),
        ("MAGNET_EDAG-252", "Yrkeskoden passer dårlig med virksomhetens næringskode"),
    ),
}
"""Per a-ordningen severity (alvorlighetsgrad): enough distinct deviations for the
largest count a demo a-melding gets (3 rejection, 2 immediate, 4 guideline). None of the
rejections contradicts what the demo shows (its meldingsId and national ids are valid)."""
_ACCOUNT = "63450618000"
"""The sandbox's account for withholding and employer's contribution."""


def _kroner(ore: int) -> str:
    return f"{ore // 100}.{ore % 100:02d}"


def plan_feedback(rng: random.Random, clients: list[ClientPlan], ameldinger: list[dict], runs: list[dict],
                  fetched_by: dict[int, str], ids: dict[str, int]) -> list[dict]:
    """``archive_file`` rows: the feedback a-ordningen gave on each a-melding (none while
    pending). ``fetched_by`` names, per client id, the staff login whose byraa fetched it."""
    org = {c.id: c.org_number for c in clients}
    month_runs: dict[tuple[int, str], list[dict]] = {}
    for r in runs:
        month_runs.setdefault((r["client_id"], r["period"]), []).append(r)
    rows: list[dict] = []
    for sub in ameldinger:
        if sub["status"] == "pending":
            continue
        at: datetime = sub["submitted_at"]
        paid = [r for r in month_runs.get((sub["client_id"], sub["period"]), []) if r["pay_date"] <= at.date()]
        avvik = []
        for severity, count in (("avvisning", sub["deviations_rejection"]),
                                ("oeyeblikkelig", sub["deviations_immediate"]),
                                ("retningslinje", sub["deviations_guideline"])):
            for code, text in rng.sample(_DEVIATIONS[severity], count):
                avvik.append({"kode": code, "beskrivelse": text, "alvorlighetsgrad": severity})
        kid = int.from_bytes(hashlib.sha256(f"kid|{org[sub['client_id']]}".encode()).digest()[:8], "big")
        document = {
            "forsendelseId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "mottak": {"mottakstatus": "avvist" if sub["status"] == "rejected" else "mottatt",
                       "kalendermaaned": sub["period"], "opplysningspliktig": org[sub["client_id"]],
                       "meldingsId": sub["message_id"]},
            "avvik": avvik,
            "kid": f"{kid % 10**12:012d}",
            "kontonummer": _ACCOUNT,
            "sumForskuddstrekk": _kroner(sum(r["withholding"] for r in paid)),
            "sumArbeidsgiveravgift": _kroner(sum(r["employer_contribution"] for r in paid)),
        }
        content = json.dumps(document, ensure_ascii=False).encode()
        row_id = ids["archive_file"] = ids["archive_file"] + 1
        rows.append({
            "id": row_id, "client_id": sub["client_id"], "kind": "feedback", "direction": "in",
            "period": sub["period"], "created_at": at + timedelta(minutes=rng.randint(2, 40)),
            "filename": None, "content_type": "application/json", "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(), "correlation_id": None,
            "user_login": fetched_by.get(sub["client_id"]), "content": content,
        })
    return rows
