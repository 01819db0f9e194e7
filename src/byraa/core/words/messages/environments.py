"""Altinn environments (the registry in ``byraa.core.altinn.environments``)."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "environment.unavailable": N_(
        "the Altinn environment {environment} is not available here: nothing provides it "
        "(the sandbox runs with `byraa demo` or `byraa sandbox`)"),
}
