"""The access screen's form: a new staff user (login, name, role).

The dialog only asks; the core checks the login and the name and refuses a duplicate,
and the screen shows a refusal as a notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet

from byraa.core.words.i18n import _
from byraa.tui.widgets.bindings import N_, LocalizedBindings


@dataclass(frozen=True)
class NewStaff:
    login: str
    name: str
    role: str


class AddStaffDialog(ModalScreen[NewStaff | None], LocalizedBindings):
    """Login, name and role; Enter moves on and on the last field adds, Esc cancels."""

    HELP_TITLE = N_("New staff user")
    DEFAULT_CSS = """
    AddStaffDialog {
        align: center middle;
        background: $background 60%;
        & > Vertical {
            width: 64; max-width: 100%; height: auto; max-height: 90%;
            padding: 0 1; border: round $primary; background: $surface;
        }
        & .dialog--title { text-style: bold; color: $text-primary; width: 1fr; padding: 0 0 1 0; }
        & .dialog--hint { width: 1fr; color: $text-muted; }
        & Input { margin: 0 0 1 0; }
        & RadioSet { layout: horizontal; width: 1fr; margin: 0 0 1 0; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
        Binding("ctrl+s", "submit", N_("Add"), id="dialog.submit", key_display="^s"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("New staff user"), classes="dialog--title")
            yield Label(_("Login (the person's user name on this machine)"), classes="dialog--hint")
            yield Input(id="staff-login", placeholder="kari.nordmann", max_length=64)
            yield Label(_("Full name"), classes="dialog--hint")
            yield Input(id="staff-name", max_length=200)
            with RadioSet(id="staff-role"):
                yield RadioButton(_("payroll clerk"), value=True, id="role-clerk")
                yield RadioButton(_("agency manager"), id="role-manager")
            yield Label(_("Tab moves · Enter on the name or ^s adds · Esc cancels"), classes="dialog--hint")

    def on_mount(self) -> None:
        self.query_one("#staff-login", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "staff-login":
            self.query_one("#staff-name", Input).focus()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        login = self.query_one("#staff-login", Input).value.strip()
        name = self.query_one("#staff-name", Input).value.strip()
        if not login:
            self.query_one("#staff-login", Input).focus()
            return
        if not name:
            self.query_one("#staff-name", Input).focus()
            return
        pressed = self.query_one(RadioSet).pressed_button
        role = "manager" if pressed is not None and pressed.id == "role-manager" else "clerk"
        self.dismiss(NewStaff(login, name, role))

    def action_cancel(self) -> None:
        self.dismiss(None)
