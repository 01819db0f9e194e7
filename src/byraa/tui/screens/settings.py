"""Settings (SPEC 4.8): the agency's Altinn connection, each client's, where data lives.

Over 400 lines: one screen's three tabs share the connection form, its save and its test.

The connection form holds the environment, the Maskinporten client id, key id and the
PATH of the private key (byraa never stores a key; the file must be readable by its
owner only), the system user's org number and, for the sandbox, its URL. Saving is an
agency manager's (the key is dimmed for a clerk, and the core refuses anyway; every
change is audited). ``t`` tests what the form holds, saved or not: Maskinporten token,
Altinn exchange, one harmless call, each step with the error in words.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Header,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import Worker

from byraa.core.altinn import connection
from byraa.core.altinn.connection import ClientConnectionRow, ConnectionSettings, StepResult
from byraa.core.altinn.maskinporten import KEY_FILE_CODES
from byraa.core.altinn.settings import ENVIRONMENTS, SANDBOX_DEFAULT_URL
from byraa.core.base import ids
from byraa.core.base.errors import UserError
from byraa.core.settings import locations
from byraa.core.words.i18n import _
from byraa.core.words.labels import altinn_problem_word, altinn_step_word, environment_word, role
from byraa.tui.commands import PaletteCommand
from byraa.tui.widgets.bindings import N_, LocalizedBindings
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.markable_table import Column, MarkableTable, Row, Toned

TABS = ("connection", "clients", "about")


def org_number_message(value: str) -> str | None:
    """What is wrong with an org number, in words (``None``: nothing)."""
    value = value.strip()
    if not value:
        return _("Required.")
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return _("An organisation number has 9 digits.")
    if ids.org_number_error(value):
        return _("The check digit (the last digit) is wrong: check the number.")
    return None


# --- The form -----------------------------------------------------------------------------


class ConnectionForm(Vertical):
    """Environment, client id, key id, key path, system user and sandbox URL, with messages."""

    FIELDS = ("client_id", "key_id", "key_path", "system_user_org", "base_url")

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes="connection-form")
        self.touched: set[str] = set()
        """Fields whose message is shown as they change (left once, or a save tried)."""
        self.loaded: ConnectionSettings | None = None
        """What was loaded: settings the form does not show (contact, externalRef) are kept."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(_("Environment"), classes="field-label")
            yield Select([(environment_word(e), e) for e in ENVIRONMENTS], value="sandbox", allow_blank=False,
                         compact=True, id="f-environment", classes="field-input")
        rows = (
            ("client_id", _("Maskinporten client id"), ""),
            ("key_id", _("Key id (kid)"), ""),
            ("key_path", _("Private key file"), _("/path/to/key.pem (chmod 600)")),
            ("system_user_org", _("System user org. no."), _("9 digits")),
            ("base_url", _("Sandbox URL"), SANDBOX_DEFAULT_URL),
        )
        for name, label, placeholder in rows:
            with Horizontal(classes="field-row", id=f"row-{name}"):
                yield Label(label, classes="field-label")
                yield Input(placeholder=placeholder, compact=True, id=f"f-{name}", classes="field-input",
                            select_on_focus=False)
            yield Label("", id=f"e-{name}", classes="field-error")

    def on_mount(self) -> None:
        self._show_sandbox_url()

    def load(self, settings: ConnectionSettings | None) -> None:
        self.touched.clear()
        self.loaded = settings
        if settings is not None:
            self.query_one("#f-environment", Select).value = settings.environment
            for name in self.FIELDS:
                self.query_one(f"#f-{name}", Input).value = getattr(settings, name) or ""
        for name in self.FIELDS:
            self._message(name, None)
        self._show_sandbox_url()

    @property
    def environment(self) -> str:
        value = self.query_one("#f-environment", Select).value
        return value if isinstance(value, str) else "sandbox"

    def value(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value.strip()

    def settings(self) -> ConnectionSettings:
        """What the form holds (not checked)."""
        sandbox = self.environment == "sandbox"
        shown = ConnectionSettings(self.environment, self.value("client_id"), self.value("key_id"),
                                   self.value("key_path"), self.value("system_user_org"),
                                   (self.value("base_url") or None) if sandbox else None)
        if self.loaded is None:
            return shown
        return replace(self.loaded, environment=shown.environment, client_id=shown.client_id,
                       key_id=shown.key_id, key_path=shown.key_path, system_user_org=shown.system_user_org,
                       base_url=shown.base_url)

    def problem(self, name: str) -> str | None:
        value = self.value(name)
        if name == "system_user_org":
            return org_number_message(value)
        if name == "base_url":
            if self.environment == "sandbox" and value and not value.startswith(("http://", "https://")):
                return _("A URL starts with http:// or https://.")
            return None
        return None if value else _("Required.")

    def check(self) -> bool:
        """Show every field's message; whether the form can be saved."""
        ok = True
        for name in self.FIELDS:
            self.touched.add(name)
            problem = self.problem(name)
            self._message(name, problem)
            ok = ok and problem is None
        return ok

    def show_error(self, name: str, message: str) -> None:
        self._message(name, message)

    def _message(self, name: str, message: str | None) -> None:
        label = self.query_one(f"#e-{name}", Label)
        label.update(message or "")
        label.display = bool(message)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "")[2:]
        if name in self.touched:
            self._message(name, self.problem(name))

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        name = (event.input.id or "")[2:]
        if name in self.FIELDS and event.value.strip():
            self.touched.add(name)
            self._message(name, self.problem(name))

    @on(Select.Changed)
    def _environment_changed(self, event: Select.Changed) -> None:
        self._show_sandbox_url()

    def _show_sandbox_url(self) -> None:
        sandbox = self.environment == "sandbox"
        self.query_one("#row-base_url").display = sandbox
        if not sandbox:
            self._message("base_url", None)


