"""Adding a client, or editing one's details (agency managers): org. number (new only),
name, pay day, bank accounts, contact fields.

The core checks every field (``core.clients.registry.add_client``,
``core.clients.details.clean_fields``), the same as ``byraa clients add``/``edit``: a
refusal names the field and the value, the dialog stays open with what was typed, and
nothing is stored. An empty field clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from byraa.core.base import contact, ids
from byraa.core.base.errors import UserError
from byraa.core.clients import details as core_details
from byraa.core.clients import registry as core_clients
from byraa.core.clients.details import ClientDetails
from byraa.core.words.i18n import _
from byraa.tui.widgets.bindings import N_, LocalizedBindings


def field_labels() -> dict[str, str]:
    return {
        "name": _("Name"),
        "pay_day": _("Pay day"),
        "bank_account": _("Bank account"),
        "tax_deduction_account": _("Tax deduction account"),
        "address": _("Address"),
        "postal_code": _("Postal code"),
        "city": _("City"),
        "phone": _("Phone"),
        "email": _("E-mail"),
    }


class ClientEditDialog(ModalScreen[bool], LocalizedBindings):
    """Dismisses with ``True`` once the change (or the new client) is stored, ``False`` on
    cancel. Without a client id it adds a new client."""

    HELP_TITLE = N_("Edit client")
    WORKER_ERROR_TITLE = N_("Could not change the client")
    DEFAULT_CSS = """
    ClientEditDialog {
        align: center middle;
        background: $background 60%;
        & > Vertical {
            width: 70; max-width: 100%; height: auto; max-height: 100%;
            padding: 0 1; border: round $primary; background: $surface;
        }
        & .dialog--title { text-style: bold; color: $text-primary; width: 1fr; padding: 0 0 1 0; }
        & .edit-row { height: 1; }
        & .edit-row Label { width: 24; }
        & .edit-row Input { width: 1fr; }
        & #edit-error { display: none; color: $text-error; width: 1fr; margin: 1 0 0 0; }
        & #edit-buttons { margin: 1 0 0 0; }
        & #edit-buttons { height: auto; align-horizontal: right; }
        & Button { margin: 0 0 0 1; min-width: 10; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="client_edit.cancel"),
        Binding("ctrl+s", "save", N_("Save"), id="client_edit.save"),
    ]

    @dataclass
    class Read(Message):
        details: ClientDetails

    @dataclass
    class Refused(Message):
        text: str

    def __init__(self, client_id: int | None = None) -> None:
        super().__init__()
        self.client_id = client_id
        self.details: ClientDetails | None = None

    @property
    def is_new(self) -> bool:
        return self.client_id is None

    def compose(self) -> ComposeResult:
        labels = field_labels()
        if self.is_new:
            labels = {"org_number": _("Org. no."), **labels}
        with Vertical():
            yield Label(_("New client") if self.is_new else _("Edit client"), id="edit-title",
                        classes="dialog--title", markup=False)
            for key, label in labels.items():
                with Horizontal(classes="edit-row"):
                    yield Label(label, markup=False)
                    # Not selected on focus: the fields hold what is stored, and a stray key
                    # would replace the client's name rather than add to it.
                    # A new client's pay day shows the default (20) as a placeholder, so a
                    # typed day replaces it rather than adding to it.
                    default = str(core_clients.DEFAULT_PAY_DAY) if self.is_new and key == "pay_day" else ""
                    yield Input(id=f"edit-{key}", compact=True, disabled=not self.is_new, select_on_focus=False,
                                placeholder=default)
            yield Label("", id="edit-error", markup=False)
            with Horizontal(id="edit-buttons"):
                yield Button(_("Cancel"), id="edit-cancel")
                yield Button(_("Save"), id="edit-save", variant="primary", disabled=True)

    def on_mount(self) -> None:
        if self.is_new:
            self.query_one("#edit-save", Button).disabled = False
            self.query_one("#edit-org_number", Input).focus()
            return
        self.read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="client-edit", description="client details")
    def read(self) -> None:
        self.post_message(self.Read(core_details.get(self.app.workspace.store, self.app.who,
                                                     client_id=self.client_id)))

    def on_client_edit_dialog_read(self, message: Read) -> None:
        d = self.details = message.details
        self.query_one("#edit-title", Label).update(_("Edit client {org} {name}").format(org=ids.format_org_number(d.org_number),
                                                                                          name=d.name))
        values = {"name": d.name, "pay_day": str(d.pay_day), **{f: getattr(d, f) or "" for f in core_details.FIELDS}}
        for key in ("bank_account", "tax_deduction_account"):
            if values[key]:
                values[key] = contact.format_account(values[key])
        for key, value in values.items():
            field = self.query_one(f"#edit-{key}", Input)
            field.value = value
            field.disabled = False
        self.query_one("#edit-save", Button).disabled = False
        self.query_one("#edit-name", Input).focus()

    def _value(self, key: str) -> str:
        return self.query_one(f"#edit-{key}", Input).value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#edit-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#edit-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_save(self) -> None:
        if self.details is None and not self.is_new:
            return
        pay_day = self._value("pay_day").strip() or (str(core_clients.DEFAULT_PAY_DAY) if self.is_new else "")
        if not pay_day.isdigit():
            self._show_error(_("Pay day: a day of the month, 1–31 (31 = the last day)."))
            return
        values = {f: self._value(f) for f in core_details.FIELDS}
        # For a new client an empty field is no value yet, not a value to clear.
        fields: dict[str, str | None] = {f: v for f, v in values.items() if v.strip() or not self.is_new}
        self.save(self._value("name"), int(pay_day), fields, self._value("org_number") if self.is_new else None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="client-edit-save", description="save client")
    def save(self, name: str, pay_day: int, fields: dict[str, str | None], org_number: str | None) -> None:
        """Store what the form held when saved (read on the UI thread: ``org_number`` only for a new client)."""
        store, who = self.app.workspace.store, self.app.who
        try:
            if org_number is not None:
                row = core_clients.add_client(store, who, org_number, name, pay_day=pay_day, fields=fields)
                self.app.call_from_thread(
                    self.notify, _("Added client {org} {name}.").format(org=ids.format_org_number(row.org_number),
                                                                        name=row.name), title=_("Clients"))
            else:
                core_details.update(store, who, client_id=self.client_id, name=name, pay_day=pay_day,
                                    fields=fields)
        except UserError as exc:
            self.post_message(self.Refused(str(exc)))
            return
        self.app.call_from_thread(self.dismiss, True)

    def on_client_edit_dialog_refused(self, message: Refused) -> None:
        self._show_error(message.text)

    def _show_error(self, text: str) -> None:
        error = self.query_one("#edit-error", Label)
        error.update(text)
        error.display = True
