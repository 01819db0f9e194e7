"""The files the demo clients' payroll systems hand over: a-meldinger and ledgers.

Over 400 lines: every kind of file is written from the same month results, so they agree
with each other the way a real payroll system's files do.

``write_inbox`` writes them into a private folder (0700, files 0600) the way the agency
receives them, one folder per client:

- ``<org>/<period>-<nn>-amelding.xml``: every a-melding the payroll system made for the
  month (a-melding XML v2_3), in the order it made them: the month's first, a resend
  after a rejection, and the replacement (``erstatterMeldingsId``) that adds an
  off-cycle run. Each carries the virksomheter with their recipients, employments (with
  leaves), income lines, withholding and employer's contribution per zone, and the
  payment information.
- ``<org>/hovedbok-<year>.xml``: the client's general ledger as SAF-T Financial for the
  demo's months of that year: the payroll journal (wages, holiday pay paid, travel,
  withholding, net pay), the employer's contribution, the bank payments of net pay and of
  each term's withholding and contribution on their due date, and the month-end accrual
  of holiday pay and the contribution on it (the way the reconciliation computes them);
  for a few clients the pension premium (provision, member's share, the insurer's term
  invoice and its difference) and påleggstrekk per creditor (``demo.folder_accounts``),
  benefits in kind against 5290 and employee loans on 1380 (``demo.folder_benefits``).
  The withheld tax is moved to the tax-deduction account (1950) on each pay day and the
  term paid from it, except for clients with a bank guarantee. Each year's file opens
  with the previous year's balances on the balance-sheet accounts (``carried``).

Nothing here touches the store: the demo imports the folder with the intake. (Over 400
lines: the a-melding and the ledger are written from the same month results and
register in one pass over the clients; the pension and garnishment postings live in
``demo.folder_accounts``, the benefits in ``demo.folder_benefits``.)
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from byraa.core.base import clock, periods
from byraa.core.clients import deadlines
from byraa.core.importers.amelding_xml import to_xml
from byraa.core.reconcile.checks import DEFAULT_HOLIDAY_RATE, holiday_rules
from byraa.demo.clients import ClientPlan
from byraa.demo.folder_accounts import ClientAccounts, garnishment_lines, pension_invoice
from byraa.demo.folder_benefits import benefit_lines
from byraa.demo.payroll import MonthResult, aga_total
from byraa.demo.people import FRILANS, SIMPLIFIED

SOURCE_SYSTEM = "Demolønn"


@dataclass(frozen=True)
class Submission:
    """One a-melding file the payroll system made (in the order it made them)."""

    client_id: int
    period: str
    message_id: str
    submitted_at: datetime
    with_off_cycle: bool
    replaces: str | None


def _kr(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    ore = abs(ore)
    return f"{sign}{ore // 100}.{ore % 100:02d}"


def write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


class _Register:
    """The client's employees, employments and leaves as planned, by id."""

    def __init__(self, employees: list[dict], employments: list[dict], leaves: list[dict]) -> None:
        self.employees = {e["id"]: e for e in employees}
        self.employments = {e["id"]: e for e in employments}
        self.by_client: dict[int, list[dict]] = defaultdict(list)
        for e in employments:
            self.by_client[e["client_id"]].append(e)
        self.leaves: dict[int, list[dict]] = defaultdict(list)
        for lv in leaves:
            self.leaves[lv["employment_id"]].append(lv)


def _employment(e: dict, leaves: list[dict], first: date, last: date) -> dict:
    ordinary = e["employment_type"] not in (FRILANS, SIMPLIFIED)
    return {
        "arbeidsforholdId": e["employment_ref"],
        "typeArbeidsforhold": e["employment_type"],
        "startdato": e["start_date"].isoformat(),
        "sluttdato": e["end_date"].isoformat() if e["end_date"] else None,
        "antallTimerPerUkeSomEnFullStillingTilsvarer": e["hours_full_week"] if ordinary else None,
        "avloenningstype": "fastloennet" if ordinary else None,
        "yrke": e["occupation_code"] if ordinary else None,
        "arbeidstidsordning": "ikkeSkift" if ordinary else None,
        "stillingsprosent": e["position_pct"] if ordinary else None,
        "permisjon": [{
            "startdato": lv["start_date"].isoformat(),
            "sluttdato": lv["end_date"].isoformat() if lv["end_date"] else None,
            "permisjonsprosent": lv["leave_pct"], "permisjonId": str(lv["id"]), "beskrivelse": lv["description"],
        } for lv in leaves if lv["start_date"] <= last and (lv["end_date"] is None or lv["end_date"] >= first)],
    }


