"""Reconciliation runs of last month and this month, as clerks close the months.

After a run is posted and paid, the responsible clerk reconciles the month's net-pay
clearing account (SPEC §5.6): the payroll journal credits the net pay, the bank payment
debits it, and at the period's end it must be 0.00. The demo's runs use that one check
(``clearing``): the balance row and the postings behind it, with the figures of the
demo's own payroll runs (net pay = gross less withholding). Each run names the imported
a-meldinger and ledgers it read in ``inputs`` (filled in after the intake,
``demo.intake.refer_to_sources``).

- Last month nearly every client is reconciled; this month about half of those paid a
  few days ago, fewer of those paid yesterday.
- Most runs balance and are signed off "ok". Some do not: a payment booked short (one
  payslip paid separately and not yet in the ledger) is a difference. Most of those are
  still open (not signed: a difference must be explained first); some were explained
  and signed off "explained"; some were fixed in the ledger and run again, the second
  version signed "ok" (the first stays, unsigned).

Nothing is signed with an unexplained difference, and "ok" only where there is none.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta

from byraa.core.base import periods
from byraa.core.reconcile.checks import Settings
from byraa.core.words import formatting
from byraa.demo.clients import ClientPlan

_ACCOUNT = "2930"
"""NS 4102's net-pay clearing account (skyldig lønn), the default of ``ACCOUNT_ROLES``."""
_SETTINGS = json.dumps(Settings().as_dict())


def _posting(day: date, voucher: str, text: str) -> str:
    return f"posting {day.isoformat()} {voucher} {text}"[:60]


def plan_reconciliation(rng: random.Random, clients: list[ClientPlan], runs: list[dict], manager: str,
                        responsible: dict[int, str], today: date, ids: dict[str, int],
                        deducted: dict[tuple[int, str], int] | None = None) -> tuple[list[dict], list[dict]]:
    """(``recon_run`` rows, ``recon_row`` rows). ``deducted``: (client id, period) -> what
    the regular run's gross holds beyond tax that is not paid out (pension premium,
    påleggstrekk, loan instalments, benefits in kind)."""
    now = datetime(today.year, today.month, today.day, 11, 0, tzinfo=UTC)
    this_period = periods.period_of(today)
    last_period = periods.shift(this_period, -1)
    by_month: dict[tuple[int, str], list[dict]] = {}
    for r in runs:
        if r["period"] in (last_period, this_period) and r["pay_date"] < today:
            by_month.setdefault((r["client_id"], r["period"]), []).append(r)
    run_rows: list[dict] = []
    row_rows: list[dict] = []

    def add_run(client_id: int, period: str, version: int, who: str, at: datetime, postings: list[tuple],
                *, sign: str | None, explanation: str | None = None) -> None:
        run_id = ids["recon_run"] = ids["recon_run"] + 1
        signed_at = min(now - timedelta(minutes=5), at + timedelta(minutes=rng.randint(10, 180))) if sign else None
        run_rows.append({
            "id": run_id, "client_id": client_id, "period": period, "version": version, "method": "standard",
            "checks": "clearing", "inputs": "[]", "settings": _SETTINGS, "created_at": at, "created_by": who,
            "signed_at": signed_at, "signed_by": who if sign else None,
            "sign_date": signed_at.date() if signed_at else None, "sign_status": sign,
        })
        balance = sum(amount for *_, amount in postings)
        resolved = explanation is not None
        rows = [("balance at period end", "0", json.dumps(balance), balance, "equal" if balance == 0 else "differs")]
        rows += [(_posting(day, voucher, text), None, json.dumps(amount), None, "info")
                 for day, voucher, text, amount in postings]
        for seq, (name, payroll, ledger, difference, status) in enumerate(rows, start=1):
            row_id = ids["recon_row"] = ids["recon_row"] + 1
            differs = status == "differs"
            row_rows.append({
                "id": row_id, "run_id": run_id, "seq": seq, "check": "clearing", "national_id": None,
                "key": _ACCOUNT, "field": name, "unit": "nok", "payroll": payroll, "a07": None, "ledger": ledger,
                "difference": difference, "status": status, "payroll_ref": None, "a07_ref": None,
                "resolution": "explained" if differs and resolved else None,
                "explanation": explanation if differs and resolved else None,
                "resolved_by": who if differs and resolved else None,
                "resolved_at": (signed_at or at) - timedelta(minutes=2) if differs and resolved else None,
            })

    for client in clients:
        for period in (last_period, this_period):
            month_runs = sorted(by_month.get((client.id, period), []), key=lambda r: r["pay_date"])
            regular = next((r for r in month_runs if r["kind"] == "regular"), None)
            if regular is None:
                continue
            days_since = (today - regular["pay_date"]).days
            chance = 0.92 if period == last_period else 0.3 if days_since <= 1 else 0.6
            if rng.random() >= chance:
                continue
            who = responsible.get(client.id, manager)
            latest = max(r["pay_date"] for r in month_runs)
            day = min(today, latest + timedelta(days=rng.randint(1, 4)))
            at = min(now - timedelta(minutes=30), datetime(day.year, day.month, day.day, rng.randint(8, 15),
                                                           rng.randrange(60), tzinfo=UTC))
            postings = []
            for r in month_runs:
                net = r["gross"] - r["withholding"]
                if r["kind"] == "regular":
                    net -= (deducted or {}).get((client.id, period), 0)
                month = f"{formatting.MONTHS_NB[int(period[5:7]) - 1]} {period[:4]}"  # the client's ledger: bokmål
                text = f"Lønn {month}" if r["kind"] == "regular" else f"Ekstra lønnskjøring {month}"
                voucher = f"L{r['pay_date'].strftime('%m%d')}"
                postings.append((r["pay_date"], voucher, text, -net))
                postings.append((r["pay_date"], f"B{r['pay_date'].strftime('%m%d')}", "Utbetaling lønn", net))
            roll = rng.random()
            if roll < 0.78:
                add_run(client.id, period, 1, who, at, postings, sign="ok")
                continue
            # One payslip paid separately and not booked yet: the payment falls short.
            net = -postings[0][3]
            short = max(1_000_00, round(net * rng.uniform(0.02, 0.15) / 100) * 100)
            day, voucher, text, amount = postings[1]
            short_postings = [postings[0], (day, voucher, text, amount - short), *postings[2:]]
            if roll < 0.90:
                add_run(client.id, period, 1, who, at, short_postings, sign=None)
            elif roll < 0.95:
                add_run(client.id, period, 1, who, at, short_postings, sign="explained",
                        explanation=f"Én lønnsslipp ({formatting.nok(short)}) utbetalt manuelt "
                                    f"{formatting.day(day + timedelta(days=1))}, bokføres i neste periode.")
            else:
                add_run(client.id, period, 1, who, at, short_postings, sign=None)
                # The separate payment booked in the ledger, then run again: version 2 balances.
                again = min(now - timedelta(minutes=15), at + timedelta(hours=rng.randint(2, 30)))
                fixed = [*short_postings, (day, f"{voucher}M", "Utbetaling lønn, manuell", short)]
                add_run(client.id, period, 2, who, again, fixed, sign="ok")
    return run_rows, row_rows


__all__ = ["plan_reconciliation"]
