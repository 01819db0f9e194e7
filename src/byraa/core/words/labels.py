"""Words for the core's keys, shared by the headless tables and the screens."""

from __future__ import annotations

from byraa.core.base import ids
from byraa.core.clients.dashboard import Attention
from byraa.core.clients.feedback import SEVERITIES, FeedbackDocument
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _, ngettext


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
    if item.kind == "responsible_left":
        return _("Responsible has left: {client}").format(client=item.client_name)
    if item.kind == "reconciliation_unsigned":
        return ngettext("Reconciliation {month} not signed: {client}, {count} difference open",
                        "Reconciliation {month} not signed: {client}, {count} differences open", item.count).format(
            month=fmt.month_name(item.period or "2000-01"), client=item.client_name, count=item.count)
    if item.kind == "taxcards_missing":
        return ngettext("Tax card missing for {year}: {client}, {count} employee",
                        "Tax cards missing for {year}: {client}, {count} employees", item.count).format(
            year=(item.period or "2000")[:4], client=item.client_name, count=item.count)
    if item.kind == "amelding_deadline":
        return _("A-melding for {month} due {due}: {count} clients not yet accepted").format(
            month=fmt.month_name(item.period or "2000-01"), due=fmt.day(item.due), count=item.count)
    if item.kind == "term_deadline":
        period = item.period or "2000-02"
        return _("Withholding and employer's contribution, term {term} {year}, due {due}").format(
            term=(int(period[5:7]) + 1) // 2, year=period[:4], due=fmt.day(item.due))
    return item.kind


# --- A-melding feedback ---------------------------------------------------------------------


def _status_word(code: str) -> str:
    """The msgids are the codes, as in ``byraa.tui.screens.words``."""
    return {"accepted": _("accepted"), "rejected": _("rejected"), "pending": _("pending"),
            "replaced": _("replaced")}.get(code, code)


def _severity_word(code: str) -> str:
    return {"rejection": _("rejection"), "immediate": _("immediate"), "guideline": _("guideline")}.get(code, code)


def _account(number: str) -> str:
    """``63450618000`` -> ``6345.06.18000``, the way Norwegian bank accounts are written."""
    return f"{number[:4]}.{number[4:6]}.{number[6:]}" if len(number) == 11 and number.isdigit() else number


def feedback_text(doc: FeedbackDocument) -> str:
    """An archived a-melding feedback for reading: reception, payment, deviations."""
    problems = {"empty": _("The archived answer is empty: a-ordningen had not answered yet."),
                "not_json": _("The archived answer cannot be read (it is not JSON)."),
                "not_object": _("The archived answer cannot be read (it is not a JSON object).")}
    lines = []
    if doc.problem:
        lines += [problems.get(doc.problem, doc.problem), ""]
    else:
        status = _status_word(doc.status) if doc.status else ""
        reception = doc.reception_status or "–"
        lines.append(_("Reception: {status}").format(
            status=f"{reception} ({status})" if status and status != reception else reception))
    facts = [fmt.month_name(doc.period) if doc.period else None,
             _("org. no. {org}").format(org=ids.format_org_number(doc.org_number)) if doc.org_number else None]
    lines.append(" · ".join(f for f in facts if f))
    if doc.message_id:
        lines.append(_("Message id: {id}").format(id=doc.message_id))
    if doc.forsendelse_id:
        lines.append(_("Submission id: {id}").format(id=doc.forsendelse_id))
    lines.append(_("Received: {when} (archived file {id})").format(when=fmt.timestamp(doc.received_at), id=doc.archive_id))
    if doc.problem:
        return "\n".join(lines)
    sum_words = {"sumForskuddstrekk": _("Withholding"), "sumArbeidsgiveravgift": _("Employer's contribution")}
    lines += ["", _("Payment")]
    lines.append("  " + _("KID: {kid}").format(kid=doc.kid or "–"))
    lines.append("  " + _("Account: {account}").format(account=_account(doc.account) if doc.account else "–"))
    for name, ore in doc.sums:
        lines.append(f"  {sum_words.get(name, name)}: {fmt.nok(ore)}")
    lines.append("")
    if not doc.deviations:
        lines.append(_("No deviations."))
        return "\n".join(lines)
    lines.append(_("Deviations: {rejection} rejection, {immediate} immediate, {guideline} guideline").format(
        **{s: doc.count(s) for s in SEVERITIES}))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    for d in sorted(doc.deviations, key=lambda d: order.get(d.severity, len(order))):
        lines.append(f"  {_severity_word(d.severity).capitalize()} · {d.code or '–'}")
        if d.description:
            lines.append(f"    {d.description}")
    return "\n".join(lines)
