"""Words for the core's codes (statuses, roles, kinds, checks), shared by the headless tables and the screens.

The one place a code becomes a word: the screens import these (their rich styling,
colours and marks, stays in the tui). Where the msgids are the codes themselves
("active", "rejected"), the headless tables, which translate a code with ``_(code)``,
find the same translations.

Over 400 lines on purpose: one lookup per family of codes, and the catalogue is easier to
keep complete in one file than spread over several.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from byraa.core.base import ids
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _, ngettext

if TYPE_CHECKING:
    # Types only: every command words its output through this module, and importing the
    # dashboard and feedback modules here made each of them define the reconciliation and
    # tax-card tables (about 0.15 s of a headless command's start).
    from byraa.core.clients.dashboard import Attention
    from byraa.core.clients.feedback import FeedbackDocument

# --- Store codes: statuses, roles, kinds ----------------------------------------------------


def client_status(code: str) -> str:
    return {"active": _("active"), "onboarding": _("onboarding"), "ended": _("ended")}.get(code, code)


def amelding_status(code: str | None) -> str:
    if code is None:
        return ""
    return {"accepted": _("accepted"), "rejected": _("rejected"), "pending": _("pending"),
            "replaced": _("replaced")}.get(code, code)


def intake_kind(code: str | None) -> str:
    """The kind of file the intake recognised."""
    return {"amelding": "a-melding", "amelding_json": "a-melding (JSON)", "a07": "A07", "ledger_saft": "SAF-T",
            "ledger_csv": _("ledger CSV"), "journal": _("posting journal"), "taxcards": _("tax cards")}.get(
        code or "", code or "–")


def archive_kind(code: str) -> str:
    """The kind of an archived file."""
    return {
        "taxcard": _("tax card"), "a07": "A07", "amelding": "a-melding", "feedback": _("feedback"),
        "token": _("token"), "register": _("register"), "ledger": _("ledger"),
        "posting_journal": _("posting journal"), "posting_voucher": _("voucher"), "posting_saft": "SAF-T",
    }.get(code, code)


def archive_direction(code: str) -> str:
    return {"in": _("in"), "out": _("out")}.get(code, code)


def intake_outcome(code: str | None) -> str:
    """What the intake did with a file."""
    return {"imported": _("imported"), "unchanged": _("unchanged"), "replaced": _("replaced"),
            "refused": _("refused")}.get(code or "", code or "")


def intake_action(code: str | None) -> str:
    """What the intake will do with a file (a preview, a dry run): "importeres", not "importert"."""
    return {"imported": _("will import"), "unchanged": _("unchanged"), "replaced": _("will replace"),
            "refused": _("will refuse")}.get(code or "", code or "")


def reconcile_outcome(code: str | None) -> str:
    """What a reconcile job did for a client (the CLI's line and the job screen's column)."""
    return {"equal": _("equal"), "differences": _("differences"), "skipped": _("signed, skipped"),
            "error": _("error")}.get(code or "", code or "")


def role(code: str) -> str:
    return {
        "manager": _("manager"),
        "clerk": _("clerk"),
        "responsible": _("responsible"),
        "associate": _("associate"),
    }.get(code, code)


def run_kind(code: str) -> str:
    return {"regular": _("regular"), "off_cycle": _("off-cycle")}.get(code, code)


def run_status(code: str) -> str:
    return {"open": _("open"), "frozen": _("frozen"), "posted": _("posted")}.get(code, code)


def deadline_kind(code: str) -> str:
    return {"amelding": _("a-melding"), "term_payment": _("term payment")}.get(code, code)


def employment_type(code: str) -> str:
    """The a-melding's employment types, shortened for a column."""
    return {
        "ordinaertArbeidsforhold": _("ordinary"),
        "maritimtArbeidsforhold": _("maritime"),
        "frilanserOppdragstakerHonorarPersonerMm": _("freelancer"),
        "pensjonOgAndreTyperYtelserUtenAnsettelsesforhold": _("pension/benefits"),
    }.get(code, code)


