"""Posting control: journals, freeze, post once, settings."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "journal.header": N_("{file}, line 1: the header lacks {columns}"),
    "journal.bad_value": N_("{file}, line {line}, column {column}: {value} is not {expected}; nothing was imported"),
    "journal.mixed_runs": N_(
        "{file}, line {line}: a journal holds one payroll run, but this line is {run} and the first is {first}; "
        "nothing was imported"),
    "journal.empty": N_("{file}: the journal has no lines; nothing was imported"),
    "journal.unreadable": N_("{file}: cannot be read as a journal ({reason}); nothing was imported"),
    "journal.frozen": N_(
        "{file}: the run {run} is {status} and can no longer be replaced; nothing was imported"),
    "posting.run_not_found": N_("no posting journal for {client} {run}"),
    "posting.run_ambiguous": N_("{client} has several runs in {period} ({runs}): name one with --pay-form"),
    "posting.run_not_frozen": N_("the run {run} is not frozen: freeze it before posting"),
    "posting.run_already_posted": N_("the run {run} was already posted (by {login}); a run is posted only once"),
    "posting.run_not_posted": N_("the run {run} is not posted yet"),
    "posting.run_already_frozen": N_("the run {run} is already {status}"),
    "posting.run_blocked": N_("the run {run} cannot be posted: {problems}"),
    "posting.settings_missing": N_(
        "set the error account and the error customer of {client} before posting (byraa posting settings)"),
    "posting.settings_bad_account": N_("{value} is not an account number"),
    "posting.settings_bad_year": N_("{value} is not a fiscal year"),
    "posting.checklist_unknown_point": N_("{point} is not a point of the checklist ({points})"),
    "posting.out_extension": N_("{path}: the voucher is written as .csv or .xml (SAF-T)"),
    "posting.journal_out_extension": N_("{path}: the journal is written as .xlsx"),
    "posting.error_line_not_found": N_("no error-account line {line} of {client}"),
    "extract.right_bad_value": N_("{value} is not an account, department or pay type"),
    "extract.right_bad_kind": N_("{kind} is not a kind of extract right ({kinds})"),
    "extract.right_reversed": N_("the interval {low}–{high} is reversed: from must not be greater than to"),
    "extract.right_same_from": N_("{login} already has a {kind} interval from {low}"),
    "extract.right_overlap": N_("{low}–{high} overlaps {login}'s {kind} interval {other}"),
    "extract.right_not_found": N_("no extract right {id}"),
    "extract.bad_period": N_("{name} {value} is not a period (YYYY-MM)"),
    "extract.range_reversed": N_("the range {low}–{high} is reversed"),
    "extract.bad_form": N_("{form} is not a form of the extract (pivot or lines)"),
    "extract.out_extension": N_("{path}: the extract is written as .xlsx"),
    "addresses.client_missing": N_("name the client: byraa addresses --client ORGNR"),
    "addresses.out_extension": N_("{path}: the differences are written as .csv or .xlsx"),
    "addresses.register_failed": N_("{client}: the register could not be asked: {reason}"),
}
