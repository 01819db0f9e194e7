"""The top-level screens: one line each, with the key that switches to it.

The app builds its Textual modes, its switch keys and the palette's "Show: …" commands
from this table, so adding a screen is one line here plus its module in ``screens/``.
Keys avoid the ones tables and screens use themselves (j k g G h l s S a u r m q / [ ]); ``I``
(intake) is upper-case so it never takes the client detail's lower-case "show national id".
"""

from __future__ import annotations

from dataclasses import dataclass

from byraa.tui.widgets.bindings import N_


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
    Section("dashboard", "d", N_("Dashboard"), "byraa.tui.screens.dashboard", "DashboardScreen"),
    Section("clients", "c", N_("Clients"), "byraa.tui.screens.clients", "ClientsScreen"),
    Section("groups", "b", N_("Groups"), "byraa.tui.screens.groups", "GroupsScreen"),
    Section("taxcards", "t", N_("Tax cards"), "byraa.tui.screens.taxcards", "TaxCardsScreen"),
    Section("reconcile", "v", N_("Reconciliation"), "byraa.tui.screens.reconcile.overview", "ReconcileScreen"),
    Section("access", "A", N_("Access"), "byraa.tui.screens.access", "AccessScreen"),
    Section("reports", "R", N_("Reports"), "byraa.tui.screens.reports", "ReportsScreen"),
    Section("archive", "f", N_("Archive"), "byraa.tui.screens.archive", "ArchiveScreen"),
    Section("audit", "L", N_("Audit trail"), "byraa.tui.screens.audit", "AuditScreen"),
    Section("intake", "I", N_("Intake"), "byraa.tui.screens.intake", "IntakeScreen"),
    Section("settings", "f2", N_("Settings"), "byraa.tui.screens.settings", "SettingsScreen", key_display="F2"),
)
