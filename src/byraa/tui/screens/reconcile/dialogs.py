"""The reconciliation's modal dialogs (the yes/no question is the shared
``byraa.tui.widgets.dialogs.ConfirmDialog``): explanation editor, sign-off, A07 export, bulk start.

Each is a ``ModalScreen[T]`` that ``dismiss``es with its answer (``None`` on escape); the
screen that opened it calls the core. Every dialog works from the keyboard alone:
``tab`` moves between the fields and the buttons, ``enter`` on a button presses it,
``escape`` cancels.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static, TextArea

from byraa.core.base import clock, periods
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.tui.widgets.bindings import N_, LocalizedBindings


class _Dialog(ModalScreen, LocalizedBindings):
    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExplainDialog(_Dialog):
    """The explanation of one or more differences; dismisses the text (``None``: cancelled)."""

    HELP_TITLE = N_("Explanation")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f3,ctrl+s", "save", N_("Save"), id="explain.save", key_display="F3"),
    ]

    def __init__(self, what: str, text: str = "") -> None:
        super().__init__()
        self.what = what
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(_("Explain the difference"), classes="title")
            yield Static(self.what, classes="what", markup=False)
            yield TextArea(self.text, id="explanation", tab_behavior="focus", soft_wrap=True, show_line_numbers=False)
            yield Static(_("F3 saves · tab to the buttons · Esc cancels"), classes="hint")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="save", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if not text:
            self.notify(_("Write what explains the difference first."), title=_("No text"), severity="warning")
            return
        self.dismiss(text)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


def parse_day(text: str) -> date | None:
    """``31.12.2026`` (or ISO) -> a date; ``None`` if it is not one."""
    text = text.strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_month(text: str) -> str | None:
    """``10.2026`` (or ``2026-10``) -> ``2026-10``; ``None`` if it is not a month."""
    text = text.strip()
    candidates = [text]
    if len(text.split(".")) == 2:
        mm, yyyy = text.split(".")
        candidates.insert(0, f"{yyyy}-{mm.zfill(2)}")
    for candidate in candidates:
        try:
            return periods.parse_period(candidate)
        except Exception:  # noqa: BLE001  (any parse failure means: not a month)
            continue
    return None


class SignOffDialog(_Dialog):
    """Date, status code; dismisses ``(date, status)``."""

    HELP_TITLE = N_("Sign off")

    def __init__(self, what: str, *, differences: int, client_open: int = 0) -> None:
        super().__init__()
        self.what = what
        self.differences = differences
        self.client_open = client_open
        """Differences the client follows up, open: only "client follows up" signs them."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Sign off the reconciliation"), classes="title")
            yield Static(self.what, classes="what", markup=False)
            with Horizontal(classes="field"):
                yield Label(_("Date"))
                yield Input(fmt.day(clock.today()), id="sign-date", compact=True)
            with RadioSet(id="sign-status"):
                yield RadioButton(_("OK"), id="ok", value=not self.differences, disabled=bool(self.differences))
                yield RadioButton(_("difference explained"), id="explained",
                                  value=bool(self.differences) and not self.client_open,
                                  disabled=bool(self.client_open))
                yield RadioButton(_("client follows up"), id="client_follows_up", value=bool(self.client_open))
            if self.differences:
                yield Static(_("OK is for a run without differences; this one has {n}.").format(n=self.differences),
                             classes="hint")
            with Horizontal(classes="buttons"):
                yield Button(_("Sign off"), variant="primary", id="sign", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#sign-status", RadioSet).focus()

    def _answer(self) -> None:
        day = parse_day(self.query_one("#sign-date", Input).value)
        if day is None:
            self.notify(_("Write the date as 31.12.2026."), title=_("Not a date"), severity="error")
            self.query_one("#sign-date", Input).focus()
            return
        pressed = self.query_one("#sign-status", RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            self.notify(_("Choose a status."), title=_("No status"), severity="warning")
            return
        self.dismiss((day, pressed.id))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._answer()

    @on(Button.Pressed, "#sign")
    def _sign(self) -> None:
        self._answer()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class ExportDialog(_Dialog):
    """Where to write the A07 (.ods or .xlsx); dismisses the path text."""

    HELP_TITLE = N_("A07 export")

    def __init__(self, default_path: str) -> None:
        super().__init__()
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(_("Export the A07"), classes="title")
            yield Static(_("A file ending in .ods (LibreOffice) or .xlsx (Excel)."), classes="what")
            yield Input(self.default_path, id="export-path", compact=True)
            with Horizontal(classes="buttons"):
                yield Button(_("Export"), variant="primary", id="export", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.focus()
        field.select_all()  # the suggestion: the first key typed replaces it

    def _answer(self) -> None:
        path = self.query_one(Input).value.strip()
        if not path.lower().endswith((".ods", ".xlsx")):
            self.notify(_("The file name must end in .ods or .xlsx."), title=_("Not a spreadsheet"),
                        severity="error")
            return
        self.dismiss(path)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._answer()

    @on(Button.Pressed, "#export")
    def _export(self) -> None:
        self._answer()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class BulkDialog(_Dialog):
    """Month, matching method, whether to fetch the A07 first and whether to run signed months
    again, for "reconcile marked clients"; dismisses ``(period, method, fetch_a07, include_signed)``."""

    HELP_TITLE = N_("Reconcile clients")

    def __init__(self, clients: int, period: str) -> None:
        super().__init__()
        self.clients = clients
        self.period = period

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Reconcile {n} client(s)").format(n=self.clients), classes="title")
            with Horizontal(classes="field"):
                yield Label(_("Month"))
                yield Input(fmt.month_column(self.period), id="bulk-month", compact=True)
            with RadioSet(id="bulk-method"):
                yield RadioButton(_("standard matching"), id="standard", value=True)
                yield RadioButton(_("simple matching (national id)"), id="simple")
            yield Checkbox(_("Fetch the A07 from a-ordningen first"), id="bulk-fetch-a07", compact=True)
            yield Checkbox(_("Signed months too (a new version, to be signed again)"), id="bulk-include-signed",
                           compact=True)
            with Horizontal(classes="buttons"):
                yield Button(_("Start"), variant="primary", id="start", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#bulk-month", Input).focus()

    def _answer(self) -> None:
        period = parse_month(self.query_one("#bulk-month", Input).value)
        if period is None:
            self.notify(_("Write the month as 10.2026."), title=_("Not a month"), severity="error")
            return
        pressed = self.query_one("#bulk-method", RadioSet).pressed_button
        self.dismiss((period, pressed.id if pressed is not None and pressed.id else "standard",
                      self.query_one("#bulk-fetch-a07", Checkbox).value,
                      self.query_one("#bulk-include-signed", Checkbox).value))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._answer()

    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        self._answer()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