def _step_labels(steps: list[StepResult]) -> list[Static]:
    out = []
    for step in steps:
        mark = "✓" if step.ok else "✗"
        headline = "" if step.ok else (altinn_problem_word(step.code) or "")
        title = f"{mark} {altinn_step_word(step.step)}" + (f" — {headline}" if headline else "")
        out.append(Static(title, classes="step " + ("-ok" if step.ok else "-failed"), markup=False))
        out.append(Static(step.detail, classes="step-detail", markup=False))
    return out


# --- The screen ------------------------------------------------------------------------------


class SettingsScreen(Screen, LocalizedBindings):
    """The agency's Altinn connection, the clients' connections, and where byraa keeps things."""

    CSS_PATH = "settings.tcss"
    HELP_TITLE = N_("Settings")
    WORKER_ERROR_TITLE = N_("Could not read the settings")
    WORKER_ERROR_TITLES: ClassVar[dict[str, str]] = {"connection-test": N_("The connection test failed")}
    AUTO_FOCUS = "#settings-tabs ContentTabs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="settings.save", key_display="^S"),
        Binding("t", "test_connection", N_("Test connection"), id="settings.test_connection"),
        Binding("1", "tab('connection')", N_("Agency connection"), show=False, id="settings.tab_connection"),
        Binding("2", "tab('clients')", N_("Clients' connections"), show=False, id="settings.tab_clients"),
        Binding("3", "tab('about')", N_("Data and user"), show=False, id="settings.tab_about"),
        Binding("r", "reload", N_("Refresh"), id="settings.refresh", show=False),
        Binding("escape", "app.back", N_("Back"), id="settings.back", show=False),
    ]

    @dataclass
    class Loaded(Message):
        agency: ConnectionSettings | None
        clients: list[ClientConnectionRow]

    @dataclass
    class Saved(Message):
        settings: ConnectionSettings

    @dataclass
    class Refused(Message):
        reason: str
        code: str = ""

    @dataclass
    class Tested(Message):
        steps: list[StepResult]
        in_process_for: str | None

    def __init__(self) -> None:
        super().__init__()
        self.agency: ConnectionSettings | None = None
        self.clients: dict[str, ClientConnectionRow] = {}
        self.steps: list[StepResult] = []
        self.testing = False
        self.loaded = False

    @property
    def is_manager(self) -> bool:
        return bool(self.app.who and self.app.who.is_manager)

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="settings-tabs"):
            # The form's scroll is no tab stop: a key typed there went to the screen's bindings
            # (b opened the board) where the user expected the first field.
            with TabPane(_("1 Agency connection"), id="connection"), VerticalScroll(id="connection-scroll",
                                                                                    can_focus=False):
                yield Static(_("Only an agency manager can change the Altinn connection; you can test it."),
                             id="clerk-note", markup=False)
                yield ConnectionForm(id="agency-form")
                yield Static(_("byraa never stores the key: it keeps the path and reads the file when it "
                               "connects. The file must be readable by you only (chmod 600 key.pem)."),
                             id="key-note", markup=False)
                yield Label("", id="form-error", classes="field-error")
                with Horizontal(id="form-buttons"):
                    yield Button(_("Save"), id="save", variant="primary", compact=True)
                    yield Button(_("Test connection"), id="test", compact=True)
                    yield Label("", id="save-status")
                yield Vertical(id="test-steps")
            with TabPane(_("2 Clients"), id="clients"):
                yield Label(_("Enter: choose the agency's settings or the client's own."), id="clients-hint")
                yield MarkableTable(self._client_columns(), markable=False, show_sort_keys=False,
                                    fixed_columns=2, id="clients-table", empty_text=_("No clients."))
            with TabPane(_("3 Data and user"), id="about"), VerticalScroll(id="about-scroll"):
                yield Static(self._about(), id="about-text")
        yield KeyFooter()

    @staticmethod
    def _client_columns() -> list[Column]:
        return [
            Column("org_number", _("Org. no."), min_width=11, max_width=11),
            Column("name", _("Client"), max_width=26),
            Column("uses", _("Altinn settings"), max_width=18),
            Column("environment", _("Environment"), max_width=10),
            Column("client_id", _("Client id"), max_width=24),
            Column("system_user", _("System user"), max_width=11),
        ]

    def _about(self) -> Table:
        workspace = self.app.workspace
        who = self.app.who
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, style="bold")
        table.add_column(overflow="fold")
        language = {"nb": _("Norwegian bokmål (nb)"), "en": _("English (en)")}.get(
            workspace.settings.language, workspace.settings.language)
        rows = (
            (_("Config file"), str(workspace.settings.config_file or locations.config_file())),
            (_("Data folder"), str(locations.data_dir())),
            (_("Database"), workspace.store.display_url),
            (_("Inbox"), str(workspace.settings.inbox_folder)),
            (_("User"), f"{who.login} — {who.name} ({role(who.role)})" if who else ""),
            (_("Language"), language),
        )
        for label, value in rows:
            table.add_row(Text(label), Text(value))
            if label == _("Inbox"):  # where the clients' files go: the intake (I) reads it, the dashboard counts it
                table.add_row(Text(""), Text(_("The intake reads the inbox; set it in the config file (inbox = "
                                               "\"/path\") or with BYRAA_INBOX."), style="italic"))
        table.add_row(Text(""), Text(_("The language is set in the config file (language = \"nb\" or \"en\") "
                                       "or with BYRAA_LANG."), style="italic"))
        return table

    def on_mount(self) -> None:
        self.set_class(not self.is_manager, "-clerk")
        self.query_one("#save", Button).tooltip = None if self.is_manager else _("Only an agency manager")
        self._update_subtitle()
        self.query_one("#settings-tabs").loading = True
        self.load()

    def _update_subtitle(self) -> None:
        parts = [_("Settings")]
        if self.agency is not None:
            parts.append(_("Altinn: {environment}").format(environment=environment_word(self.agency.environment)))
        elif self.loaded:
            parts.append(_("Altinn not set up"))
        who = self.app.who
        if who is not None:
            parts.append(f"{who.login} ({role(who.role)})")
        self.sub_title = " · ".join(parts)

    # --- Loading ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings", description="settings")
    def load(self) -> None:
        store = self.app.workspace.store
        self.post_message(self.Loaded(connection.agency_connection(store), connection.client_connections(store)))

    def on_settings_screen_loaded(self, message: Loaded) -> None:
        first = not self.loaded
        self.loaded = True
        self.agency = message.agency
        self.query_one("#settings-tabs").loading = False
        if first:
            self.query_one("#agency-form", ConnectionForm).load(message.agency)
        self.clients = {str(row.client_id): row for row in message.clients}
        self.query_one("#clients-table", MarkableTable).set_rows(self._client_row(r) for r in message.clients)
        self._update_subtitle()
        self.refresh_bindings()

    def _client_row(self, row: ClientConnectionRow) -> Row:
        used = self.agency if row.uses_agency else row.own
        uses: str | Toned = _("agency's") if row.uses_agency else (
            _("own") if row.own is not None else Toned(_("own, not entered"), "error"))
        return Row(
            key=str(row.client_id),
            cells=(ids.format_org_number(row.org_number), row.name, uses,
                   environment_word(used.environment) if used else "", used.client_id if used else "",
                   ids.format_org_number(used.system_user_org) if used else ""),
            muted=row.uses_agency,
        )

    def worker_failed(self, worker: Worker) -> None:
        if worker.group == "connection-test":
            # The app has notified the error; the step list says the test did not finish.
            self.testing = False
            if isinstance(worker.error, UserError):
                step = StepResult("settings", False, worker.error.code, worker.error.params)
            else:  # a bug: the app wrote the traceback to the log; no details on screen
                step = StepResult("settings", False, "altinn.unexpected", {"reason": _("Unexpected error")})
            self.run_worker(self._show_steps([step], None), exit_on_error=False)

    # --- Tabs --------------------------------------------------------------------------

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = tab
        if tab == "clients":
            self.set_focus(self.query_one("#clients-table", MarkableTable))
        else:
            self.set_focus(tabs.query_one("ContentTabs"))

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        # Back with F2: start from the tabs, not the field left last time, so 1-3 switch
        # tabs (in a field they are digits) and nothing is typed by accident.
        if isinstance(self.focused, Input):
            self.set_focus(self.query_one(TabbedContent).query_one("ContentTabs"))

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            if self.active_tab != "connection":
                return False
            return (self.loaded and self.is_manager) or None
        if action == "test_connection":
            return not self.testing or None
        return True

    # --- Saving ------------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.save()

    def action_save(self) -> None:
        self.save()

    def save(self) -> None:
        """Check the form, then hand it to the core (which refuses a clerk, and audits)."""
        form = self.query_one("#agency-form", ConnectionForm)
        self._form_error("")
        if not form.check():
            self._form_error(_("Nothing saved: correct the fields marked above."))
            self.notify(_("Correct the fields marked in the form."), title=_("Not saved"), severity="warning")
            return
        self._save(form.settings())

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings-save", description="save settings")
    def _save(self, settings: ConnectionSettings) -> None:
        try:
            saved = connection.set_agency_connection(self.app.workspace.store, self.app.who, settings)
        except UserError as exc:
            self.post_message(self.Refused(str(exc), exc.code))
            return
        self.post_message(self.Saved(saved))

    def _form_error(self, text: str) -> None:
        label = self.query_one("#form-error", Label)
        label.update(text)
        label.display = bool(text)

    def on_settings_screen_refused(self, message: Refused) -> None:
        self._form_error(_("Not saved: {reason}").format(reason=message.reason))
        if message.code in KEY_FILE_CODES:
            self.query_one("#agency-form", ConnectionForm).show_error("key_path", message.reason)
        self.notify(message.reason, title=_("Not saved"), severity="error", timeout=10)

    def on_settings_screen_saved(self, message: Saved) -> None:
        self.agency = message.settings
        self._form_error("")
        self.query_one("#save-status", Label).update(_("Saved (recorded in the audit log)."))
        self.notify(_("The Altinn connection is saved; the change is in the audit log."), title=_("Saved"))
        self.load()

    # --- Testing -----------------------------------------------------------------------

    @on(Button.Pressed, "#test")
    def _test_pressed(self) -> None:
        self.action_test_connection()

    def action_test_connection(self) -> None:
        if self.testing:
            return
        if self.active_tab != "connection":
            self.action_tab("connection")
        self.testing = True
        steps = self.query_one("#test-steps", Vertical)
        steps.remove_children()
        steps.mount(Static(_("Testing the connection…"), classes="step", markup=False))
        self.refresh_bindings()
        self._test(self.query_one("#agency-form", ConnectionForm).settings())

    @work(exclusive=True, exit_on_error=False, group="connection-test", description="test connection")
    async def _test(self, settings: ConnectionSettings) -> None:
        steps, in_process_for = await connection.test_where_configured(self.app.workspace.store, settings)
        self.post_message(self.Tested(steps, in_process_for))

    async def on_settings_screen_tested(self, message: Tested) -> None:
        self.testing = False
        await self._show_steps(message.steps, message.in_process_for)

    async def _show_steps(self, steps: list[StepResult], in_process_for: str | None) -> None:
        self.steps = steps
        box = self.query_one("#test-steps", Vertical)
        await box.remove_children()
        widgets: list[Static] = []
        if in_process_for:
            widgets.append(Static(_("No sandbox answered at {url}; byraa ran one in-process for the test.").format(
                url=in_process_for), classes="step -note", markup=False))
        widgets += _step_labels(steps)
        if steps and all(s.ok for s in steps):
            widgets.append(Static(_("The connection works."), classes="step -ok -summary", markup=False))
        await box.mount_all(widgets)
        self.refresh_bindings()
        if steps:
            scroll = self.query_one("#connection-scroll", VerticalScroll)
            self.call_after_refresh(scroll.scroll_end, animate=False)

    # --- Clients -----------------------------------------------------------------------

    @on(MarkableTable.RowSelected, "#clients-table")
    def _client_selected(self, event: MarkableTable.RowSelected) -> None:
        self.edit_client(event.key)

    def edit_client(self, key: str) -> None:
        row = self.clients.get(key)
        if row is None:
            return

        def done(changed: bool | None) -> None:
            if changed:
                self.load()

        self.app.push_screen(ClientConnectionScreen(row, self.agency), done)

    def action_reload(self) -> None:
        self.load()

    def palette_commands(self) -> Iterator[PaletteCommand]:
        yield PaletteCommand(_("Settings: Agency connection"), "", lambda: self.action_tab("connection"))
        yield PaletteCommand(_("Settings: Clients' connections"), "", lambda: self.action_tab("clients"))
        yield PaletteCommand(_("Settings: Data and user"), _("Config file, data folder, database, user, language"),
                             lambda: self.action_tab("about"))
        if self.is_manager:
            yield PaletteCommand(_("Settings: Save the connection"), _("Audited"), self.save)
        yield PaletteCommand(_("Settings: Test connection"), _("Token, exchange and one harmless call"),
                             self.action_test_connection)
        key = self.query_one("#clients-table", MarkableTable).cursor_key
        if self.active_tab == "clients" and key in self.clients:
            yield PaletteCommand(_("Settings: Connection of {client}").format(client=self.clients[key].name),
                                 _("The agency's settings or its own"), lambda: self.edit_client(key))


