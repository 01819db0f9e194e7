"""Altinn environments and the stored connection settings (``byraa.core.altinn.environments``,
``byraa.core.altinn.connection.settings_for_scope``)."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "sandbox.other_agency": N_("the sandbox at {url} serves agency {other}, not this one ({ours}); give this agency its own sandbox address in Settings"),
    "sandbox.ready_after_invalid": N_("{name} must be a number of polls from 0 to 100, not «{value}»"),
    "environment.unavailable": N_(
        "the Altinn environment {environment} is not available here: nothing provides it "
        "(the sandbox runs with `byraa demo` or `byraa sandbox`)"),
    "connection.agency_not_set_up": N_(
        "the agency's Altinn connection is not set up yet (Settings, or `byraa demo`)"),
    "connection.client_settings_missing": N_(
        "client {org} is set to use its own Altinn settings, but none are entered"),
}
