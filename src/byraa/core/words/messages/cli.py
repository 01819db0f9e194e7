"""Refusals of the headless commands' own flags."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "cli.to_before_from": N_("--to is before --from"),
    "cli.bad_date": N_("{flag} {value} is not a date in the form YYYY-MM-DD"),
    "cli.reconcile_target": N_("give --period and either --client ORGNR or --group NAME"),
    "cli.bad_tolerance": N_("--tolerance {item}: write CHECK=KRONER, e.g. aga=1.00"),
    "cli.job_flags": N_(
        "--job runs every check with the stored settings: leave out --check, --tolerance, "
        "--no-save, --differences and --reveal"
    ),
    "cli.bad_set": N_("--set {item}: write KEY=VALUE"),
    "cli.xlsx_needs_out": N_("--format xlsx needs --out FILE.xlsx"),
    "cli.year_required": N_("--year is required (or --resume)"),
    "cli.no_such_option": N_("{option} is not an option of this command; see --help"),
    "cli.missing_option": N_("{option} is required"),
    "cli.bad_choice": N_("{option}: choose one of {choices}"),
    "cli.bad_value": N_("{option}: the value is not valid; see --help"),
    "cli.no_such_command": N_("{command} has no command {name}; see --help"),
    "cli.extra_arguments": N_("{command}: {arguments} was not expected here; see --help"),
    "cli.usage": N_("{command}: the command line is not understood; see --help"),
}
