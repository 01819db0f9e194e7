"""A staff user's extract rights (opened with ``e`` on the access screen's staff tab).

The rights are intervals of accounts, departments or pay types per user, and two agency
switches that turn the account and department checks on (``core.posting.extract_rights``).
Only an agency manager gets here; the core refuses anyone else too and audits every
change. ``+`` adds an interval in a dialog that shows the core's refusal (overlap, same
from, reversed) and stays open; ``-`` removes the marked intervals (else the cursor's)
after a confirm; ``K`` and ``D`` turn the switches on and off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Label, RadioButton, RadioSet

from byraa.core.base.errors import UserError
from byraa.core.posting import extract_rights as core_rights
from byraa.core.posting.extract_rights import Control, Right
from byraa.core.store.models_posting import EXTRACT_KINDS
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.core.words.posting import extract_kind
from byraa.tui.widgets.bindings import N_, LocalizedBindings, key_shown
from byraa.tui.widgets.change_worker import ChangesInWorker
from byraa.tui.widgets.dialogs import ConfirmDialog
from byraa.tui.widgets.filter_bar import FilterBar
from byraa.tui.widgets.key_footer import KeyFooter
from byraa.tui.widgets.list_screen import ListScreen, filter_binding
from byraa.tui.widgets.markable_table import Column, MarkableTable, Row


def _switch(on: bool) -> str:
    return _("on") if on else _("off")


class AddRightDialog(ModalScreen[bool], LocalizedBindings):
    """Kind, from and to; stores through the core and shows a refusal here, open.

    Dismisses with ``True`` once the interval is stored, ``False`` on cancel.
    """

    HELP_TITLE = N_("New extract interval")
    WORKER_ERROR_TITLE = N_("Could not add the interval")
    DEFAULT_CSS = """
    AddRightDialog {
        align: center middle;
        background: $background 60%;
        & > Vertical {
            width: 64; max-width: 100%; height: auto; max-height: 90%;
            padding: 0 1; border: round $primary; background: $surface;
        }
        & .dialog--title { text-style: bold; color: $text-primary; width: 1fr; padding: 0 0 1 0; }
        & .dialog--hint { width: 1fr; color: $text-muted; }
        & RadioSet { layout: horizontal; width: 1fr; margin: 0 0 1 0; }
        & .right-row { height: 1; margin: 0 0 1 0; }
        & .right-row Label { width: 6; }
        & .right-row Input { width: 1fr; }
        & #right-error { display: none; color: $text-error; width: 1fr; margin: 0 0 1 0; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
        Binding("ctrl+s", "submit", N_("Add"), id="dialog.submit", key_display="^s"),
    ]

    @dataclass
    class Refused(Message):
        text: str

    def __init__(self, login: str) -> None:
        super().__init__()
        self.login = login

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("New extract interval for {login}").format(login=self.login), classes="dialog--title",
                        markup=False)
            with RadioSet(id="right-kind"):
                for n, kind in enumerate(EXTRACT_KINDS):
                    yield RadioButton(extract_kind(kind), value=n == 0, id=f"kind-{kind}")
            with Horizontal(classes="right-row"):
                yield Label(_("From"))
                yield Input(id="right-low", max_length=20, compact=True)
            with Horizontal(classes="right-row"):
                yield Label(_("To"))
                yield Input(id="right-high", max_length=20, compact=True)
            yield Label("", id="right-error", markup=False)
            yield Label(_("Enter on To or ^s adds · Esc cancels"), classes="dialog--hint")

    def on_mount(self) -> None:
        self.query_one("#right-low", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "right-low":
            self.query_one("#right-high", Input).focus()
        else:
            self.action_submit()

    @property
    def kind(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return (pressed.id or "").removeprefix("kind-") if pressed is not None else EXTRACT_KINDS[0]

    def action_submit(self) -> None:
        low = self.query_one("#right-low", Input).value.strip()
        high = self.query_one("#right-high", Input).value.strip()
        for key, value in (("low", low), ("high", high)):
            if not value:
                self.query_one(f"#right-{key}", Input).focus()
                return
        self.save(self.kind, low, high)

    @work(thread=True, exclusive=True, exit_on_error=False, group="extract-right-add", description="add interval")
    def save(self, kind: str, low: str, high: str) -> None:
        try:
            core_rights.add_right(self.app.workspace.store, self.app.who, self.login, kind, low, high)
        except UserError as exc:
            self.post_message(self.Refused(str(exc)))
            return
        self.app.call_from_thread(self.dismiss, True)

    def on_add_right_dialog_refused(self, message: Refused) -> None:
        error = self.query_one("#right-error", Label)
        error.update(message.text)
        error.display = True

    def action_cancel(self) -> None:
        self.dismiss(False)


class ExtractRightsScreen(ChangesInWorker, ListScreen, Screen, LocalizedBindings):
    """One staff user's intervals and the agency's two switches."""

    HELP_TITLE = N_("Extract rights")
    WORKER_ERROR_TITLE = N_("Could not read the extract rights")
    AUTO_FOCUS = "#rights-table"
    DEFAULT_CSS = """
    ExtractRightsScreen {
        & #rights-head { width: 1fr; padding: 0 1; }
        & #rights-switches { width: 1fr; padding: 0 1 1 1; color: $text-muted; }
        & #rights-table { height: 1fr; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        filter_binding("extract_rights"),
        Binding("plus", "add", N_("Add interval"), id="extract_rights.add", key_display="+"),
        Binding("minus", "remove", N_("Remove interval"), id="extract_rights.remove", key_display="-"),
        Binding("K", "toggle('account')", N_("Account control"), id="extract_rights.account_control"),
        Binding("D", "toggle('department')", N_("Department control"), id="extract_rights.department_control"),
        Binding("r", "reload", N_("Refresh"), id="extract_rights.refresh", show=False),
    ]

    @dataclass
    class Loaded(Message):
        rights: list[Right]
        switches: Control

    def __init__(self, login: str, name: str = "") -> None:
        super().__init__()
        self.login = login
        self.name_shown = name
        self.rights: dict[str, Right] = {}
        self.switches: Control | None = None
        self.filter_text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(_("Extract rights of {name} ({login})").format(name=self.name_shown or self.login,
                                                                   login=self.login), id="rights-head", markup=False)
        yield Label("", id="rights-switches", markup=False)
        yield FilterBar(_("words to look for: kind, from, to"), id="filter")
        yield MarkableTable(
            [Column("kind", _("Kind"), max_width=12), Column("low", _("From"), max_width=20),
             Column("high", _("To"), max_width=20)],
            markable=True, openable=False, show_sort_keys=False, id="rights-table",
            empty_text=_("No intervals yet. {key} adds one.").format(key=key_shown(self, "extract_rights.add")))
        yield KeyFooter()

    def on_mount(self) -> None:
        # The header is drawn before the first read answers: it needs the column widths.
        self.list_table.set_rows([])
        self.list_table.loading = True
        self._update_subtitle()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="extract-rights", description="extract rights")
    def load(self) -> None:
        store, who = self.app.workspace.store, self.app.who
        self.post_message(self.Loaded(core_rights.rights(store, who, self.login), core_rights.control(store)))

    def on_extract_rights_screen_loaded(self, message: Loaded) -> None:
        self.rights = {str(r.id): r for r in message.rights}
        self.switches = c = message.switches
        self.query_one("#rights-switches", Label).update(
            _("Agency checks: account control {account} (K) · department control {department} (D)").format(
                account=_switch(c.account_control), department=_switch(c.department_control)))
        table = self.list_table
        table.marked.clear()
        table.set_rows(
            Row(key=str(r.id), cells=(extract_kind(r.kind), r.low, r.high),
                sort_keys=(EXTRACT_KINDS.index(r.kind), core_rights.sort_key(r.low), core_rights.sort_key(r.high)))
            for r in message.rights)
        table.loading = False
        self._apply_filter()
        self.refresh_bindings()

    def subtitle_parts(self) -> list[str]:
        return [_("Extract rights"), self.login, self.shown_of_total()]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not isinstance(self.focused, Input)
        if action == "remove":
            return bool(self._chosen()) or None
        return True

    def _chosen(self) -> list[Right]:
        table = self.list_table
        keys = sorted(table.marked) if table.marked else ([table.cursor_key] if table.cursor_key else [])
        return [self.rights[k] for k in keys if k in self.rights]

    # --- Changes -------------------------------------------------------------------------

    def action_add(self) -> None:
        def added(stored: bool | None) -> None:
            if stored:
                self.notify(_("Interval added for {login}.").format(login=self.login), title=_("Extract rights"))
                self.load()

        self.app.push_screen(AddRightDialog(self.login), added)

    def action_remove(self) -> None:
        chosen = self._chosen()
        if not chosen:
            return
        what = ", ".join(f"{extract_kind(r.kind)} {r.low}–{r.high}" for r in chosen)

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_change(lambda: [core_rights.remove_right(self._store, self.app.who, r.id) for r in chosen],
                             _("{count} interval(s) removed.").format(count=fmt.count(len(chosen))))

        self.app.push_screen(ConfirmDialog(_("Remove interval"), _("Remove {what} from {login}?").format(
            what=what, login=self.login), yes=_("Remove"), dangerous=True), answered)

    def action_toggle(self, which: str) -> None:
        if self.switches is None:
            return
        if which == "account":
            on = not self.switches.account_control
            change: Callable[[], object] = lambda: core_rights.set_control(  # noqa: E731
                self._store, self.app.who, account_control=on)
            done = _("Account control is {state}.").format(state=_switch(on))
        else:
            on = not self.switches.department_control
            change = lambda: core_rights.set_control(self._store, self.app.who, department_control=on)  # noqa: E731
            done = _("Department control is {state}.").format(state=_switch(on))
        self.run_change(change, done)

    def action_reload(self) -> None:
        self.load()

    @property
    def _store(self):  # noqa: ANN202
        return self.app.workspace.store

    def change_title(self) -> str:
        return _("Extract rights")

    @on(MarkableTable.MarksChanged)
    def _marks_changed(self) -> None:
        self.refresh_bindings()