class ClientConnectionScreen(Screen[bool], LocalizedBindings):
    """One client: the agency's Altinn settings, or its own (entered here)."""

    CSS_PATH = "settings.tcss"
    HELP_TITLE = N_("Client's connection")
    AUTO_FOCUS = "#client-choice"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="client_connection.save", key_display="^S"),
        Binding("escape", "cancel", N_("Back"), id="client_connection.back"),
    ]

    @dataclass
    class Saved(Message):
        pass

    @dataclass
    class Refused(Message):
        reason: str

    def __init__(self, row: ClientConnectionRow, agency: ConnectionSettings | None) -> None:
        super().__init__()
        self.row = row
        self.agency = agency

    @property
    def is_manager(self) -> bool:
        return bool(self.app.who and self.app.who.is_manager)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="client-connection", can_focus=False):
            yield Label(f"{ids.format_org_number(self.row.org_number)}  {self.row.name}", id="client-title",
                        markup=False)
            with RadioSet(id="client-choice"):
                yield RadioButton(_("Uses the agency's settings"), value=self.row.uses_agency, id="choice-agency")
                yield RadioButton(_("Own settings (entered below)"), value=not self.row.uses_agency,
                                  id="choice-own")
            yield ConnectionForm(id="client-form")
            yield Label("", id="client-error", classes="field-error")
            with Horizontal(id="client-buttons"):
                yield Button(_("Save"), id="client-save", variant="primary", compact=True)
                yield Button(_("Cancel"), id="client-cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = f"{_('Settings')} · {self.row.name}"
        self.query_one("#client-form", ConnectionForm).load(self.row.own or self.agency)
        self._show_form()

    @property
    def own(self) -> bool:
        return self.query_one("#choice-own", RadioButton).value

    @on(RadioSet.Changed)
    def _choice(self, event: RadioSet.Changed) -> None:
        self._show_form()

    def _show_form(self) -> None:
        self.query_one("#client-form", ConnectionForm).disabled = not self.own

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return self.is_manager or None
        return True

    @on(Button.Pressed, "#client-save")
    def action_save(self) -> None:
        form = self.query_one("#client-form", ConnectionForm)
        if self.own and not form.check():
            self._error(_("Nothing saved: correct the fields marked above."))
            return
        self._save(form.settings() if self.own else None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="client-connection-save",
          description="save a client's connection")
    def _save(self, settings: ConnectionSettings | None) -> None:
        try:
            connection.set_client_connection(self.app.workspace.store, self.app.who, self.row.org_number, settings)
        except UserError as exc:
            self.post_message(self.Refused(str(exc)))
            return
        self.post_message(self.Saved())

    def _error(self, text: str) -> None:
        label = self.query_one("#client-error", Label)
        label.update(text)
        label.display = bool(text)

    def on_client_connection_screen_refused(self, message: Refused) -> None:
        self._error(_("Not saved: {reason}").format(reason=message.reason))
        self.notify(message.reason, title=_("Not saved"), severity="error", timeout=10)

    def on_client_connection_screen_saved(self, message: Saved) -> None:
        self.notify(_("{client}: Altinn settings saved (recorded in the audit log).").format(client=self.row.name),
                    title=_("Saved"))
        self.dismiss(True)

    @on(Button.Pressed, "#client-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    def palette_commands(self) -> Iterator[PaletteCommand]:
        if self.is_manager:
            yield PaletteCommand(_("Client's connection: Save"), _("Audited"), self.action_save)
        yield PaletteCommand(_("Client's connection: Cancel"), "", self.action_cancel)
