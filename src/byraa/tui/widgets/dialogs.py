"""Small modal dialogs shared by the screens: confirm, one line of text, pick one of a list.

Each is a ``ModalScreen[T]`` that ``dismiss()``es with its answer (``None`` on escape),
so a screen calls ``self.app.push_screen(dialog, callback)`` and acts in the callback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from byraa.core.words.i18n import _
from byraa.tui.widgets.bindings import N_, LocalizedBindings

_CSS = """
{cls} {{
    align: center middle;
    background: $background 60%;
    & > Vertical {{
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        padding: 0 1;
        border: round $primary;
        background: $surface;
    }}
    & .dialog--title {{ text-style: bold; color: $text-primary; width: 1fr; padding: 0 0 1 0; }}
    & .dialog--text {{ width: 1fr; color: $text; padding: 0 0 1 0; }}
    & .dialog--hint {{ width: 1fr; color: $text-muted; }}
    & Horizontal > .dialog--hint {{ height: 3; content-align: left middle; }}
    & Horizontal {{ height: auto; align-horizontal: right; }}
    & Button {{ margin: 0 0 0 1; min-width: 10; }}
    & Input {{ margin: 0 0 1 0; }}
    & OptionList {{ height: auto; max-height: 14; margin: 0 0 1 0; }}
}}
"""


class ConfirmDialog(ModalScreen[bool], LocalizedBindings):
    """The one yes/no question of the app: ``y``/``j`` confirm, ``n``/Esc cancel.

    Enter presses the focused button. The focus starts on the safe choice (cancel)
    when ``dangerous`` (the action deletes, overwrites or sends something), so a
    hasty Enter does nothing; otherwise it starts on confirm.
    """

    HELP_TITLE = N_("Confirm")
    DEFAULT_CSS = _CSS.format(cls="ConfirmDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,j", "answer(True)", N_("Yes"), id="dialog.yes", key_display="y"),
        Binding("n,escape", "answer(False)", N_("No"), id="dialog.no", key_display="n/Esc"),
    ]

    def __init__(self, title: str, text: str = "", *, yes: str | None = None, no: str | None = None,
                 dangerous: bool = False) -> None:
        super().__init__()
        self._title = title
        self._text = text
        self._yes = yes or _("Yes")
        self._no = no or _("No")
        self.dangerous = dangerous

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="dialog--title", markup=False)
            if self._text:
                yield Static(self._text, classes="dialog--text", markup=False)
            with Horizontal():
                yield Label(_("y confirms · n/Esc cancels"), classes="dialog--hint")
                yield Button(self._no, id="no")
                yield Button(self._yes, id="yes", variant="error" if self.dangerous else "primary")

    def on_mount(self) -> None:
        self.query_one("#no" if self.dangerous else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class TextDialog(ModalScreen[str | None], LocalizedBindings):
    """One line of text (a name, a path); Enter accepts, Esc cancels."""

    HELP_TITLE = N_("Dialog")
    DEFAULT_CSS = _CSS.format(cls="TextDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
    ]

    def __init__(self, title: str, label: str, value: str = "", *, placeholder: str = "", hint: str = "",
                 select: bool = False) -> None:
        """``select``: the value is a suggestion (a path) that the first key typed replaces."""
        super().__init__()
        self._select = select
        self._title = title
        self._label = label
        self._value = value
        self._placeholder = placeholder
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="dialog--title", markup=False)
            yield Label(self._label, classes="dialog--hint", markup=False)
            yield Input(self._value, placeholder=self._placeholder, id="dialog-input", select_on_focus=False)
            if self._hint:
                yield Static(self._hint, classes="dialog--hint", markup=False)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_position = len(field.value)
        field.focus()
        if self._select:
            field.select_all()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceDialog(ModalScreen[str | None], LocalizedBindings):
    """Pick one of a list (``j``/``k`` or arrows, Enter); dismisses with the choice's id."""

    HELP_TITLE = N_("Dialog")
    DEFAULT_CSS = _CSS.format(cls="ChoiceDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
        Binding("j", "move(1)", N_("Down"), show=False, id="dialog.down"),
        Binding("k", "move(-1)", N_("Up"), show=False, id="dialog.up"),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], *, text: str = "") -> None:
        super().__init__()
        self._title = title
        self._choices = list(choices)
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="dialog--title", markup=False)
            if self._text:
                yield Static(self._text, classes="dialog--text", markup=False)
            yield OptionList(*(Option(label, id=key) for key, label in self._choices), id="dialog-choices")
            yield Label(_("Enter chooses · Esc cancels"), classes="dialog--hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if options.option_count:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextViewer(ModalScreen[None], LocalizedBindings):
    """A read-only text (a pretty-printed document), scrollable; Esc closes."""

    HELP_TITLE = N_("Document")
    DEFAULT_CSS = """
    TextViewer {
        align: center middle;
        background: $background 60%;
        & > Vertical { width: 100%; height: 100%; border: round $primary; background: $surface; padding: 0 1; }
        & .dialog--title { text-style: bold; color: $text-primary; width: 1fr; }
        & VerticalScroll { height: 1fr; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", N_("Close"), id="viewer.close", key_display="Esc"),
        Binding("j,down", "scroll(1)", N_("Down"), show=False, id="viewer.down"),
        Binding("k,up", "scroll(-1)", N_("Up"), show=False, id="viewer.up"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self._title = title
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="dialog--title", markup=False)
            with VerticalScroll(id="viewer-scroll"):
                yield Static(self._text, markup=False)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_scroll(self, step: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=step, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