def _income(amount: int, description: str, *, benefit: str = "kontantytelse", taxable: bool = True) -> dict:
    return {"fordel": benefit, "utloeserArbeidsgiveravgift": taxable, "inngaarIGrunnlagForTrekk": taxable,
            "beloep": _kr(amount), "loennsinntekt": {"beskrivelse": description}}


def _wage_description(e: dict) -> str:
    if e["employment_type"] == FRILANS:
        return "honorar"
    if e["employment_type"] == SIMPLIFIED or 0 < e["position_pct"] < 100:
        return "timeloenn"
    return "fastloenn"


def amelding(client: ClientPlan, m: MonthResult, sub: Submission, register: _Register) -> dict:
    """The a-melding of ``sub`` as the JSON model (``{"leveranse": …}``)."""
    first, last = periods.first_day(m.period), periods.last_day(m.period)
    bonus = {e: (b, w) for e, b, w in m.off_cycle} if sub.with_off_cycle else {}
    travel: dict[int, list[int]] = defaultdict(list)
    for e, amount in m.travel:
        travel[e].append(amount)
    # Employments in the a-melding: ordinary ones in force some day of the month, fees and
    # simplified-scheme wages in the months they are paid.
    reported = []
    for e in register.by_client[client.id]:
        paid = e["id"] in m.wages
        in_force = e["start_date"] <= last and (e["end_date"] is None or e["end_date"] >= first)
        if paid or (in_force and e["employment_type"] not in (FRILANS, SIMPLIFIED)):
            reported.append(e)
    units: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    org_of = {s.id: s.org_number for s in client.sub_units}
    for e in reported:
        units[m.units.get(e["id"]) or org_of[e["sub_unit_id"]]][e["employee_id"]].append(e)
    aga_lines = m.aga if sub.with_off_cycle or not m.regular_aga else m.regular_aga
    aga_by_unit: dict[str, list[dict]] = defaultdict(list)
    pension_by_unit: dict[str, list[dict]] = defaultdict(list)
    for lines, by_unit in ((aga_lines, aga_by_unit), (m.pension_aga, pension_by_unit)):
        for unit, zone, basis, rate in lines:
            by_unit[unit].append({"beregningskodeForArbeidsgiveravgift": "generelleNaeringer", "sone": zone,
                                  "avgiftsgrunnlagBeloep": _kr(basis), "prosentsatsForAvgiftsberegning": rate})
    withheld_total = 0
    virksomheter = []
    for unit in sorted(units):
        recipients = []
        for employee_id, jobs in units[unit].items():
            person = register.employees[employee_id]
            lines, withheld, member = [], 0, 0
            for e in jobs:
                eid = e["id"]
                if m.wages.get(eid):
                    lines.append(_income(m.wages[eid], _wage_description(e)))
                if m.holiday.get(eid):
                    lines.append(_income(m.holiday[eid], "feriepenger"))
                if eid in bonus:
                    lines.append(_income(bonus[eid][0], "bonus"))
                    withheld += bonus[eid][1]
                lines += [_income(a, "reiseKostUtenOvernatting", benefit="utgiftsgodtgjoerelse", taxable=False)
                          for a in travel.get(eid, [])]
                lines += [_income(amount, description, benefit="naturalytelse")
                          for description, _, amount in m.benefits.get(eid, [])]
                withheld += m.withheld.get(eid, 0)
                member += m.member.get(eid, 0)
            withheld_total += withheld
            recipients.append({
                "norskIdentifikator": person["national_id"],
                "identifiserendeInformasjon": {"navn": person["name"], "ansattnummer": person["employee_number"]},
                "arbeidsforhold": [_employment(e, register.leaves.get(e["id"], []), first, last) for e in jobs],
                "forskuddstrekk": [{"beskrivelse": "forskuddstrekk", "beloep": _kr(-withheld)}] if withheld else [],
                "inntekt": lines,
                "fradrag": [{"beskrivelse": "premieTilPensjonsordninger", "beloep": _kr(member)}] if member else [],
            })
        zones, pension = aga_by_unit.get(unit), pension_by_unit.get(unit)
        aga_element = {"loennOgGodtgjoerelse": zones, "tilskuddOgPremieTilPensjon": pension} if pension else \
            {"loennOgGodtgjoerelse": zones} if zones else None
        virksomheter.append({"norskIdentifikator": unit, "inntektsmottaker": recipients,
                             "arbeidsgiveravgift": aga_element})
    return {"leveranse": {
        # Norwegian time without an offset, as payroll systems write it.
        "leveringstidspunkt": sub.submitted_at.astimezone(clock.NORWAY).strftime("%Y-%m-%dT%H:%M:%S"),
        "kalendermaaned": m.period,
        "kildesystem": SOURCE_SYSTEM,
        "erstatterMeldingsId": sub.replaces,
        "meldingsId": sub.message_id,
        "opplysningspliktig": {"norskIdentifikator": client.org_number},
        "oppgave": {"betalingsinformasjon": {"sumForskuddstrekk": _kr(-withheld_total),
                                             "sumArbeidsgiveravgift": _kr(aga_total(aga_lines) + aga_total(m.pension_aga))},
                    "virksomhet": virksomheter},
    }}


