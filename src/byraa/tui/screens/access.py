"""Access (SPEC 4.4, 7): staff and roles, clients by user, users by client, access review.

Only an agency manager may change anything. The core enforces it (and audits every
change); here the change keys are dimmed for a clerk, and any refusal from the core
shows as a notification. Bulk changes use the marked rows, else the cursor row.

Over 400 lines because the four tabs share one set of marks, one change worker and one
reload: split per tab, each would carry its own copy of them. The dialogs live in
``access_dialogs`` and extract rights in ``extract_rights``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, TabbedContent, TabPane

from byraa.core.agency import access_admin, staff
from byraa.core.agency.access_admin import Finding, GrantRow, StaffRow
from byraa.core.base import ids
from byraa.core.base.errors import AccessDenied
from byraa.core.clients import registry as core_clients
from byraa.core.clients.registry import ClientRow
from byraa.core.words import formatting as fmt
from byraa.core.words.collation import sort_key
from byraa.core.words.i18n import _, ngettext
from byraa.core.words.labels import access_finding, client_status, role
from byraa.tui.commands import PaletteCommand
from byraa.tui.screens.access_dialogs import AddStaffDialog, NewStaff
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.change_worker import ChangesInWorker
from byraa.tui.widgets.dialogs import ChoiceDialog, ConfirmDialog, TextDialog
from byraa.tui.widgets.filter_bar import FilterBar, FilteredScreen
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.markable_table import Cell, Column, MarkableTable, Row, Toned

TABS = ("staff", "by-user", "by-client", "review")
CHANGES = ("add_staff", "grant", "revoke", "revoke_all", "copy", "set_role", "toggle_active", "fix",
           "extract_rights", "rename_staff")
"""Actions that change access: a manager's only."""


@dataclass
class AccessData:
    staff: list[StaffRow]
    grants: list[GrantRow]
    clients: list[ClientRow]
    findings: list[Finding] | None
    """``None`` when the user may not review access (a clerk)."""
    by_user: dict[str, dict[int, str]] = field(default_factory=dict)
    """login -> client id -> role."""

    def __post_init__(self) -> None:
        for g in self.grants:
            self.by_user.setdefault(g.login, {})[g.client_id] = g.role


