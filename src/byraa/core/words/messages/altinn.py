"""Altinn, Maskinporten and Skatteetaten: connection settings, the connection test, orders.

The ``altinn.token_*`` codes explain a refused Maskinporten token (what is wrong and what
to do); ``altinn.step_*`` are the steps of the settings screen's connection test.
"""

from byraa.core.words.i18n import N_

MESSAGES = {
    "altinn.bad_environment": N_("environment {environment} is not one of {environments}"),
    "altinn.client_id_missing": N_("the Maskinporten client id is missing"),
    "altinn.key_id_missing": N_("the key id is missing"),
    "altinn.key_path_missing": N_("the key file path is missing"),
    "altinn.key_missing": N_("the key file {path} does not exist"),
    "altinn.key_unreadable": N_("the key file {path} cannot be read ({reason})"),
    "altinn.key_not_file": N_("the key file {path} is not a file"),
    "altinn.key_readable_by_others": N_("the key file {path} is readable by others (mode {mode}); run `chmod 600 {path}`"),
    "altinn.key_not_pem": N_("the key file {path} holds no private key in PEM form (-----BEGIN PRIVATE KEY-----)"),
    "altinn.key_public": N_("the key file {path} holds a public key; byraa signs with the private key"),
    "altinn.key_encrypted": N_(
        "the key file {path} is protected by a passphrase; byraa needs it unencrypted "
        "(only you can read it at mode 600)"
    ),
    "altinn.key_not_rsa": N_(
        "the key file {path} holds a key of type {kind}; Maskinporten's key for byraa must be RSA"
    ),
    "altinn.system_user_org_invalid": N_("system user org number {org}: {reason}"),
    "altinn.base_url_sandbox_only": N_("a base URL can only be set for the sandbox environment"),
    "altinn.agency_not_set_up": N_("the agency's Altinn connection is not set up yet (Settings, or `byraa demo`)"),
    "altinn.client_settings_missing": N_("a client is set to use its own Altinn settings ({scope}), but none are entered"),
    "altinn.client_settings_missing_org": N_(
        "client {org} is set to use its own Altinn settings, but none are entered"
    ),
    "altinn.bad_order_mode": N_("order mode {mode} is not one of all, changes"),
    "altinn.order_empty": N_("an order of all listed persons needs at least one person"),
    "altinn.order_too_big": N_("{persons} persons in one order; at most {limit} per order"),
    "altinn.bad_employer": N_("employer {org}: {reason}"),
    "altinn.bad_employee": N_("employer {org}: national id {nid}: {reason}"),
    "altinn.token_wrong_key": N_(
        "wrong key: Maskinporten could not verify the assertion with the key registered for this key id "
        "({description}); check the key file and key id"
    ),
    "altinn.token_no_system_user": N_(
        "no system user: {description}; create the system user for client relationships "
        "and have it approved in Altinn"
    ),
    "altinn.token_too_long": N_("the assertion lives too long ({description})"),
    "altinn.token_clock_skew": N_(
        "clock skew: Maskinporten rejected the assertion's time ({description}); check this machine's clock (NTP)"
    ),
    "altinn.token_missing_scope": N_(
        "missing scope: the Maskinporten client is not granted the scope ({description}); "
        "ask for it in Samarbeidsportalen"
    ),
    "altinn.token_wrong_audience": N_("wrong audience: {description}; check the environment setting"),
    "altinn.token_reused": N_("the assertion was already used ({description})"),
    "altinn.token_refused": N_("Maskinporten refused the token: {error}: {description}"),
    "altinn.step_token_ok": N_("Maskinporten issued a token for {scope} ({seconds} s)"),
    "altinn.step_exchange_ok": N_("Altinn exchanged the token"),
    "altinn.step_call_ok_nothing": N_("Skatteetaten accepted the token (no answer for the test reference, as expected)"),
    "altinn.step_call_ok": N_("Skatteetaten accepted the token"),
    "altinn.call_no_system_user": N_("no system user: {reason}"),
    "altinn.step_failed": N_("{reason}"),
    "altinn.sandbox_not_started": N_("could not start a sandbox in-process: {reason}"),
    "altinn.unexpected": N_("unexpected error: {reason}"),
}
