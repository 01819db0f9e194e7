"""The Altinn connection and the authorities' contracts (tax cards, a-melding, A07)."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "doctor.no_key_file": N_("no key file is set"),
    "altinn.token_no_external_ref": N_("no system user with this externalRef: {description}; enter the externalRef "
                                       "the system user was requested with in the connection settings"),
    "taxcards.no_contact": N_("tax-card orders need the agency's contact e-mail (kontaktinformasjon): "
                              "enter it in the Altinn settings"),
    "altinn.contact_email_invalid": N_("contact e-mail '{email}' is not an e-mail address"),
    "altinn.contact_phone_invalid": N_("contact mobile number '{phone}' is not a phone number (e.g. +4791234567)"),
    "altinn.external_ref_too_long": N_("the system user's externalRef is longer than 100 characters"),
    "taxcards.unknown_orders": N_("the answer to order(s) {orders} of fetch {job} was lost, so they may exist at "
                                  "Skatteetaten already; to order them again run `byraa taxcards fetch --resume "
                                  "--reorder-unknown`"),
    "amelding.receiver_unidentified": N_("{name} has neither a national id nor a birth date: the a-melding "
                                         "cannot identify the person"),
    "correction.no_imported_amelding": N_("client {org}: the a-melding for {period} was never imported, so a "
                                          "correction cannot replace it; import the month's a-melding first"),
    "correction.base_unreadable": N_("the month's imported a-melding cannot be read as a replacement base"),
    "altinn.not_set_up": N_("the agency's Altinn connection is not set up yet (Settings, or `byraa demo`)"),
    "taxcards.reorder_needs_resume": N_("--reorder-unknown goes with --resume"),
}
