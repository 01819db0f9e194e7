"""Clients, groups, the archive, a-melding feedback and reports."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "client.not_found_invalid": N_("no client with the organisation number {org} ({reason})"),
    "client.id_not_found": N_("no client with id {id}"),
    "client.bad_name": N_("a client needs a name of 1 to 200 characters"),
    "client.bad_pay_day": N_("pay day {day} is not a day of the month (1–31, 31 = last day)"),
    "client.bad_bank_account": N_("bank account {account}: {reason}"),
    "client.bad_tax_account": N_("tax deduction account {account}: {reason}"),
    "client.bad_postal_code": N_("postal code {value}: {reason}"),
    "client.bad_phone": N_("phone number {value}: {reason}"),
    "client.bad_email": N_("e-mail address {value}: {reason}"),
    "client.field_too_long": N_("{value}…: at most {max} characters"),
    "client.exists": N_("a client with the organisation number {org} already exists"),
    "employee.id_not_found": N_("no employee with id {id}"),
    "group.bad_name": N_("a group name has 1 to 100 characters"),
    "group.exists": N_("a group named {name} already exists"),
    "archive.bad_kind": N_("archive kind {kind} is not one of {kinds}"),
    "archive.bad_direction": N_("direction {direction} is not one of in, out"),
    "archive.not_found": N_("no archived file with id {id}"),
    "archive.agency_level": N_("archived file {id} is agency-level: only an agency manager may open it"),
    "archive.export_exists": N_("{path} exists; give another path or ask to overwrite it"),
    "feedback.bad_status": N_("status {status} is not one of {statuses}"),
    "feedback.bad_severity": N_("severity {severity} is not one of {severities}"),
    "feedback.not_feedback": N_("archived file {id} is not a-melding feedback (it is {kind})"),
    "feedback.none_archived": N_("no a-melding feedback is archived for {org} for {period}"),
    "period.invalid": N_("period {period} is not a month in the form YYYY-MM"),
    "period.range_backwards": N_("the period {first}..{last} ends before it starts"),
    "report.bad_term": N_("term {term} is not a term (1–6: Jan–Feb … Nov–Dec)"),
}
