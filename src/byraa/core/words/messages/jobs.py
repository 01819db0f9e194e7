"""The durable job runner."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "job.not_yours_see": N_("job {job} was started by {owner}; {login} may not see it"),
    "job.not_yours_cancel": N_("job {job} was started by {owner}; {login} may not cancel it"),
    "job.not_yours_run": N_("job {job} was started by {owner}; {login} may not run it"),
    "job.ended": N_("job {job} has already ended ({status})"),
}
