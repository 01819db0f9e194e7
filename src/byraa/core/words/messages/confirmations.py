"""Refusals that ask the caller to say it knows what goes (a headless ``--yes``)."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "group.holds_clients": N_("the group {name} holds {n} clients; add --yes to delete it (the clients are kept)"),
}