# --- The ledger (SAF-T) ---------------------------------------------------------------------

_ACCOUNTS = {
    "1380": "Lån til ansatte", "1570": "Forskudd til ansatte", "1920": "Bankinnskudd", "2600": "Forskuddstrekk", "2770": "Skyldig arbeidsgiveravgift",
    "2781": "Påløpt arbeidsgiveravgift på feriepenger", "2930": "Skyldig lønn", "2940": "Skyldige feriepenger",
    "5000": "Lønn til ansatte", "5092": "Feriepenger", "5400": "Arbeidsgiveravgift",
    "5405": "Arbeidsgiveravgift på påløpte feriepenger", "5406": "Arbeidsgiveravgift på utbetalte feriepenger",
    "7140": "Reisekostnad, ikke oppgavepliktig", "2999": "Feilkonto", "2610": "Påleggstrekk",
    "2630": "Trukket pensjonspremie, medlemsandel", "2810": "Skyldig pensjonspremie",
    "2820": "Avregning pensjonspremie", "5420": "Pensjonskostnad",
    "1574": "Refusjonskrav NAV", "5800": "Refusjon av sykepenger",
    "5200": "Fri bil", "5210": "Fri telefon", "5240": "Rentefordel", "5290": "Motkonto for gruppe 52",
    "1950": "Bankinnskudd for skattetrekk",
}


TAX_DEDUCTION_ACCOUNT = "1950"
"""Bankinnskudd for skattetrekk: the withheld tax set aside on each pay day."""


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class _Journal:
    def __init__(self) -> None:
        self.transactions: list[tuple[date, str, str, list[tuple]]] = []

    def add(self, day: date, voucher: str, text: str, lines: list[tuple]) -> None:
        """``lines``: (account, amount) or (account, amount, the employee's sub-ledger id)."""
        lines = [line for line in lines if line[1]]
        if lines:
            assert sum(line[1] for line in lines) == 0, (voucher, lines)
            self.transactions.append((day, voucher, text, lines))


def _month_text(period: str, what: str) -> str:
    from byraa.core.words import formatting

    return f"{what} {formatting.MONTHS_NB[int(period[5:7]) - 1]} {period[:4]}"


