"""Groups (SPEC 4.3): the agency's client groups; Enter opens a group's pay-day board.

A group is a tag any staff user may create, rename or delete (the core audits it);
clients are put in groups from the client list (``+`` / ``-``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input

from byraa.core.clients import groups as core_groups
from byraa.core.clients.groups import GroupRow
from byraa.core.words import formatting as fmt
from byraa.core.words.collation import sort_key
from byraa.core.words.i18n import _, ngettext
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings, key_shown
from byraa.tui.widgets.change_worker import ChangesInWorker
from byraa.tui.widgets.dialogs import ConfirmDialog, TextDialog
from byraa.tui.widgets.filter_bar import FilterBar
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.list_screen import ListScreen, filter_binding
from byraa.tui.widgets.markable_table import Column, MarkableTable, Row


class GroupsScreen(ChangesInWorker, ListScreen, Screen, LocalizedBindings):
    """The list of groups with create / rename / delete."""

    CSS_PATH = "groups.tcss"
    HELP_TITLE = N_("Groups")
    WORKER_ERROR_TITLE = N_("Could not read the groups")
    AUTO_FOCUS = "#groups-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        filter_binding("groups"),
        Binding("n", "create", N_("New"), id="groups.create"),
        Binding("e", "rename", N_("Rename"), id="groups.rename"),
        Binding("x", "delete", N_("Delete"), id="groups.delete"),
        Binding("r", "reload", N_("Refresh"), id="groups.refresh", show=False),
    ]

    @dataclass
    class Loaded(Message):
        rows: list[GroupRow]
        select: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, GroupRow] = {}
        self.filter_text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(_("words to look for: group name, description"), id="filter")
        yield MarkableTable(
            [Column("name", _("Group"), max_width=30), Column("clients", _("Clients"), justify="right", max_width=8),
             Column("description", _("Description"), max_width=60)],
            markable=False, id="groups-table",
            empty_text=_("No groups yet. {key} creates one.").format(key=key_shown(self, "groups.create")),
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(MarkableTable).loading = True
        self._update_subtitle()
        self.load()

    # --- Loading ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="groups", description="group list")
    def load(self, select: str | None = None) -> None:
        self.post_message(self.Loaded(core_groups.list_groups(self.app.workspace.store), select))

    def on_groups_screen_loaded(self, message: Loaded) -> None:
        self.rows = {str(row.id): row for row in message.rows}
        table = self.query_one(MarkableTable)
        table.set_rows(
            Row(key=str(g.id), cells=(g.name, fmt.count(g.clients), g.description or ""),
                sort_keys=(sort_key(g.name), g.clients, (g.description or "").casefold()))
            for g in message.rows
        )
        table.loading = False
        if message.select is not None:
            key = next((k for k, g in self.rows.items() if g.name == message.select), None)
            if key is not None:
                table.move_cursor_to(key)
        self._apply_filter()
        self.refresh_bindings()

    def subtitle_parts(self) -> list[str]:
        return [_("Groups"), fmt.count(self.list_table.total_count)]

    def filter_haystack(self, key: str) -> str:
        g = self.rows[key]
        return f"{g.name} {g.description or ''}".casefold()

    # --- Changes ---------------------------------------------------------------------

    @property
    def current(self) -> GroupRow | None:
        key = self.query_one(MarkableTable).cursor_key
        return self.rows.get(key or "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not isinstance(self.focused, Input)
        if action in ("rename", "delete"):
            return self.current is not None or None
        return True

    def action_create(self) -> None:
        def created(name: str | None) -> None:
            if name:
                self.run_change(lambda: core_groups.create_group(self._store, self.app.who, name),
                             _("Group “{name}” created.").format(name=name), select=name)

        self.app.push_screen(TextDialog(_("New group"), _("Name"), placeholder=_("e.g. Paid on the 20th")), created)

    def action_rename(self) -> None:
        group = self.current
        if group is None:
            return

        def renamed(name: str | None) -> None:
            if name and name != group.name:
                self.run_change(lambda: core_groups.rename_group(self._store, self.app.who, group.name, name),
                             _("Group “{old}” renamed to “{new}”.").format(old=group.name, new=name), select=name)

        self.app.push_screen(TextDialog(_("Rename group"), _("New name"), group.name), renamed)

    def action_delete(self) -> None:
        group = self.current
        if group is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_change(lambda: core_groups.delete_group(self._store, self.app.who, group.name,
                                                              holding_clients=True),
                             _("Group “{name}” deleted.").format(name=group.name))

        if group.clients:
            text = ngettext("Delete the group “{name}”? It holds {count} client; the client stays, only the group goes.",
                            "Delete the group “{name}”? It holds {count} clients; they stay, only the group goes.",
                            group.clients)
        else:
            text = _("Delete the group “{name}”? It holds no clients.")
        self.app.push_screen(ConfirmDialog(
            _("Delete group"), text.format(name=group.name, count=group.clients), yes=_("Delete"),
            dangerous=True), confirmed)

    @property
    def _store(self):  # noqa: ANN202
        return self.app.workspace.store

    def change_title(self) -> str:
        return _("Groups")

    def changed(self, select: str | None) -> None:
        self.load(select)

    # --- The board -----------------------------------------------------------------

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        group = self.rows.get(event.key)
        if group is not None:
            from byraa.tui.screens.board import BoardScreen

            self.app.push_screen(BoardScreen(group.name))

    def on_screen_resume(self) -> None:
        if self.rows:
            self.load()  # counts may have changed on the client list

    def action_reload(self) -> None:
        self.load()

    def palette_commands(self) -> Iterator[PaletteCommand]:
        yield PaletteCommand(_("Groups: New"), _("Create a group"), self.action_create)
        group = self.current
        if group is not None:
            yield PaletteCommand(_("Groups: Board for {group}").format(group=group.name),
                                 _("The pay-day board of the group for a month"),
                                 self.query_one(MarkableTable).action_select)
            yield PaletteCommand(_("Groups: Rename {group}").format(group=group.name), "", self.action_rename)
            yield PaletteCommand(_("Groups: Delete {group}").format(group=group.name), "", self.action_delete)
        yield PaletteCommand(_("Groups: Filter"), _("Type words to narrow the list"), self.action_filter)
        yield PaletteCommand(_("Groups: Refresh"), _("Read the list again"), self.action_reload)
