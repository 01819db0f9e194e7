"""Resolving a client named in a file (``byraa.core.clients.lookup``)."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "client.not_found_in_file": N_(
        "{file}: no client with the organisation number {org} (add the client first); nothing was imported"),
}
