"""The intake of a folder of files from the clients' payroll systems."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "intake.nothing": N_("no files to take in"),
    "intake.unknown_kind": N_("{file}: not a file byraa can import"),
    "intake.bad_json": N_("{file}: the a-melding JSON cannot be read ({reason})"),
    "intake.not_an_intake_job": N_("job {job} is not an intake job"),
    "intake.no_interrupted_job": N_("no interrupted intake job to resume"),
    "intake.paths_and_resume": N_("give either paths or --resume, not both"),
    "intake.no_paths": N_("give one or more files or folders (or --resume)"),
}
