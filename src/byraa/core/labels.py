"""Words for the core's keys, shared by the headless tables and the screens."""

from __future__ import annotations

from byraa.core import formatting as fmt
from byraa.core.dashboard import Attention
from byraa.core.i18n import _


def figure(key: str) -> str:
    return {
        "payroll_clients": _("Payroll clients"),
        "active_employees": _("Active employees"),
        "payslips": _("Payslips sent"),
        "travel_expenses": _("Travel and expenses"),
        "absences": _("Absences registered"),
        "automation": _("Degree of automation"),
        "amelding_rejected": _("A-meldinger rejected"),
        "total_pay": _("Total pay"),
    }[key]


def attention(item: Attention) -> str:
    """One line of the attention list."""
    if item.kind == "amelding_rejected":
        return _("A-melding rejected: {client} ({month})").format(
            client=item.client_name, month=fmt.month_name(item.period or "2000-01"))
    if item.kind == "no_responsible":
        return _("No responsible: {client}").format(client=item.client_name)
    if item.kind == "amelding_deadline":
        return _("A-melding for {month} due {due}: {count} clients not yet accepted").format(
            month=fmt.month_name(item.period or "2000-01"), due=fmt.day(item.due), count=item.count)
    if item.kind == "term_deadline":
        period = item.period or "2000-02"
        return _("Withholding and employer's contribution, term {term} {year}, due {due}").format(
            term=(int(period[5:7]) + 1) // 2, year=period[:4], due=fmt.day(item.due))
    return item.kind
