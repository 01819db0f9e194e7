"""Words and cell formatting shared by the reconciliation screens (checks, statuses, values)."""

from __future__ import annotations

import re
from typing import Any

from byraa.core.base import ids
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.tui.widgets.markable_table import Cell, Toned

EQUAL_MARK = "✓"
DIFF_MARK = "✗"


def check_name(code: str) -> str:
    return {
        "employments": _("Employments vs A07"),
        "income": _("Income per employee"),
        "withholding": _("Withholding tax"),
        "aga": _("Employer's contribution"),
        "holiday_pay": _("Holiday pay"),
        "clearing": _("Clearing accounts"),
    }.get(code, code)


def row_status(code: str) -> str:
    return {
        "equal": _("equal"),
        "differs": _("differs"),
        "only_payroll": _("only in payroll"),
        "only_a07": _("only in a-ordningen"),
        "missing": _("source missing"),
        "info": _("for reading"),
    }.get(code, code)


def status_cell(code: str) -> Cell:
    tone = {"equal": "success", "differs": "error", "only_payroll": "warning", "only_a07": "warning",
            "missing": "error", "info": "muted"}.get(code)
    mark = EQUAL_MARK if code == "equal" else DIFF_MARK if code in ("differs", "only_payroll", "only_a07",
                                                                     "missing") else "·"
    text = f"{mark} {row_status(code)}"
    return Toned(text, tone) if tone else text


def employment_cell(code: str, field: str) -> Cell:
    """An employment row's first cell: the differing field, or where the employment is missing."""
    if code == "differs" and field:
        return Toned(f"{DIFF_MARK} {field_name(field)}", "error")
    return status_cell(code)


def method_name(code: str) -> str:
    return {"simple": _("simple (national id)"), "standard": _("standard")}.get(code, code)


def sign_status(code: str | None) -> str:
    return {"ok": _("OK"), "explained": _("difference explained"),
            "client_follows_up": _("client follows up")}.get(code or "", code or "")


def resolution(code: str | None) -> str:
    return {"explained": _("explained"), "take_a07": _("a-ordningen's value taken"),
            "send_payroll": _("payroll's value sent")}.get(code or "", code or "")


def field_name(code: str) -> str:
    if code.startswith("paid in "):
        return _("paid in {month}").format(month=month(code[8:]) if len(code) == 15 else code[8:])
    if code.startswith("posting "):
        return _("posting {what}").format(what=value(code[8:], "text"))
    return {
        "": "",
        "start_date": _("start date"),
        "end_date": _("end date"),
        "occupation_code": _("occupation code"),
        "position_pct": _("position %"),
        "hours_full_week": _("hours per full week"),
        "employment_type": _("employment type"),
        "leave": _("leave"),
        "sub_unit": _("sub-unit"),
        "employment_ref": _("employment id"),
        "withholding": _("withholding"),
        "withholding (term)": _("withholding (term)"),
        "payroll runs vs a-melding": _("payroll runs vs a-melding"),
        "basis": _("basis"),
        "amount": _("amount"),
        "expense": _("expense"),
        "accrued (year to date)": _("accrued (year to date)"),
        "liability": _("liability"),
        "aga on holiday pay accrued": _("AGA on holiday pay accrued"),
        "aga on holiday pay liability": _("AGA on holiday pay liability"),
        "balance at period end": _("balance at period end"),
    }.get(code, code)


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WHOLE_PCT = re.compile(r"\b(\d+)\.0 %")


def value(v: Any, unit: str) -> str:
    """A stored value the Norwegian way: øre as kroner, ISO dates as ``31.12.2026``."""
    if v is None or v == "":
        return ""
    if unit in ("text", "date") and isinstance(v, str):
        # Employment summaries and leave texts carry ISO dates and ``100.0 %``.
        return _WHOLE_PCT.sub(r"\1 %", _ISO_DAY.sub(r"\3.\2.\1", v))
    if unit == "nok" and isinstance(v, int):
        return fmt.nok(v)
    if unit == "date" and isinstance(v, str) and len(v) == 10 and v[4] == "-":
        return f"{v[8:10]}.{v[5:7]}.{v[:4]}"
    if hasattr(v, "strftime"):
        return fmt.day(v)
    if isinstance(v, float):
        text = f"{v:g}".replace(".", ",")
        return f"{text} %" if unit == "pct" else text
    return str(v)


def comparison(r: Any) -> str:
    """What differs, with the figures that exist: ``Lønn 0,00 ≠ Regnskap 17 140,00 · differanse −17 140,00``.

    A row compares two of payroll, a-ordningen and the ledger; the one it does not
    compare is ``None`` and is left out (it used to show as ``–`` in a07's place).
    """
    sides = [f"{label} {value(v, r.unit)}" for label, v in
             ((_("Payroll"), r.payroll), (_("A-ordningen"), r.a07), (_("Ledger"), r.ledger))
             if v is not None and v != ""]
    text = " ≠ ".join(sides) if len(sides) > 1 else (sides[0] if sides else "–")
    if r.difference:
        text += " · " + _("difference {amount}").format(amount=fmt.nok(r.difference))
    return text


def masked(national_id: str | None) -> str:
    return ids.mask_national_id(national_id) if national_id else ""


def month(period: str) -> str:
    """``2026-10`` -> ``oktober 2026``: a month in a title or a sentence (docs/formats.md)."""
    return fmt.month_name(period) if period and len(period) == 7 else period


def correction_outcome(done: list[Any]) -> tuple[str, str, str]:
    """(title, text, severity) of a notification after sending corrections."""
    if not done:
        return _("Nothing to send"), _("No correction is queued or awaiting feedback."), "information"
    counts = {s: sum(1 for c in done if c.status == s) for s in ("accepted", "rejected", "submitted", "pending")}
    text = _("{accepted} accepted, {rejected} rejected, {submitted} awaiting feedback, {pending} not sent.").format(
        **counts)
    problems = [c.detail for c in done if c.status in ("rejected", "pending") and c.detail]
    if problems:
        text += "\n" + "\n".join(p[:120] for p in problems[:2])
    severity = "error" if counts["rejected"] or counts["pending"] else "information"
    return _("Corrections sent to a-ordningen"), text, severity
