"""Generated a-meldinger for whole months: varied people, expense lines, leaves, leavers.

Deterministic from (client number, period, people). Used by the cockpit and intake tests
and by ``benchmarks/bench_intake.py``; the tests compute what the files say with
``facts`` (ElementTree over the written file), independently of byraa's importer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from byraa.core.base import ids
from tests.data.reconcile import build as b

_NIDS: list[str] = []


def national_ids(count: int) -> list[str]:
    """``count`` distinct valid Tenor national ids (month + 80), cached."""
    day = 1
    while len(_NIDS) < count:
        for month in range(81, 93):
            for serial in range(0, 1000, 7):
                value = ids.complete_national_id(f"{day:02d}{month}85{serial:03d}")
                if value:
                    _NIDS.append(value)
        day += 1
    return _NIDS[:count]


def month_message(client_org: str, unit_org: str, period: str, people: int, *, seed: int = 0,
                  message_id: str | None = None, replaces: str | None = None, pay_step: int = 0) -> dict:
    """One client's a-melding for ``period`` with ``people`` recipients."""
    year, month = int(period[:4]), int(period[5:])
    first = date(year, month, 1)
    recipients = []
    for i, nid in enumerate(national_ids(people + seed)[seed:seed + people]):
        k = i + seed
        leaves = []
        if k % 7 == 3:  # a leave running through the month
            leaves.append(b.leave(f"{year}-{month:02d}-05", None, 100.0, ident=f"p{k}"))
        if k % 11 == 5:  # a leave that ended the month before (not active)
            leaves.append(b.leave(f"{year - 1}-01-01", f"{year - 1}-03-31", 50.0, ident=f"q{k}"))
        end = f"{year}-{month:02d}-10" if k % 13 == 4 else None
        employment = b.employment(str(k), start="2020-01-01" if k % 5 else first.isoformat(), end=end,
                                  pct=100.0 if k % 3 else 60.0, leaves=leaves)
        monthly = 30000 + (k * 137) % 25000 + pay_step * 100
        incomes = [b.income(f"{monthly}.{k % 100:02d}")]
        if k % 4 == 1:
            incomes.append(b.income(f"{400 + k % 300}.50", "bilgodtgjoerelse", fordel="utgiftsgodtgjoerelse",
                                    aga=False, trekk=False))
        if k % 9 == 2:
            incomes.append(b.income("850", "kostgodtgjoerelse", fordel="utgiftsgodtgjoerelse", aga=False, trekk=False))
        if k % 17 == 8:  # employed but no pay this month
            incomes = []
        withheld = None if not incomes else f"{monthly * 3 // 10}"
        recipients.append(b.recipient(nid, f"Person {k}", employments=[employment], incomes=incomes,
                                      withheld=withheld))
    basis = sum(Decimal(i["beloep"]) for r in recipients for i in r["inntekt"] if i["utloeserArbeidsgiveravgift"])
    return b.amelding(client_org, period, [b.unit(unit_org, recipients, aga=[("1", f"{basis:.2f}", 14.1)])],
                      message_id=message_id or f"{client_org}-{period}-1", replaces=replaces)


@dataclass
class Facts:
    """What one a-melding file says, read with ElementTree."""

    org: str
    period: str
    message_id: str
    replaces: str | None
    persons_paid: int
    gross: int
    withholding: int
    contribution: int
    expense_lines: int
    leaves_active: int
    employees_active: int


def _ore(text: str) -> int:
    return int((Decimal(text) * 100).to_integral_value())


def facts(path: Path) -> Facts:
    root = ET.parse(path).getroot()

    def ln(el: ET.Element) -> str:
        return el.tag.rsplit("}", 1)[-1]

    def kids(el: ET.Element, name: str) -> list[ET.Element]:
        return [c for c in el if ln(c) == name]

    def text(el: ET.Element, name: str) -> str | None:
        found = kids(el, name)
        return found[0].text if found else None

    lev = kids(root, "Leveranse")[0]
    period = text(lev, "kalendermaaned") or ""
    first = date(int(period[:4]), int(period[5:]), 1)
    last = date(first.year + first.month // 12, first.month % 12 + 1, 1).toordinal() - 1
    paid, gross, withheld, contribution, expenses, leaves, active = set(), 0, 0, 0, 0, 0, 0
    for unit in kids(kids(lev, "oppgave")[0], "virksomhet"):
        for r in kids(unit, "inntektsmottaker"):
            nid = text(r, "norskIdentifikator")
            for inc in kids(r, "inntekt"):
                paid.add(nid)
                gross += _ore(text(inc, "beloep") or "0")
                expenses += text(inc, "fordel") == "utgiftsgodtgjoerelse"
            for f in kids(r, "forskuddstrekk"):
                withheld -= _ore(text(f, "beloep") or "0")
            live = False
            for a in kids(r, "arbeidsforhold"):
                start, end = text(a, "startdato"), text(a, "sluttdato")
                if (not start or date.fromisoformat(start).toordinal() <= last) and (
                        not end or date.fromisoformat(end) >= first):
                    live = True
                for p in kids(a, "permisjon"):
                    ps, pe = text(p, "startdato"), text(p, "sluttdato")
                    if date.fromisoformat(ps or "").toordinal() <= last and (not pe or date.fromisoformat(pe) >= first):
                        leaves += 1
            active += live
        for aga in kids(unit, "arbeidsgiveravgift"):
            for z in kids(aga, "loennOgGodtgjoerelse"):
                amount = Decimal(_ore(text(z, "avgiftsgrunnlagBeloep") or "0")) * Decimal(
                    text(z, "prosentsatsForAvgiftsberegning") or "0") / 100
                contribution += int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    org = text(kids(lev, "opplysningspliktig")[0], "norskIdentifikator") or ""
    return Facts(org, period, text(lev, "meldingsId") or "", text(lev, "erstatterMeldingsId"), len(paid), gross,
                 withheld, contribution, expenses, leaves, active)
