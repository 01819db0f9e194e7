"""Lookups every domain shares: clients, groups, staff, jobs, files."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "client.not_found": N_("no client with the organisation number {org}"),
    "group.not_found": N_("no group named {name}"),
    "staff.not_found": N_("no staff user with the login {login}"),
    "job.not_found": N_("no job {job}"),
    "file.missing": N_("{path}: no such file or folder"),
    "file.unreadable": N_("{path}: cannot be read ({reason})"),
}
