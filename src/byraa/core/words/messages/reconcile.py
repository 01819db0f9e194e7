"""Reconciliation: runs, checks and their settings, corrections, the A07."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "reconcile.unknown_setting": N_("unknown setting {key}: use account.ROLE, tolerance.CHECK, holiday_rate, "
                                    "service_level, client_follows_up or bank_guarantee"),
    "reconcile.bad_service_level": N_("service level {value} is not one of {levels}"),
    "reconcile.bad_yes_no": N_("{key} is yes or no, not {value}"),
    "reconcile.unknown_account_role": N_("unknown account role {name}; the roles are {roles}"),
    "reconcile.bad_accounts": N_("{value} is not a comma-separated list of account numbers"),
    "reconcile.unknown_check": N_("unknown check {name}; the checks are {checks}"),
    "reconcile.unknown_tolerance_check": N_("unknown check {name} in the tolerances"),
    "reconcile.bad_tolerance": N_("tolerance {value} is not an amount in kroner (e.g. 1.00)"),
    "reconcile.holiday_rate_range": N_("holiday-pay rate {value} is not a percentage between 0 and 30"),
    "reconcile.holiday_rate_not_number": N_("holiday-pay rate {value} is not a number"),
    "reconcile.bad_method": N_("matching method {method} is not one of {methods}"),
    "reconcile.run_not_found": N_("no reconciliation run {run}"),
    "reconcile.run_signed_off": N_(
        "run {run} ({org} {period} version {version}) is signed off and cannot change; "
        "run the reconciliation again for a new version"
    ),
    "reconcile.row_not_found": N_("run {run} has no row {row}"),
    "reconcile.row_not_difference": N_("row {row} is not a difference ({status}); nothing to explain or correct"),
    "reconcile.explanation_empty": N_("an explanation needs a text"),
    "reconcile.explanation_too_long": N_("an explanation is at most 2000 characters"),
    "reconcile.bad_sign_status": N_("sign-off status {status} is not one of {statuses}"),
    "reconcile.unexplained": N_(
        "run {run} has {count} difference(s) without an explanation or correction; "
        "explain every difference before signing off"
    ),
    "reconcile.explained_not_ok": N_(
        "run {run} has {count} explained difference(s): sign it off as 'explained' or 'client_follows_up', not 'ok'"
    ),
    "reconcile.client_open_status": N_(
        "run {run} has {count} difference(s) on checks the client follows up: sign it off as 'client_follows_up'"
    ),
    "reconcile.foreign_sub_unit": N_("the sub-unit {org} belongs to another client"),
    "reconcile.take_employments_only": N_("taking a-ordningen's value is possible for employments only"),
    "reconcile.take_no_employment": N_("a-ordningen has no such employment: explain it, or send payroll's value"),
    "reconcile.send_employments_only": N_("sending payroll's value is possible for employments only"),
    "reconcile.send_no_employment": N_("byraa has no such employment to send: take a-ordningen's value or explain it"),
    "reconcile.send_no_sub_unit": N_("the employment has no sub-unit in byraa: set it before sending"),
    "reconcile.bad_correction_status": N_("status {status} is not one of {statuses}"),
    "reconcile.no_clients": N_("no clients to reconcile: mark some first"),
    "reconcile.not_reconcile_job": N_("job {job} is not a reconcile job"),
    "period.months_backwards": N_("the months run backwards: {first} to {last}"),
    "a07.not_ready": N_("a-ordningen has not made the A07 ready after {polls} polls; try again later (order {order})"),
    "a07.fetch_cancelled": N_("the A07 fetch was cancelled; nothing was stored"),
    "a07.answer_not_archived": N_("the A07 answer was not archived; nothing was stored"),
    "a07.export_suffix": N_("{file}: the A07 export is written as .ods or .xlsx"),
    "a07.import_suffix": N_("{file}: an A07 file must be .json, .ods or .xlsx"),
    "a07.not_stored": N_("no A07 is stored for {org} {period}: import or fetch it first"),
    "a07.monthly_sums_only": N_("the answer has monthly sums only, not the income recipients"),
    "a07.withholding_sum": N_("the persons' withholding ({found}) does not add up to the month's sum ({expected})"),
    "a07.contribution_sum": N_(
        "the sub-units' contribution ({found}) does not add up to the month's sum ({expected})"
    ),
    "a07.expected_object": N_("expected an object"),
    "a07.expected_list": N_("expected a list"),
    "a07.is_missing": N_("is missing"),
    "a07.bad_format": N_("not byraa's A07 JSON (format must be {format})"),
    "a07.bad_version": N_("version {version} is not supported (only {supported})"),
    "a07.bad_layout": N_("not byraa's A07 layout (format must be {format})"),
    "a07.not_json": N_("not valid JSON ({reason})"),
    "a07.not_workbook": N_("not a readable ODS/XLSX file ({reason})"),
    "a07.sheet_missing": N_("is missing (byraa's A07 layout)"),
    "a07.missing_columns": N_("missing columns {columns}"),
    "a07.unknown_employment": N_("names no employment of the sheet Arbeidsforhold"),
}
