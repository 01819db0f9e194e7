"""The clients (SPEC 4.2): every client of the agency, filter, sort, mark, open.

Every staff user sees every client's row (that is how an agency is run); a client the
user has no access to is shown dimmed with a lock, and opening it says so instead of
showing anything of its payroll.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input

from byraa.core.base import ids
from byraa.core.clients import registry as core_clients
from byraa.core.clients.registry import ClientRow
from byraa.core.words import formatting as fmt
from byraa.core.words.collation import sort_key
from byraa.core.words.i18n import _
from byraa.core.words.labels import amelding_status, client_status
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.filter_bar import FilterBar
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.list_screen import ListScreen, filter_binding
from byraa.tui.widgets.markable_table import Cell, Column, MarkableTable, Row, Toned

LOCK = "⊘"


def amelding_period(period: str | None) -> str:
    """``2026-10`` -> ``10.2026`` (a month in a column)."""
    return fmt.month_column(period)


class ClientsScreen(ListScreen, Screen, LocalizedBindings):
    """The agency's client list."""

    CSS_PATH = "clients.tcss"
    HELP_TITLE = N_("Clients")
    WORKER_ERROR_TITLE = N_("Could not read the clients")
    AUTO_FOCUS = "#clients-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding runs before the next key is routed, so "/berg" typed fast
        # (or pasted) lands in the filter; check_action lets "/" through while typing.
        filter_binding("clients"),
        Binding("plus", "add_to_group", N_("To group"), id="clients.add_to_group", key_display="+"),
        Binding("minus", "remove_from_group", N_("Out of group"), id="clients.remove_from_group",
                key_display="-"),
        Binding("e", "reconcile_marked", N_("Reconcile"), id="clients.reconcile_marked"),
        Binding("v", "reconcile_client", N_("Reconciliation"), id="clients.reconcile_client", show=False),
        Binding("T", "taxcards_marked", N_("Tax cards"), id="clients.taxcards_marked"),
        # Last, so the footer drops it before the daily keys; the empty list names it.
        Binding("n", "new_client", N_("New client"), id="clients.new_client"),
        Binding("r", "reload", N_("Refresh"), id="clients.refresh", show=False),
    ]

    @dataclass
    class Loaded(Message):
        """The worker read the client list."""

        rows: list[ClientRow]

    @dataclass
    class GroupsChanged(Message):
        """Clients were put in or taken out of a group (or the core refused)."""

        text: str
        error: bool = False

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, ClientRow] = {}
        self.filter_text = ""
        self.shown = 0
        self.last_filter_ms: float | None = None
        """How long the last filter took to apply (keystroke handler to table updated)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(_("words to look for: name, org. no., status, responsible, group…"), id="filter")
        yield MarkableTable(self._columns(), fixed_columns=2, id="clients-table",
                            empty_text=_("No client matches the filter."),
                            none_text=_("No clients yet: an agency manager adds them with n."))
        yield KeyFooter()

    @staticmethod
    def _columns() -> list[Column]:
        return [
            Column("org_number", _("Org. no."), min_width=11, max_width=11),
            Column("name", _("Client"), max_width=25),
            Column("status", _("Status"), max_width=10),
            # Sized so that every column fits 120 columns (with a scrollbar); 80 scrolls, but
            # shows the a-melding and the responsible's login whole (full names are in the
            # client's detail and the filter finds them).
            Column("amelding", _("A-melding"), max_width=16),
            Column("responsible", _("Responsible"), max_width=12),
            Column("pay_day", _("Pay day"), justify="right", max_width=8),
            Column("groups", _("Groups"), max_width=15),
            Column("employees", _("Employees"), justify="right", max_width=9),
        ]

    def on_mount(self) -> None:
        table = self.query_one(MarkableTable)
        table.loading = True
        table.focus()
        self._update_subtitle()
        self.load()

    # --- Loading ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="clients", description="client list")
    def load(self) -> None:
        rows = core_clients.list_clients(self.app.workspace.store, self.app.who)
        self.post_message(self.Loaded(rows))

    def on_clients_screen_loaded(self, message: Loaded) -> None:
        self.rows = {str(row.id): row for row in message.rows}
        table = self.query_one(MarkableTable)
        table.set_rows(self._table_row(row) for row in message.rows)
        table.loading = False
        if not isinstance(self.focused, Input):
            table.focus()
        self._apply_filter()

    def _table_row(self, row: ClientRow) -> Row:
        status = client_status(row.status)
        status_cell: Cell = (Toned(status, "warning") if row.status == "onboarding"
                             else Toned(status, "muted") if row.status == "ended" else status)
        amelding_text = " ".join(
            part for part in (amelding_period(row.last_amelding_period), amelding_status(row.last_amelding_status))
            if part
        )
        amelding_cell: Cell = (
            Toned(amelding_text, "error") if row.last_amelding_status == "rejected"
            else Toned(amelding_text, "warning") if row.last_amelding_status == "pending"
            else amelding_text
        )
        responsible = ", ".join(row.responsible)
        responsible_cell: Cell = responsible or Toned(_("none"), "warning")
        return Row(
            key=str(row.id),
            cells=(
                ids.format_org_number(row.org_number),
                row.name,
                status_cell,
                amelding_cell,
                responsible_cell,
                fmt.pay_day(row.pay_day),
                ", ".join(row.groups),
                fmt.count(row.employees),
            ),
            sort_keys=(
                row.org_number,
                sort_key(row.name),
                status,
                (row.last_amelding_period or "", row.last_amelding_status or ""),
                responsible.casefold() or "\uffff",
                row.pay_day,
                ", ".join(row.groups).casefold() or "\uffff",
                row.employees,
            ),
            muted=not row.has_access,
            flag=" " if row.has_access else LOCK,
        )

    # --- Filter ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not isinstance(self.focused, Input)
        if action in ("add_to_group", "remove_from_group"):
            return bool(self.rows) or None
        if action == "new_client":
            return self.app.who.is_manager or None  # shown dimmed: a clerk may look but not add
        return True

    def dimmed_reason(self, action: str) -> str | None:
        if action == "new_client" and not self.app.who.is_manager:
            return _("Only an agency manager adds clients.")
        return None

    def matching_keys(self, text: str) -> Iterable[str] | None:
        if not text.strip():
            return None
        return [str(row.id) for row in core_clients.filter_rows(list(self.rows.values()), text)]

    def _apply_filter(self) -> None:
        started = time.perf_counter()
        super()._apply_filter()
        self.shown = self.list_table.row_count
        self.last_filter_ms = 1000 * (time.perf_counter() - started)

    # --- Marks, subtitle ---------------------------------------------------------------

    @property
    def marked_ids(self) -> list[int]:
        return sorted(int(key) for key in self.query_one(MarkableTable).marked)

    def subtitle_parts(self) -> list[str]:
        return [_("Clients"), self.shown_of_total()] if self.rows else [_("Clients")]

    # --- Opening a client --------------------------------------------------------------

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        row = self.rows.get(event.key)
        if row is None:
            return
        if not row.has_access:
            self.notify(
                _("You have no access to {client}. An agency manager can grant it on the access screen.").format(
                    client=f"{ids.format_org_number(row.org_number)} {row.name}"),
                title=_("No access"), severity="error", timeout=10,
            )
            return
        self.app.open_client(row.id)

    def action_reload(self) -> None:
        self.load()

    def action_new_client(self) -> None:
        if not self.app.who.is_manager:
            return
        from byraa.tui.screens.client_edit import ClientEditDialog

        self.app.push_screen(ClientEditDialog(), lambda added: self.load() if added else None)

    # --- Groups: the marked clients (else the cursor row) into or out of a group -----------

    @property
    def chosen_ids(self) -> list[int]:
        """The marked clients, else the one under the cursor."""
        if self.marked_ids:
            return self.marked_ids
        key = self.query_one(MarkableTable).cursor_key
        return [int(key)] if key is not None and key in self.rows else []

    def _chosen_words(self, ids_: list[int]) -> str:
        if len(ids_) == 1:
            return self.rows[str(ids_[0])].name
        return _("{count} clients").format(count=fmt.count(len(ids_)))

    def action_add_to_group(self) -> None:
        self._pick_group(add=True)

    def action_remove_from_group(self) -> None:
        self._pick_group(add=False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="clients-groups", description="group list")
    def _pick_group(self, add: bool) -> None:
        from byraa.core.clients import groups as core_groups

        names = [g.name for g in core_groups.list_groups(self.app.workspace.store)]
        self.app.call_from_thread(self._ask_group, names, add)

    NEW_GROUP = "new"
    """The choice id of "New group…" (a group's id is ``group:<name>``)."""

    def _ask_group(self, names: list[str], add: bool) -> None:
        from byraa.tui.widgets.dialogs import ChoiceDialog, TextDialog

        chosen = self.chosen_ids
        if not chosen:
            return
        if not add:
            member_of = {g for i in chosen for g in self.rows[str(i)].groups}
            names = [n for n in names if n in member_of]
            if not names:
                self.notify(_("{clients}: in no group.").format(clients=self._chosen_words(chosen)),
                            title=_("Groups"), severity="warning")
                return
        choices = [(f"group:{name}", name) for name in names]
        if add:
            choices.append((self.NEW_GROUP, _("New group…")))
        title = (_("Put {clients} in a group") if add else _("Take {clients} out of a group")).format(
            clients=self._chosen_words(chosen))

        def picked(choice: str | None) -> None:
            if choice == self.NEW_GROUP:
                self.app.push_screen(TextDialog(_("New group"), _("Name")),
                                     lambda name: self._change_groups(name, chosen, True, True) if name else None)
            elif choice:
                self._change_groups(choice.removeprefix("group:"), chosen, add, False)

        self.app.push_screen(ChoiceDialog(title, choices), picked)

    @work(thread=True, exit_on_error=False, group="clients-groups-change", description="change groups")
    def _change_groups(self, name: str, client_ids: list[int], add: bool, create: bool) -> None:
        from byraa.core.base.errors import UserError
        from byraa.core.clients import groups as core_groups

        store, who = self.app.workspace.store, self.app.who
        try:
            if create:
                core_groups.create_group(store, who, name)
            if add:
                count = core_groups.add_clients(store, who, name, client_ids=client_ids)
                text = _("{count} added to “{group}”.").format(count=count, group=name)
            else:
                count = core_groups.remove_clients(store, who, name, client_ids=client_ids)
                text = _("{count} taken out of “{group}”.").format(count=count, group=name)
        except UserError as exc:
            self.post_message(self.GroupsChanged(str(exc), error=True))
            return
        self.post_message(self.GroupsChanged(text))

    def on_clients_screen_groups_changed(self, message: GroupsChanged) -> None:
        if message.error:
            self.notify(message.text, title=_("Not changed"), severity="error", timeout=10)
            return
        self.notify(message.text, title=_("Groups"))
        self.load()

    def palette_commands(self) -> Iterator[PaletteCommand]:
        table = self.query_one(MarkableTable)
        yield PaletteCommand(_("Clients: Filter"), _("Type words to narrow the list"), self.action_filter)
        key = table.cursor_key
        if key is not None and key in self.rows:
            yield PaletteCommand(_("Clients: Open {client}").format(client=self.rows[key].name),
                                 _("Employees, payroll runs and a-meldinger"), table.action_select)
        yield PaletteCommand(_("Clients: Mark all"), _("Mark every client shown"), table.action_mark_all)
        if table.marked:
            yield PaletteCommand(_("Clients: Clear marks"), _("Unmark every client"), table.action_unmark_all)
        for index, column in enumerate(table.columns):
            yield PaletteCommand(_("Clients: Sort by {column}").format(column=column.label), "",
                                 lambda index=index: table.sort_by(index))
        if self.rows:
            yield PaletteCommand(_("Clients: Put in a group"), _("The marked clients, else the one under the cursor"),
                                 self.action_add_to_group)
            yield PaletteCommand(_("Clients: Take out of a group"),
                                 _("The marked clients, else the one under the cursor"), self.action_remove_from_group)
        if self.rows:
            yield PaletteCommand(_("Clients: Fetch tax cards"), _("The marked clients, else the one under the cursor"),
                                 self.action_taxcards_marked)
        if self.app.who.is_manager:
            yield PaletteCommand(_("Clients: New client"), _("Org. no., name, pay day and contact fields"),
                                 self.action_new_client)
        yield PaletteCommand(_("Clients: Refresh"), _("Read the list again"), self.action_reload)
        yield PaletteCommand(_("Clients: Reconcile marked clients"), _("A month's reconciliation as a job"),
                             self.action_reconcile_marked)
        if key is not None and key in self.rows:
            yield PaletteCommand(_("Clients: Reconciliation of {client}").format(client=self.rows[key].name),
                                 _("Checks, differences and sign-off"), self.action_reconcile_client)

    # --- Reconciliation (SPEC 4.6): one client, or the marked ones as a job ------------------

    def action_taxcards_marked(self) -> None:
        """Fetch tax cards for the marked clients (else the one under the cursor)."""
        from byraa.tui.screens.taxcards import open_for_clients

        chosen = self.chosen_ids
        open_for_clients(self, chosen, self._chosen_words(chosen) if chosen else "")

    def action_reconcile_marked(self) -> None:
        from byraa.tui.screens.reconcile.overview import start_bulk

        table = self.query_one(MarkableTable)
        keys = [k for k in table.marked if k in self.rows] or (
            [table.cursor_key] if table.cursor_key in self.rows else [])
        chosen = sorted((self.rows[k] for k in keys), key=lambda r: sort_key(r.name))
        start_bulk(self, [r.org_number for r in chosen])

    def action_reconcile_client(self) -> None:
        from byraa.tui.screens.reconcile.overview import default_period
        from byraa.tui.screens.reconcile.run import ReconcileRunScreen

        row = self.rows.get(self.query_one(MarkableTable).cursor_key or "")
        if row is None:
            return
        if not row.has_access:
            self.notify(_("You have no access to {client}. An agency manager can grant it on the access screen.")
                        .format(client=f"{ids.format_org_number(row.org_number)} {row.name}"),
                        title=_("No access"), severity="error", timeout=10)
            return
        self.app.push_screen(ReconcileRunScreen(row.org_number, default_period()))