def severity(code: str | None) -> str:
    """A-melding deviation severities (avvisning, øyeblikkelig, retningslinje)."""
    if code is None:
        return ""
    return {"rejection": _("rejection"), "immediate": _("immediate"), "guideline": _("guideline")}.get(code, code)


def correction_status(code: str) -> str:
    """An a-melding correction's state: queued, sent, then a-ordningen's answer (or a dry run's)."""
    return {"pending": _("not sent"), "submitted": _("awaiting feedback"), "accepted": _("accepted"),
            "rejected": _("rejected"), "dry_run": _("dry run, nothing sent")}.get(code, code)


def import_status(code: str) -> str:
    """What an import did with a file (``byraa import``), or an A07 fetch with a month."""
    return {"superseded": _("older than the one in"), "saved": _("fetched"), "error": _("error")}.get(
        code) or intake_outcome(code)


def access_finding(code: str) -> str:
    return {
        "leaver_with_access": _("leaver with access"),
        "client_without_responsible": _("no responsible"),
        "grant_on_inactive_client": _("grant on ended client"),
        "user_without_grants": _("user without clients"),
    }.get(code, code)


# --- Dashboard --------------------------------------------------------------------------------

def sign_state(signed_version: int | None, latest_version: int | None) -> str | None:
    """A month's reconciliation: ``signert v1``, ``signert v1, v2 åpen``, ``nei``; ``None`` if never run."""
    if latest_version is None:
        return None
    if signed_version is None:
        return _("no")
    if latest_version > signed_version:
        return _("signed v{signed}, v{open} open").format(signed=signed_version, open=latest_version)
    return _("signed v{signed}").format(signed=signed_version)


def board_signed(signed_version: int | None, latest_version: int | None) -> str | None:
    """The board's "signed": ``ja`` / ``nei``, or ``signert v1, v2 åpen`` when a signed month was run again."""
    if latest_version is None:
        return None
    if signed_version is not None and latest_version > signed_version:
        return sign_state(signed_version, latest_version)
    return _("yes") if signed_version == latest_version else _("no")


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


