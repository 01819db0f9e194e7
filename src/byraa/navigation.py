"""The top-level screens: one line each, with the key that switches to it.

The app builds its Textual modes, its switch keys and the palette's "Show: …" commands
from this table, so adding a screen is one line here plus its module in ``screens/``.
Keys avoid the ones tables and screens use themselves (j k g G h l s S a u r i m q / [ ]).
"""

from __future__ import annotations

from dataclasses import dataclass

from byraa.widgets.bindings import N_


@dataclass(frozen=True)
class Section:
    mode: str
    """The Textual mode name (and the binding id ``app.<mode>``)."""
    keys: str
    """Textual key names, comma-separated."""
    label: str
    """English msgid of the screen's name."""
    module: str
    cls: str
    key_display: str | None = None


SECTIONS: tuple[Section, ...] = (
    Section("dashboard", "d", N_("Dashboard"), "byraa.screens.dashboard", "DashboardScreen"),
    Section("clients", "c", N_("Clients"), "byraa.screens.clients", "ClientsScreen"),
    Section("groups", "b", N_("Groups"), "byraa.screens.groups", "GroupsScreen"),
    Section("taxcards", "t", N_("Tax cards"), "byraa.screens.taxcards", "TaxCardsScreen"),
    Section("reconcile", "v", N_("Reconciliation"), "byraa.screens.reconcile", "ReconcileScreen"),
    Section("access", "A", N_("Access"), "byraa.screens.access", "AccessScreen"),
    Section("reports", "R", N_("Reports"), "byraa.screens.reports", "ReportsScreen"),
    Section("archive", "f", N_("Archive"), "byraa.screens.archive", "ArchiveScreen"),
    Section("settings", "f2", N_("Settings"), "byraa.screens.settings", "SettingsScreen", key_display="F2"),
)
