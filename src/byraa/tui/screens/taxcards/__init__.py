"""Tax cards (SPEC 4.5): fetch skattekort in bulk, follow the job, read the results.

The selection panel picks the clients (marked ones from the client list, a group, "all
clients where <staff> is responsible", or all the user may access), the income year and
the mode (all listed persons, or changes only). ``e`` plans the fetch in the core (the
date rules and access refuse up front), shows the plan and, once confirmed, runs the job
in a thread worker: a progress bar with the core's ETA, per-client progress in the
table, ``escape`` to stop after confirming. A stopped or crashed fetch is interrupted,
not lost: opening the screen offers to resume it, and the core never orders twice.

The result table shows the last finished fetch: masked national ids, kind, table number,
percentage, free-card amount and "changed since"; ``1``-``5`` filter it, ``enter`` shows
a person's card history.

Modules: ``screen`` (the selection panel and planning), ``running`` (the fetch view),
``results`` (the results view), ``history`` (one person's cards), ``cells`` (shared words).
"""

from byraa.tui.screens.taxcards.history import CardHistoryScreen
from byraa.tui.screens.taxcards.screen import TaxCardsScreen, open_for_clients

__all__ = ["CardHistoryScreen", "TaxCardsScreen", "open_for_clients"]