def ledger_journal(months: list[MonthResult], today: date, late: dict[str, int] | None = None,
                   advances: Iterable[tuple[date, int, str]] = (),
                   accounts: ClientAccounts | None = None, national_ids: dict[int, str] | None = None,
                   uncapped: bool = False, guarantee: bool = False) -> tuple[_Journal, dict[str, int]]:
    """One client's postings over the demo's months, and the opening balances of the year
    the months start in (credit negative). ``late``: term end -> days after the due date
    the term's withholding was paid (a planted fault; the contribution is paid on time).
    ``advances``: (day, amount, employee number) advances paid out and never paid back.
    ``accounts``: the client's pension invoices and garnishment payments
    (``demo.folder_accounts``; the months carry the provision and the deductions).
    ``national_ids``: employment id -> the employee's national id, whose birth date says
    who accrues the over-60 extra; ``uncapped``: the client's payroll system accrues that
    extra past 6 G (a planted fault); ``guarantee``: the client has a bank guarantee, so the
    withheld tax is not moved to the tax-deduction account (1950) on each pay day and the
    term is paid from the ordinary bank account."""
    tax_bank = "1920" if guarantee else TAX_DEDUCTION_ACCOUNT
    journal = _Journal()
    months = sorted(months, key=lambda m: m.period)
    borrowers = accounts.borrowers if accounts is not None else {}
    rate = Decimal(str(DEFAULT_HOLIDAY_RATE)) / 100
    ytd: dict[str, int] = defaultdict(int)
    booked: dict[str, int] = defaultdict(int)
    person_basis: dict[str, int] = defaultdict(int)
    nid_of = national_ids or {}
    year = None
    for m in months:
        if m.pay_date > today:
            continue
        if m.period[:4] != year:
            year = m.period[:4]
            ytd.clear()
            booked.clear()
            person_basis.clear()
        mmdd = m.pay_date.strftime("%m%d")
        wages, holiday = sum(m.wages.values()), sum(m.holiday.values())
        travel, withheld = sum(a for _, a in m.travel), sum(m.withheld.values())
        pension, member, garnish = sum(m.pension.values()), sum(m.member.values()), sum(m.garnish.values())
        loans = [("1380", -amount, borrowers[eid]) for eid, amount in sorted(m.loan.items())]
        net = wages + holiday + travel - withheld - member - garnish - sum(m.loan.values())
        pension_aga = aga_total(m.pension_aga)
        regular_aga = aga_total(m.regular_aga or m.aga) + pension_aga
        journal.add(m.pay_date, f"L{mmdd}", _month_text(m.period, "Lønn"),
                    [("5000", wages), ("2940", holiday), ("7140", travel), ("5420", pension), ("2810", -pension),
                     *benefit_lines(m), ("2630", -member), *garnishment_lines(m.garnish, -1), *loans,
                     ("2600", -withheld),
                     ("2930", -net)])
        journal.add(m.pay_date, f"A{mmdd}", _month_text(m.period, "Arbeidsgiveravgift"),
                    [("5400", regular_aga), ("2770", -regular_aga)])
        journal.add(m.pay_date, f"B{mmdd}", "Utbetaling lønn", [("2930", net), ("1920", -net)])
        if not guarantee:
            journal.add(m.pay_date, f"T{mmdd}", "Overført til skattetrekkskonto",
                        [(TAX_DEDUCTION_ACCOUNT, withheld), ("1920", -withheld)])
        refund = sum(m.refund.values())
        if refund:
            # Claimed with the month's pay; NAV pays about six weeks after the month.
            journal.add(m.pay_date, f"R{mmdd}", _month_text(m.period, "Refusjonskrav sykepenger"),
                        [("1574", refund), ("5800", -refund)])
            received = periods.last_day(m.period) + timedelta(days=42)
            if received <= today:
                journal.add(received, f"R{received.strftime('%m%d')}N", "Refusjon sykepenger fra NAV",
                            [("1920", refund), ("1574", -refund)])
        bonus = sum(b for _, b, _ in m.off_cycle)
        if m.off_cycle and m.off_cycle_date is not None:
            off_withheld = sum(w for _, _, w in m.off_cycle)
            day = m.off_cycle_date
            extra_aga = aga_total(m.aga) + pension_aga - regular_aga
            journal.add(day, f"L{day.strftime('%m%d')}X", _month_text(m.period, "Ekstra lønnskjøring"),
                        [("5000", bonus), ("2600", -off_withheld), ("2930", off_withheld - bonus)])
            journal.add(day, f"A{day.strftime('%m%d')}X", _month_text(m.period, "Arbeidsgiveravgift, ekstra"),
                        [("5400", extra_aga), ("2770", -extra_aga)])
            journal.add(day, f"B{day.strftime('%m%d')}X", "Utbetaling lønn, ekstra",
                        [("2930", bonus - off_withheld), ("1920", off_withheld - bonus)])
            if not guarantee:
                journal.add(day, f"T{day.strftime('%m%d')}X", "Overført til skattetrekkskonto",
                            [(TAX_DEDUCTION_ACCOUNT, off_withheld), ("1920", -off_withheld)])
        # Month-end accrual of holiday pay (and the contribution on it), year to date.
        # Per employee, as a payroll system accrues it: the over-60 extra is each one's own.
        for eid, amount in [*m.wages.items(), *((e, b) for e, b, _ in m.off_cycle)]:
            person_basis[nid_of.get(eid, str(eid))] += amount
        ytd["paid"] += holiday
        ytd["aga_basis"] += sum(b for _, _, b, _ in m.aga) + sum(b for _, _, b, _ in m.pension_aga)
        ytd["aga"] += aga_total(m.aga) + pension_aga
        accrued = sum(holiday_rules.accrued(basis, rate, nid, int(year), capped=not uncapped)[0]
                      for nid, basis in person_basis.items())
        aga_rate = Decimal(ytd["aga"]) / Decimal(ytd["aga_basis"]) if ytd["aga_basis"] else Decimal("0.141")
        aga_accrued = _round(Decimal(accrued) * aga_rate)
        aga_paid = _round(Decimal(ytd["paid"]) * aga_rate)
        end = periods.last_day(m.period)
        step = {"accrued": accrued - booked["accrued"], "aga_accrued": aga_accrued - booked["aga_accrued"],
                "aga_paid": aga_paid - booked["aga_paid"]}
        booked.update(accrued=accrued, aga_accrued=aga_accrued, aga_paid=aga_paid)
        journal.add(end, f"F{end.strftime('%m%d')}", _month_text(m.period, "Avsatte feriepenger"),
                    [("5092", step["accrued"]), ("2940", -step["accrued"]), ("5405", step["aga_accrued"]),
                     ("2781", step["aga_paid"] - step["aga_accrued"]), ("5406", -step["aga_paid"])])
    # Each term's withholding and contribution paid on the due date.
    terms: dict[str, list[MonthResult]] = defaultdict(list)
    for m in months:
        month = int(m.period[5:7])
        terms[f"{m.period[:4]}-{month + month % 2:02d}"].append(m)
    for term_end, members in sorted(terms.items()):
        if accounts is not None:
            pension_invoice(journal, term_end, members, accounts, today)
        due = deadlines.term_payment_deadline(term_end).due
        if due > today or any(m.pay_date > today for m in members):
            continue
        garnished: dict[int, int] = defaultdict(int)
        for m in members:
            for e, amount in m.garnish.items():
                garnished[e] += amount
        if garnished and (accounts is None or term_end not in accounts.unpaid):
            total = sum(garnished.values())
            journal.add(due, f"P{due.strftime('%m%d')}", f"Påleggstrekk termin {term_end}",
                        [*garnishment_lines(garnished, 1), ("1920", -total)])
        withheld = sum(sum(m.withheld.values()) + sum(w for _, _, w in m.off_cycle) for m in members)
        aga = sum(aga_total(m.aga) + aga_total(m.pension_aga) for m in members)
        days = (late or {}).get(term_end, 0)
        if days:
            paid = due + timedelta(days=days)
            journal.add(due, f"S{due.strftime('%m%d')}", f"Arbeidsgiveravgift termin {term_end}",
                        [("2770", aga), ("1920", -aga)])
            journal.add(paid, f"S{paid.strftime('%m%d')}T", f"Skattetrekk termin {term_end}",
                        [("2600", withheld), (tax_bank, -withheld)])
            continue
        journal.add(due, f"S{due.strftime('%m%d')}", f"Skattetrekk og arbeidsgiveravgift termin {term_end}",
                    [("2600", withheld), ("2770", aga), (tax_bank, -withheld), ("1920", -aga)])
    for day, amount, party in advances:
        journal.add(day, f"F{day.strftime('%m%d')}A", "Forskudd på lønn", [("1570", amount, party), ("1920", -amount)])
    for day, amount, party in (accounts.loans if accounts is not None else ()):
        journal.add(day, f"K{day.strftime('%m%d')}", "Lån til ansatt", [("1380", amount, party), ("1920", -amount)])
    # Last year's holiday pay, owed at the year's start, is what June pays out.
    first_year = months[0].period[:4] if months else ""
    june = sum(sum(m.holiday.values()) for m in months if m.period[:4] == first_year)
    opening = {"2940": -june, "2781": -_round(Decimal(june) * Decimal("0.141"))}
    return journal, opening