def figure_unknown(reason: str) -> str:
    """Why a dashboard figure shows "–" (see docs/figures.md)."""
    return {
        "no_generated_mark": _("Unknown: the imported a-meldinger do not mark which payslips the payroll "
                               "system generated and which were made by hand"),
        "no_data": _("Unknown: no data for this month"),
    }.get(reason, reason)


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
        return ngettext("A-melding for {month} due {due}: {count} client not yet accepted",
                        "A-melding for {month} due {due}: {count} clients not yet accepted", item.count).format(
            month=fmt.month_name(item.period or "2000-01"), due=fmt.day(item.due), count=item.count)
    if item.kind == "term_deadline":
        period = item.period or "2000-02"
        return _("Withholding and employer's contribution, term {term} {year}, due {due}").format(
            term=(int(period[5:7]) + 1) // 2, year=period[:4], due=fmt.day(item.due))
    return item.kind


# --- A-melding feedback ---------------------------------------------------------------------


def _account(number: str) -> str:
    """``63450618000`` -> ``6345.06.18000``, the way Norwegian bank accounts are written."""
    return f"{number[:4]}.{number[4:6]}.{number[6:]}" if len(number) == 11 and number.isdigit() else number


def feedback_text(doc: FeedbackDocument) -> str:
    """An archived a-melding feedback for reading: reception, payment, deviations."""
    from byraa.core.clients.feedback import SEVERITIES

    problems = {"empty": _("The archived answer is empty: a-ordningen had not answered yet."),
                "not_json": _("The archived answer cannot be read (it is not JSON)."),
                "not_object": _("The archived answer cannot be read (it is not a JSON object).")}
    lines = []
    if doc.problem:
        lines += [problems.get(doc.problem, doc.problem), ""]
    else:
        status = amelding_status(doc.status)
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
        lines.append(f"  {severity(d.severity).capitalize()} · {d.code or '–'}")
        if d.description:
            lines.append(f"    {d.description}")
    return "\n".join(lines)


# --- Altinn connection ------------------------------------------------------------------------


def environment_word(code: str) -> str:
    return {"sandbox": _("sandbox"), "test": _("test"), "production": _("production")}.get(code, code)


def altinn_step_word(code: str) -> str:
    """A step of the connection test (``StepResult.step``)."""
    return {
        "settings": _("Settings"),
        "token": _("Maskinporten token"),
        "exchange": _("Altinn token exchange"),
        "call": _("Harmless call to Skatteetaten"),
    }.get(code, code)


def altinn_problem_word(code: str) -> str | None:
    """The kind of failure a failed step's words code names (``StepResult.code``), or ``None``."""
    return {
        "altinn.token_wrong_key": _("Wrong key"),
        "altinn.token_clock_skew": _("Clock skew"),
        "altinn.token_missing_scope": _("Missing scope"),
        "altinn.token_no_system_user": _("No system user"),
        "altinn.call_no_system_user": _("No system user"),
        "altinn.token_wrong_audience": _("Wrong environment"),
    }.get(code)


# --- Reconciliation ------------------------------------------------------------------------


def check_name(code: str) -> str:
    return {
        "employments": _("Employments vs A07"),
        "income": _("Income per employee"),
        "withholding": _("Withholding tax"),
        "aga": _("Employer's contribution"),
        "holiday_pay": _("Holiday pay"),
        "clearing": _("Clearing accounts"),
        "payments": _("Paid by the due date"),
        "benefits": _("Benefits in kind"),
        "holiday_pay_year": _("Holiday pay over the year"),
        "garnishment": _("Garnishment"),
        "pension": _("Pension premium"),
        "nav_refunds": _("NAV refunds"),
        "open_items": _("Open items per employee"),
        "year_end": _("Year-end payroll vs ledger"),
    }.get(code, code)


def frequency_name(code: str) -> str:
    return {"month": _("month"), "term": _("term"), "half_year": _("half-year"),
            "year_end": _("year end")}.get(code, code)


def row_status(code: str) -> str:
    return {
        "equal": _("equal"),
        "differs": _("differs"),
        "only_payroll": _("only in payroll"),
        "only_a07": _("only in a-ordningen"),
        "missing": _("source missing"),
        "incomplete": _("incomplete"),
        "info": _("for reading"),
    }.get(code, code)


def method_name(code: str) -> str:
    return {"simple": _("simple (national id)"), "standard": _("standard")}.get(code, code)


def sign_status(code: str | None) -> str:
    return {"ok": _("OK"), "explained": _("difference explained"),
            "client_follows_up": _("client follows up")}.get(code or "", code or "")


def resolution(code: str | None) -> str:
    return {"explained": _("explained"), "take_a07": _("a-ordningen's value taken"),
            "send_payroll": _("payroll's value sent")}.get(code or "", code or "")


_ZONE_KEY = re.compile(r"^(?P<unit>\S+) zone (?P<zone>\S+)$")


def row_key(key: str) -> str:
    """A check row's key as a person reads it: the month's one row "total" is "i alt", a
    sub-unit's contribution zone "310000140 zone 1" is "310000140 sone 1"; a month, an
    account or an employment stays as it is."""
    if key == "total":
        return _("in all")
    if match := _ZONE_KEY.match(key):
        return _("{unit} zone {zone}").format(unit=match["unit"], zone=match["zone"])
    return key


def field_name(code: str) -> str:
    if code.startswith("paid in ") and code != "paid in the next term":
        return _("paid in {month}").format(month=month(code[8:]) if len(code) == 15 else code[8:])
    if code.startswith("posting "):
        return _("posting {what}").format(what=value(code[8:], "text"))
    if match := _PAID_BY.match(code):
        what = _("withholding") if match["what"] == "withholding" else _("AGA")
        return _("{what} paid by {due}").format(what=what, due=value(match["due"], "text"))
    if match := _PAID_LATE.match(code):
        what = _("withholding") if match["what"] == "withholding" else _("AGA")
        return _("{what} paid {day}, {days} days late").format(what=what, day=value(match["day"], "text"),
                                                               days=match["days"])
    if code.startswith("year total ("):
        return _("year total ({accounts})").format(accounts=code[len("year total ("):-1])
    if match := _ZONE_CHECK.match(code):
        return _("municipality in Enhetsregisteret: {register}, payroll: {payroll} — check the zone").format(
            register=match["register"], payroll=match["payroll"])
    if match := _CLAIM_OPEN.match(code):
        return _("claim open {days} days").format(days=match["days"])
    if code.startswith("incomplete: no a-melding for "):
        return _("incomplete: no a-melding for {months}").format(months=code[len("incomplete: no a-melding for "):])
    return {
        "benefits in kind": _("benefits in kind"),
        "benefits in kind: counter-account": _("counter-account"),
        "liability at term end": _("liability at term end"),
        "balance per creditor": _("balance per creditor"),
        "last year's liability vs paid out this year": _("last year's liability vs paid out this year"),
        # Short: the field column is narrow at 80 columns, and the figures beside say the rest.
        "tax-deduction account covers the liability": _("tax-deduction account"),
        "bank guarantee instead of a tax-deduction account": _("bank guarantee"),
        "withheld vs booked": _("withheld vs booked"),
        "paid in the next term": _("paid in the next term"),
        "employer's share: provided vs booked": _("employer's share: provided vs booked"),
        "employee's share: deducted vs booked": _("employee's share: deducted vs booked"),
        "invoiced vs provided": _("invoiced vs provided"),
        "aga basis: pension premium": _("AGA basis: pension premium"),
        "aga basis: holiday pay": _("AGA basis: holiday pay"),
        "difference moved to settlement account": _("difference moved to settlement account"),
        "balance at year end": _("balance at year end"),
        "claims vs refunds taken to income": _("claims vs refunds taken to income"),
        "received from NAV": _("received from NAV"),
        "receivable at period end": _("receivable at period end"),
        "opening balance older than the claims read": _("opening balance older than the claims read"),
        "opening balance (per employee)": _("opening balance (per employee)"),
        "employee balance": _("employee balance"),
        "opening balance (not per employee)": _("opening balance (not per employee)"),
        "0-30 days": _("0-30 days"),
        "31-90 days": _("31-90 days"),
        "over 90 days": _("over 90 days"),
        "liability (per employee, over-60 extra included)": _("liability (per employee, over-60 extra included)"),
        "over 60: extra 2.3 % (basis capped at 6 G)": _("over 60: extra 2.3 % (basis capped at 6 G)"),
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
        "income": _("all employees"),  # the month's one income row (a side missing): narrow column
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
_PAID_BY = re.compile(r"^(?P<what>withholding|aga) paid by (?P<due>\d{4}-\d{2}-\d{2})$")
_PAID_LATE = re.compile(r"^(?P<what>withholding|aga) paid (?P<day>\d{4}-\d{2}-\d{2}), (?P<days>\d+) days late$")
_CLAIM_OPEN = re.compile(r"^claim open (?P<days>\d+) days$")
_ZONE_CHECK = re.compile(r"^check zone: register (?P<register>.*), payroll (?P<payroll>.*)$")
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


def masked(national_id: str | None) -> str:
    return ids.mask_national_id(national_id) if national_id else ""


def month(period: str) -> str:
    """``2026-10`` -> ``10.2026``."""
    return f"{period[5:7]}.{period[:4]}"


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


# --- Tax cards --------------------------------------------------------------------------------


def outcome_word(outcome: str) -> str:
    return {
        "card": _("card"),
        "no_card": _("no card"),
        "not_liable": _("not liable"),
        "error": _("error"),
        "skipped": _("skipped"),
    }.get(outcome, outcome)


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

