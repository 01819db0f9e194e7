"""The ``/`` filter line (k9s): typing filters live, Enter applies, Esc clears, Esc again leaves."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label

from byraa.core.words.i18n import _
from byraa.tui.widgets.bindings import N_, LocalizedBindings


class FilterBar(Horizontal, LocalizedBindings):
    """A one-line filter input that posts its text as it changes."""

    HELP_TITLE = N_("Filter")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_or_leave", N_("Clear filter / leave"), id="filter.escape"),
    ]

    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        background: $panel;
        display: none;
        &.-open { display: block; }
        & > Label { width: auto; padding: 0 1; color: $text-accent; text-style: bold; }
        & > Input { width: 1fr; border: none; height: 1; padding: 0; background: $panel; }
        & > Input:focus { background: $boost; }
    }
    """

    class Changed(Message):
        """The filter text changed (every keystroke)."""

        def __init__(self, bar: FilterBar, value: str) -> None:
            super().__init__()
            self.bar = bar
            self.value = value

        @property
        def control(self) -> FilterBar:
            return self.bar

    class Left(Message):
        """The user left the filter line (Enter, or Esc on an empty filter)."""

        def __init__(self, bar: FilterBar) -> None:
            super().__init__()
            self.bar = bar

        @property
        def control(self) -> FilterBar:
            return self.bar

    def __init__(self, placeholder: str = "", *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Label("/")
        yield Input(placeholder=self._placeholder or _("words to look for in any column"), compact=True,
                    select_on_focus=False)

    @property
    def value(self) -> str:
        return self.query_one(Input).value

    @value.setter
    def value(self, text: str) -> None:
        self.query_one(Input).value = text
        self.set_class(bool(text), "-open")

    def open(self) -> None:
        """Show the bar and put the cursor in it, at once: ``Widget.focus`` would wait
        for the message queue, and the keys typed right after ``/`` would go elsewhere."""
        self.add_class("-open")
        self.screen.set_focus(self.query_one(Input))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._leave()

    def action_clear_or_leave(self) -> None:
        field = self.query_one(Input)
        if field.value:
            field.value = ""
        else:
            self._leave()

    def _leave(self) -> None:
        self.set_class(bool(self.value), "-open")
        self.post_message(self.Left(self))


class FilteredScreen:
    """Mixin for a screen with a ``FilterBar`` over its table(s) (mix in before ``Screen``).

    ``/`` (``action_filter``) opens the bar; every keystroke sets ``filter_text`` and calls
    the screen's ``_apply_filter()``, which shows what matches; leaving the bar returns
    to ``_filter_target()`` (the screen's ``MarkableTable`` unless it says otherwise).
    """

    filter_text: str = ""

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()  # type: ignore[attr-defined]

    def on_filter_bar_changed(self, event: FilterBar.Changed) -> None:
        self.filter_text = event.value
        self._apply_filter()

    def on_filter_bar_left(self, event: FilterBar.Left) -> None:
        # At once, so a key typed right after Enter/Esc already goes to the table.
        self.set_focus(self._filter_target())  # type: ignore[attr-defined]

    def _filter_target(self) -> Any:
        from byraa.tui.widgets.markable_table import MarkableTable

        return self.query_one(MarkableTable)  # type: ignore[attr-defined]

    def _apply_filter(self) -> None:
        raise NotImplementedError