def carried(journal: _Journal, opening: dict[str, int], year: int) -> dict[str, int]:
    """The opening balances of ``year``: the first year's, plus every posting before the
    year on a balance-sheet account (classes 1 and 2; results start each year at zero)."""
    out = dict(opening)
    for day, _, _, lines in journal.transactions:
        if day.year < year:
            for account, amount, *_ in lines:
                if account < "3":
                    out[account] = out.get(account, 0) + amount
    return out


def saft(client: ClientPlan, agency_name: str, year: int, first: str, last: str, journal: _Journal,
         opening: dict[str, int]) -> bytes:
    """The client's SAF-T Financial file for the months ``first``..``last`` of ``year``."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<AuditFile xmlns="urn:StandardAuditFile-Taxation-Financial:NO">',
           "<Header><AuditFileVersion>1.30</AuditFileVersion>",
           f"<AuditFileCountry>NO</AuditFileCountry><AuditFileDateCreated>{last}-01</AuditFileDateCreated>",
           f"<SoftwareCompanyName>{escape(agency_name)}</SoftwareCompanyName>",
           "<SoftwareID>Demoregnskap</SoftwareID><SoftwareVersion>1</SoftwareVersion>",
           f"<Company><RegistrationNumber>{client.org_number}</RegistrationNumber>"
           f"<Name>{escape(client.name)}</Name></Company><DefaultCurrencyCode>NOK</DefaultCurrencyCode>",
           f"<SelectionCriteria><PeriodStart>{int(first[5:7])}</PeriodStart><PeriodStartYear>{year}</PeriodStartYear>"
           f"<PeriodEnd>{int(last[5:7])}</PeriodEnd><PeriodEndYear>{year}</PeriodEndYear></SelectionCriteria>",
           "<TaxAccountingBasis>A</TaxAccountingBasis></Header>", "<MasterFiles><GeneralLedgerAccounts>"]
    for account, name in _ACCOUNTS.items():
        balance = opening.get(account, 0)
        side = (f"<OpeningDebitBalance>{_kr(balance)}</OpeningDebitBalance>" if balance >= 0
                else f"<OpeningCreditBalance>{_kr(-balance)}</OpeningCreditBalance>")
        out.append(f"<Account><AccountID>{account}</AccountID><AccountDescription>{escape(name)}</AccountDescription>"
                   f"<StandardAccountID>{account[:2]}</StandardAccountID><AccountType>GL</AccountType>{side}</Account>")
    out.append("</GeneralLedgerAccounts></MasterFiles><GeneralLedgerEntries>")
    out.append("<Journal><JournalID>L</JournalID><Description>Lønn</Description><Type>L</Type>")
    n = 0
    for day, voucher, text, lines in sorted(journal.transactions, key=lambda t: (t[0], t[1])):
        period = f"{day.year:04d}-{day.month:02d}"
        if day.year != year or not first <= period <= last:
            continue
        out.append(f"<Transaction><TransactionID>{voucher}</TransactionID><Period>{day.month}</Period>"
                   f"<PeriodYear>{day.year}</PeriodYear><TransactionDate>{day.isoformat()}</TransactionDate>"
                   f"<Description>{escape(text)}</Description><SystemEntryDate>{day.isoformat()}</SystemEntryDate>"
                   f"<GLPostingDate>{day.isoformat()}</GLPostingDate>")
        for account, amount, *party in lines:
            n += 1
            side = "DebitAmount" if amount > 0 else "CreditAmount"
            customer = f"<CustomerID>{escape(party[0])}</CustomerID>" if party else ""
            out.append(f"<Line><RecordID>{n}</RecordID><AccountID>{account}</AccountID>"
                       f"<ValueDate>{day.isoformat()}</ValueDate>{customer}<Description>{escape(text)}</Description>"
                       f"<{side}><Amount>{_kr(abs(amount))}</Amount></{side}></Line>")
        out.append("</Transaction>")
    out.append("</Journal></GeneralLedgerEntries></AuditFile>\n")
    return "".join(out).encode("utf-8")


def write_inbox(folder: Path, clients: list[ClientPlan], months: list[MonthResult], submissions: list[Submission],
                employees: list[dict], employments: list[dict], leaves: list[dict], agency_name: str,
                today: date, late_withholding: dict[int, tuple[str, int]] | None = None,
                advances: dict[int, list[tuple[date, int, str]]] | None = None,
                accounts: dict[int, ClientAccounts] | None = None, uncapped: frozenset[int] = frozenset(),
                guarantees: frozenset[int] = frozenset()) -> int:
    """Write every client's a-meldinger and ledgers into ``folder``; returns the file count.
    ``late_withholding``: client id -> (term end, days late), the planted late payments;
    ``advances``: client id -> advances never paid back; ``accounts``: client id -> its
    pension invoices and garnishment payments (``ledger_journal``); ``uncapped``: client ids
    whose payroll system accrues the over-60 extra past 6 G; ``guarantees``: client ids
    with a bank guarantee instead of a tax-deduction account."""
    _private_dir(folder)
    register = _Register(employees, employments, leaves)
    by_month = {(clients[m.client_index].id, m.period): m for m in months}
    by_client: dict[int, list[MonthResult]] = defaultdict(list)
    for m in months:
        by_client[clients[m.client_index].id].append(m)
    plan = {c.id: c for c in clients}
    count = 0
    seq: dict[tuple[int, str], int] = defaultdict(int)
    made: set[int] = set()
    for sub in submissions:
        client = plan[sub.client_id]
        if client.id not in made:
            _private_dir(folder / client.org_number)
            made.add(client.id)
        seq[(sub.client_id, sub.period)] += 1
        doc = amelding(client, by_month[(sub.client_id, sub.period)], sub, register)
        name = f"{sub.period}-{seq[(sub.client_id, sub.period)]:02d}-amelding.xml"
        write_file(folder / client.org_number / name, to_xml(doc))
        count += 1
    this_period = periods.period_of(today)
    for client in clients:
        client_months = by_client.get(client.id, [])
        if not client_months:
            continue
        if client.id not in made:
            _private_dir(folder / client.org_number)
            made.add(client.id)
        planted = (late_withholding or {}).get(client.id)
        national_ids = {e["id"]: register.employees[e["employee_id"]]["national_id"]
                        for e in register.by_client[client.id]}
        journal, opening = ledger_journal(client_months, today, dict([planted]) if planted else None,
                                          (advances or {}).get(client.id, []), (accounts or {}).get(client.id),
                                          national_ids, client.id in uncapped, client.id in guarantees)
        first_period = min(m.period for m in client_months)
        last_period = this_period if client.status != "ended" else max(m.period for m in client_months)
        for year in range(int(first_period[:4]), int(last_period[:4]) + 1):
            first = max(first_period, f"{year}-01")
            last = min(last_period, f"{year}-12")
            data = saft(client, agency_name, year, first, last, journal, carried(journal, opening, year))
            write_file(folder / client.org_number / f"hovedbok-{year}.xml", data)
            count += 1
    return count