class AccessScreen(ChangesInWorker, FilteredScreen, Screen, LocalizedBindings):
    """Staff, grants and the access review."""

    CSS_PATH = "access.tcss"
    HELP_TITLE = N_("Access")
    WORKER_ERROR_TITLE = N_("Could not read the access")
    AUTO_FOCUS = "#staff-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", N_("Filter"), id="access.filter", key_display="/", priority=True),
        Binding("1", "tab('staff')", N_("Staff"), show=False, id="access.tab_staff"),
        Binding("2", "tab('by-user')", N_("Clients by user"), show=False, id="access.tab_by_user"),
        Binding("3", "tab('by-client')", N_("Users by client"), show=False, id="access.tab_by_client"),
        Binding("4", "tab('review')", N_("Access review"), show=False, id="access.tab_review"),
        # The staff tab's own keys first: the footer drops what does not fit its width.
        Binding("n", "add_staff", N_("New user"), id="access.add_staff"),
        Binding("o", "set_role", N_("Role"), id="access.set_role"),
        Binding("m", "rename_staff", N_("Name"), id="access.rename_staff"),
        Binding("v", "toggle_active", N_("Active"), id="access.toggle_active"),
        Binding("w", "choose", N_("Choose"), id="access.choose"),
        Binding("plus", "grant", N_("Give access"), id="access.grant", key_display="+"),
        Binding("minus", "revoke", N_("End access"), id="access.revoke", key_display="-"),
        Binding("X", "revoke_all", N_("End all access"), id="access.revoke_all"),
        Binding("y", "copy", N_("Copy access"), id="access.copy"),
        Binding("f", "fix", N_("Fix"), id="access.fix"),
        Binding("e", "extract_rights", N_("Extract rights"), id="access.extract_rights"),
        Binding("r", "reload", N_("Refresh"), id="access.refresh", show=False),
    ]

    @dataclass
    class Loaded(Message):
        data: AccessData

    def __init__(self) -> None:
        super().__init__()
        self.data: AccessData | None = None
        self.user: str | None = None
        """The login shown on "clients by user"."""
        self.client_id: int | None = None
        """The client shown on "users by client"."""
        self.filter_text = ""
        self._start_tab: str | None = None
        """The tab to show once the data is read (opened from the palette on a user)."""
        self._haystacks: dict[str, dict[str, str]] = {}
        """Per table, each row's text (what the filter searches)."""

    # --- Layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterBar(_("words to look for in any column"), id="filter")
        with TabbedContent(id="access-tabs"):
            with TabPane(_("1 Staff"), id="staff"):
                yield self._table("staff-table", [
                    Column("name", _("Name"), max_width=22),
                    Column("login", _("Login"), max_width=16),
                    Column("role", _("Role"), max_width=10),
                    Column("active", _("Active"), max_width=6),
                    Column("responsible", _("Responsible"), justify="right", max_width=11),
                    Column("associate", _("Associate"), justify="right", max_width=11),
                ], _("No staff."), markable=False)
            with TabPane(_("2 Clients by user"), id="by-user"):
                yield Label("", id="by-user-head", classes="access-head", markup=False)
                yield self._table("by-user-table", [
                    Column("org_number", _("Org. no."), min_width=11, max_width=11),
                    Column("name", _("Client"), max_width=26),
                    Column("role", _("Access"), max_width=11),
                    Column("status", _("Status"), max_width=10),
                ], _("No client matches the filter."))
            with TabPane(_("3 Users by client"), id="by-client"):
                yield Label("", id="by-client-head", classes="access-head", markup=False)
                yield self._table("by-client-table", [
                    Column("name", _("Name"), max_width=22),
                    Column("login", _("Login"), max_width=16),
                    Column("access", _("Access"), max_width=11),
                    Column("role", _("Role"), max_width=10),
                    Column("active", _("Active"), max_width=6),
                ], _("No staff."))
            with TabPane(_("4 Review"), id="review"):
                yield self._table("review-table", [
                    Column("kind", _("Finding"), max_width=22),
                    Column("login", _("Login"), max_width=16),
                    Column("client", _("Client"), max_width=26),
                    Column("detail", _("Access"), max_width=11),
                ], _("Nothing to tidy up."), markable=False)
        yield KeyFooter()

    @staticmethod
    def _table(table_id: str, columns: list[Column], empty: str, *, markable: bool = True) -> MarkableTable:
        return MarkableTable(columns, markable=markable, show_sort_keys=False, fixed_columns=1, id=table_id,
                             empty_text=empty)

    def _set_rows(self, table_id: str, rows: list[Row]) -> None:
        self._haystacks[table_id] = {
            row.key: " ".join(c if isinstance(c, str) else c.plain for c in row.cells).casefold() for row in rows
        }
        self.query_one(f"#{table_id}", MarkableTable).set_rows(rows)

    def on_mount(self) -> None:
        self.query_one("#access-tabs").loading = True
        self._update_subtitle()
        self.load()

    # --- Loading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="access", description="access")
    def load(self) -> None:
        store, who = self.app.workspace.store, self.app.who
        try:
            findings = access_admin.review(store, who) if who.is_manager else None
        except AccessDenied:
            findings = None
        data = AccessData(access_admin.list_staff(store), access_admin.list_grants(store),
                          core_clients.list_clients(store, who), findings)
        self.post_message(self.Loaded(data))

    def on_access_screen_loaded(self, message: Loaded) -> None:
        data = self.data = message.data
        self.query_one("#access-tabs").loading = False
        logins = [s.login for s in data.staff]
        if self.user not in logins:
            self.user = self.app.who.login if self.app.who.login in logins else (logins[0] if logins else None)
        client_ids = [c.id for c in data.clients]
        if self.client_id not in client_ids:
            self.client_id = client_ids[0] if client_ids else None
        self._fill_staff()
        self._fill_by_user()
        self._fill_by_client()
        self._fill_review()
        self._apply_filter()
        if self._start_tab:
            self.action_tab(self._start_tab)
            self._start_tab = None
        self.refresh_bindings()

    @staticmethod
    def _active(active: bool) -> Cell:
        return _("yes") if active else Toned(_("no"), "warning")

    def _fill_staff(self) -> None:
        assert self.data is not None
        self._set_rows("staff-table", [
            Row(key=s.login,
                cells=(s.name, s.login, role(s.role), self._active(s.active), fmt.count(s.responsible),
                       fmt.count(s.associate)),
                sort_keys=(sort_key(s.name), s.login, s.role, s.active, s.responsible, s.associate),
                muted=not s.active)
            for s in self.data.staff
        ])

    def _staff(self, login: str | None) -> StaffRow | None:
        return next((s for s in self.data.staff if s.login == login), None) if self.data else None

    def _client(self, client_id: int | None) -> ClientRow | None:
        return next((c for c in self.data.clients if c.id == client_id), None) if self.data else None

    def _fill_by_user(self) -> None:
        assert self.data is not None
        user = self._staff(self.user)
        grants = self.data.by_user.get(self.user or "", {})
        head = self.query_one("#by-user-head", Label)
        if user is None:
            head.update(_("No staff user chosen (w chooses)."))
        else:
            head.update(_("{name} ({login}) · {role} · access to {count} of {total} clients · w: another user").format(
                name=user.name, login=user.login, role=role(user.role), count=len(grants),
                total=len(self.data.clients)))
        rows = []
        for c in self.data.clients:
            held = grants.get(c.id)
            rows.append(Row(
                key=str(c.id),
                cells=(ids.format_org_number(c.org_number), c.name,
                       (Toned(role(held), "success") if held == "responsible" else role(held)) if held else "–",
                       client_status(c.status)),
                sort_keys=(c.org_number, sort_key(c.name), held or "~", c.status),
                muted=held is None,
            ))
        self._set_rows("by-user-table", rows)

    def _fill_by_client(self) -> None:
        assert self.data is not None
        client = self._client(self.client_id)
        head = self.query_one("#by-client-head", Label)
        if client is None:
            head.update(_("No client chosen (w chooses)."))
        else:
            holders = sum(1 for g in self.data.grants if g.client_id == client.id)
            head.update(ngettext("{org} {name} · {status} · {count} user has access · w: another client",
                                 "{org} {name} · {status} · {count} users have access · w: another client",
                                 holders).format(
                org=ids.format_org_number(client.org_number), name=client.name, status=client_status(client.status),
                count=holders))
        rows = []
        for s in self.data.staff:
            held = self.data.by_user.get(s.login, {}).get(self.client_id or 0)
            rows.append(Row(
                key=s.login,
                cells=(s.name, s.login,
                       (Toned(role(held), "success") if held == "responsible" else role(held)) if held else "–",
                       role(s.role), self._active(s.active)),
                sort_keys=(sort_key(s.name), s.login, held or "~", s.role, s.active),
                muted=held is None or not s.active,
            ))
        self._set_rows("by-client-table", rows)

    def _fill_review(self) -> None:
        assert self.data is not None
        table = self.query_one("#review-table", MarkableTable)
        if self.data.findings is None:
            table.empty_text = _("Only an agency manager can review access.")
            self._set_rows("review-table", [])
            return
        tones = {"leaver_with_access": "error", "grant_on_inactive_client": "warning",
                 "client_without_responsible": "warning", "user_without_grants": "muted"}
        self._set_rows("review-table", [
            Row(key=str(i),
                cells=(Toned(access_finding(f.kind), tones.get(f.kind, "warning")), f.login or "",
                       f"{f.client_name or ''}", role(f.detail) if f.detail else ""),
                sort_keys=(f.kind, f.login or "", sort_key(f.client_name or ""), f.detail or ""))
            for i, f in enumerate(self.data.findings)
        ])
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("review").label = _("4 Review ({count})").format(count=len(self.data.findings))

    # --- Tabs, filter, subtitle -------------------------------------------------------------

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active or "staff"

    @property
    def table(self) -> MarkableTable:
        return self.query_one(f"#{self.tab}-table", MarkableTable)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.set_focus(self.query_one(f"#{tab}-table", MarkableTable))

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        # A filter typed for one tab's rows would empty the next ("nothing to tidy up" with
        # findings there): each tab starts unfiltered.
        if self.filter_text:
            self.filter_text = ""
            self.query_one(FilterBar).value = ""
        self._apply_filter()
        self.refresh_bindings()

    def _filter_target(self) -> Any:
        return self.table

    def _apply_filter(self) -> None:
        text = self.filter_text
        words = text.casefold().split()
        for table in self.query(MarkableTable):
            if not words:
                table.show_only(None)
                continue
            table.show_only(key for key, haystack in self._haystacks.get(table.id or "", {}).items()
                            if all(w in haystack for w in words))
        self._update_subtitle()

    def on_markable_table_marks_changed(self, event: MarkableTable.MarksChanged) -> None:
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        parts = [_("Access")]
        if self.tab == "by-user" and self.user:
            parts.append(self.user)
        if self.tab == "by-client" and (client := self._client(self.client_id)) is not None:
            parts.append(client.name)
        table = self.table
        if table.marked:
            parts.append(_("{count} marked").format(count=fmt.count(len(table.marked))))
        if self.filter_text.strip():
            parts.append(_("filter “{text}”").format(text=self.filter_text.strip()))
        self.sub_title = " · ".join(parts)

    # --- Which keys apply ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not isinstance(self.focused, Input)
        if action == "tab":
            return self.data is not None
        tab = self.tab
        applies = {
            "choose": tab in ("by-user", "by-client"),
            "grant": tab in ("by-user", "by-client"),
            "revoke": tab in ("by-user", "by-client"),
            "revoke_all": tab in ("staff", "by-user"),
            "copy": tab in ("staff", "by-user"),
            "add_staff": tab == "staff",
            "set_role": tab == "staff",
            "rename_staff": tab == "staff",
            "toggle_active": tab == "staff",
            "fix": tab == "review",
            "extract_rights": tab == "staff",
        }
        if action not in applies:
            return True
        if not applies[action]:
            return False
        if action in CHANGES and not self.app.who.is_manager:
            return None  # shown dimmed: a clerk may look but not change
        return self.data is not None or None

    def dimmed_reason(self, action: str) -> str | None:
        if action == "extract_rights" and not self.app.who.is_manager:
            return _("Only an agency manager sets extract rights.")
        if action in CHANGES and not self.app.who.is_manager:
            return _("Only an agency manager can change access; you can look.")
        return None

    # --- Selections ----------------------------------------------------------------------

    def _chosen(self, table: MarkableTable) -> list[str]:
        """The marked rows, else the cursor row."""
        if table.marked:
            return sorted(table.marked)
        return [table.cursor_key] if table.cursor_key is not None else []

    def _target_user(self) -> str | None:
        """The user a change is about: the cursor row on "staff", the chosen one on "clients by user"."""
        if self.tab == "staff":
            return self.query_one("#staff-table", MarkableTable).cursor_key
        return self.user

    # --- Actions ---------------------------------------------------------------------------

    def action_choose(self) -> None:
        if self.data is None:
            return
        if self.tab == "by-user":
            choices = [(s.login, f"{s.name} ({s.login}) · {role(s.role)}") for s in self.data.staff]

            def chosen_user(login: str | None) -> None:
                if login:
                    self._show_user(login)

            self.app.push_screen(ChoiceDialog(_("Clients by user: choose a user"), choices), chosen_user)
        elif self.tab == "by-client":
            choices = [(str(c.id), f"{ids.format_org_number(c.org_number)} {c.name}") for c in self.data.clients]

            def chosen_client(key: str | None) -> None:
                if key:
                    self._show_client(int(key))

            self.app.push_screen(ChoiceDialog(_("Users by client: choose a client"), choices), chosen_client)

    def show_user(self, login: str) -> None:
        """Open "clients by user" on ``login`` (from the palette), now or once the staff is read."""
        if self.data is None:
            self.user = login  # kept by the first load, which then shows the tab
            self._start_tab = "by-user"
            return
        self._show_user(login)

    def _show_user(self, login: str) -> None:
        self.user = login
        self.query_one("#by-user-table", MarkableTable).action_unmark_all()
        self._fill_by_user()
        self._apply_filter()
        self.action_tab("by-user")

    def _show_client(self, client_id: int) -> None:
        self.client_id = client_id
        self.query_one("#by-client-table", MarkableTable).action_unmark_all()
        self._fill_by_client()
        self._apply_filter()
        self.action_tab("by-client")

    def on_markable_table_row_selected(self, event: MarkableTable.RowSelected) -> None:
        table_id = event.table.id
        if table_id == "staff-table":
            self._show_user(event.key)
        elif table_id == "by-user-table":
            self._show_client(int(event.key))
        elif table_id == "by-client-table":
            self._show_user(event.key)
        elif table_id == "review-table":
            self.action_fix()

    def _ask_role(self, title: str, then: Callable[[str], None]) -> None:
        choices = [("associate", role("associate")), ("responsible", role("responsible"))]
        self.app.push_screen(ChoiceDialog(title, choices), lambda picked: then(picked) if picked else None)

    def action_grant(self) -> None:
        if self.data is None:
            return
        if self.tab == "by-user" and self.user:
            login = self.user
            client_ids = [int(k) for k in self._chosen(self.query_one("#by-user-table", MarkableTable))]
            if not client_ids:
                return
            what = self._clients_words(client_ids)
            self._ask_role(_("Give {login} access to {clients} as").format(login=login, clients=what),
                           lambda r: self.run_change(
                               lambda: access_admin.grant(self._store, self.app.who, login, r, client_ids=client_ids),
                               _("{login}: {role} on {clients}.").format(login=login, role=role(r), clients=what)))
        elif self.tab == "by-client" and self.client_id is not None:
            client_id = self.client_id
            logins = self._chosen(self.query_one("#by-client-table", MarkableTable))
            if not logins:
                return
            name = self._client(client_id).name  # type: ignore[union-attr]

            def give(r: str) -> None:
                def run() -> int:
                    return sum(access_admin.grant(self._store, self.app.who, login, r, client_ids=[client_id])
                               for login in logins)

                self.run_change(run, _("{logins}: {role} on {client}.").format(
                    logins=", ".join(logins), role=role(r), client=name))

            self._ask_role(_("Give {logins} access to {client} as").format(logins=", ".join(logins), client=name),
                           give)

    def action_revoke(self) -> None:
        if self.data is None:
            return
        if self.tab == "by-user" and self.user:
            login = self.user
            client_ids = [int(k) for k in self._chosen(self.query_one("#by-user-table", MarkableTable))]
            if not client_ids:
                return
            what = self._clients_words(client_ids)
            self._confirm(_("End access"), _("End {login}'s access to {clients}?").format(login=login, clients=what),
                          lambda: access_admin.revoke(self._store, self.app.who, login, client_ids=client_ids),
                          _("{login}: access to {clients} ended.").format(login=login, clients=what))
        elif self.tab == "by-client" and self.client_id is not None:
            client_id = self.client_id
            logins = self._chosen(self.query_one("#by-client-table", MarkableTable))
            if not logins:
                return
            name = self._client(client_id).name  # type: ignore[union-attr]
            self._confirm(
                _("End access"),
                _("End the access of {logins} to {client}?").format(logins=", ".join(logins), client=name),
                lambda: sum(access_admin.revoke(self._store, self.app.who, login, client_ids=[client_id])
                            for login in logins),
                _("{logins}: access to {client} ended.").format(logins=", ".join(logins), client=name))

    def action_revoke_all(self) -> None:
        login = self._target_user()
        if login is None:
            return
        count = len(self.data.by_user.get(login, {})) if self.data else 0
        self._confirm(_("End all access"),
                      _("End {login}'s access to every client ({count})?").format(login=login, count=count),
                      lambda: access_admin.revoke(self._store, self.app.who, login, all_clients=True),
                      _("{login}: all access ended.").format(login=login))

    def action_copy(self) -> None:
        source = self._target_user()
        if source is None or self.data is None:
            return
        choices = [(s.login, f"{s.name} ({s.login})") for s in self.data.staff if s.login != source and s.active]

        def target_chosen(target: str | None) -> None:
            if target:
                self.run_change(lambda: access_admin.copy_access(self._store, self.app.who, source, target),
                             _("{source}'s access copied to {target}.").format(source=source, target=target))

        self.app.push_screen(ChoiceDialog(_("Copy {login}'s access to").format(login=source), choices), target_chosen)

    def action_add_staff(self) -> None:
        def filled(new: NewStaff | None) -> None:
            if new is not None:
                self.run_change(lambda: staff.add_staff(self._store, self.app.who, new.login, new.name, new.role),
                             _("{login} added as {role}.").format(login=new.login, role=role(new.role)))

        self.app.push_screen(AddStaffDialog(), filled)

    def action_set_role(self) -> None:
        user = self._staff(self._target_user())
        if user is None:
            return
        choices = [("clerk", _("payroll clerk")), ("manager", _("agency manager"))]

        def picked(new: str | None) -> None:
            if new and new != user.role:
                self.run_change(lambda: staff.set_role(self._store, self.app.who, user.login, new),
                             _("{login} is now {role}.").format(login=user.login, role=role(new)))

        self.app.push_screen(ChoiceDialog(_("Role of {login}").format(login=user.login), choices), picked)

    def action_rename_staff(self) -> None:
        user = self._staff(self._target_user())
        if user is None:
            return

        def typed(name: str | None) -> None:
            if name and name.strip() != user.name:
                self.run_change(lambda: staff.set_name(self._store, self.app.who, user.login, name),
                                _("{login} is now called {name}.").format(login=user.login, name=name.strip()))

        self.app.push_screen(TextDialog(_("Name of {login}").format(login=user.login), _("Full name"), user.name),
                             typed)

    def action_toggle_active(self) -> None:
        user = self._staff(self._target_user())
        if user is None:
            return
        if user.active:
            self._confirm(_("Deactivate"), _("Deactivate {login}? They can no longer use byraa.").format(
                login=user.login),
                lambda: staff.set_active(self._store, self.app.who, user.login, False),
                _("{login} deactivated.").format(login=user.login))
        else:
            self.run_change(lambda: staff.set_active(self._store, self.app.who, user.login, True),
                         _("{login} active again.").format(login=user.login))

    def action_fix(self) -> None:
        if self.data is None or not self.data.findings:
            return
        key = self.query_one("#review-table", MarkableTable).cursor_key
        if key is None:
            return
        finding = self.data.findings[int(key)]
        login, client_id = finding.login, finding.client_id
        if finding.kind in ("leaver_with_access", "grant_on_inactive_client") and login and client_id:
            self._confirm(
                _("End access"),
                _("End {login}'s access to {client}?").format(login=login, client=finding.client_name),
                lambda: access_admin.revoke(self._store, self.app.who, login, client_ids=[client_id]),
                _("{login}: access to {client} ended.").format(login=login, client=finding.client_name))
        elif finding.kind == "client_without_responsible" and client_id:
            choices = [(s.login, f"{s.name} ({s.login})") for s in self.data.staff if s.active]

            def picked(chosen: str | None) -> None:
                if chosen:
                    self.run_change(
                        lambda: access_admin.grant(self._store, self.app.who, chosen, "responsible",
                                                   client_ids=[client_id]),
                        _("{login} is responsible for {client}.").format(login=chosen, client=finding.client_name))

            self.app.push_screen(ChoiceDialog(
                _("Who is responsible for {client}?").format(client=finding.client_name), choices), picked)
        elif finding.kind == "user_without_grants" and login:
            choices = [("grant", _("Give access to clients…")), ("deactivate", _("Deactivate the user"))]

            def chosen(what: str | None) -> None:
                if what == "grant":
                    self._show_user(login)
                elif what == "deactivate":
                    self.run_change(lambda: staff.set_active(self._store, self.app.who, login, False),
                                 _("{login} deactivated.").format(login=login))

            self.app.push_screen(ChoiceDialog(_("{login} has no clients").format(login=login), choices), chosen)

    def action_extract_rights(self) -> None:
        """Open the cursor's staff user's extract rights (intervals and the agency's switches)."""
        user = self._staff(self._target_user())
        if user is None or not self.app.who.is_manager:
            return
        from byraa.tui.screens.extract_rights import ExtractRightsScreen

        self.app.push_screen(ExtractRightsScreen(user.login, user.name))

    def action_reload(self) -> None:
        self.load()

    # --- Running a change ------------------------------------------------------------------

    @property
    def _store(self):  # noqa: ANN202
        return self.app.workspace.store

    def _clients_words(self, client_ids: list[int]) -> str:
        if len(client_ids) == 1 and (client := self._client(client_ids[0])) is not None:
            return client.name
        return _("{count} clients").format(count=fmt.count(len(client_ids)))

    def _confirm(self, title: str, question: str, change: Callable[[], object], done: str) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.run_change(change, done)

        self.app.push_screen(ConfirmDialog(title, question, yes=_("End") if title != _("Deactivate") else None,
                                           dangerous=True),
                             answered)

    def change_title(self) -> str:
        return _("Access")

    def changed(self, select: str | None) -> None:
        for table in self.query(MarkableTable):
            table.marked.clear()
        self.load()

    # --- Palette -------------------------------------------------------------------------------

    def palette_commands(self) -> Iterator[PaletteCommand]:
        yield PaletteCommand(_("Access: Staff"), "", lambda: self.action_tab("staff"))
        yield PaletteCommand(_("Access: Clients by user"), "", lambda: self.action_tab("by-user"))
        yield PaletteCommand(_("Access: Users by client"), "", lambda: self.action_tab("by-client"))
        yield PaletteCommand(_("Access: Review"), _("Leavers, clients without responsible, …"),
                             lambda: self.action_tab("review"))
        yield PaletteCommand(_("Access: Filter"), _("Type words to narrow the list"), self.action_filter)
        if self.app.who.is_manager and self.data is not None:
            names = {
                "choose": _("Access: Choose user or client"),
                "grant": _("Access: Give access"),
                "revoke": _("Access: End access"),
                "revoke_all": _("Access: End all access"),
                "copy": _("Access: Copy access to another user"),
                "add_staff": _("Access: New staff user"),
                "set_role": _("Access: Change role"),
                "rename_staff": _("Access: Correct the name"),
                "toggle_active": _("Access: Activate / deactivate"),
                "fix": _("Access: Fix the finding"),
                "extract_rights": _("Access: Extract rights of the user"),
            }
            for action, name in names.items():
                if self.check_action(action, ()):
                    yield PaletteCommand(name, "", getattr(self, f"action_{action}"))
        yield PaletteCommand(_("Access: Refresh"), _("Read staff and grants again"), self.action_reload)
