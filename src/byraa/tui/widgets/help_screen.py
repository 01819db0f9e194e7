"""``?`` / F1: the keys that work right now, generated from the active bindings (k9s)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from byraa.core.words.i18n import _
from byraa.tui.widgets.bindings import N_, LocalizedBindings, dimmed_reason


@dataclass(frozen=True)
class HelpLine:
    keys: str
    description: str
    enabled: bool = True


@dataclass(frozen=True)
class HelpSection:
    title: str
    lines: tuple[HelpLine, ...]


def _section_title(node: DOMNode, screen: Screen) -> str:
    if node is screen.app:
        return _("Everywhere")
    title = getattr(node, "HELP_TITLE", None)
    if title:
        return _(title)
    return _("This screen") if node is screen else type(node).__name__


def sections_from(screen: Screen) -> list[HelpSection]:
    """The screen's active bindings grouped by where they live: widget, screen, app.

    Only bindings with an ``id`` are byraa's own (Textual's built-in editing and focus
    keys have none); they are listed whether or not the footer shows them.
    """
    app = screen.app
    active: Iterable[ActiveBinding] = screen.active_bindings.values()
    by_node: dict[int, tuple[DOMNode, dict[str, list[tuple[Binding, bool]]]]] = {}
    for node, binding, enabled, _tooltip in active:
        if not binding.id or not binding.description:
            continue
        _node, actions = by_node.setdefault(id(node), (node, {}))
        actions.setdefault(binding.action, []).append((binding, enabled))
    ordered = sorted(by_node.values(), key=lambda item: 2 if item[0] is app else 1 if item[0] is screen else 0)
    sections = []
    for node, actions in ordered:
        lines = []
        for bindings in actions.values():
            keys = " ".join(dict.fromkeys(app.get_key_display(b) for b, _ in bindings))
            first = bindings[0][0]
            enabled = all(e for _, e in bindings)
            description = first.tooltip or first.description
            if not enabled and (reason := dimmed_reason(node, first.action)):
                description = f"{description} — {reason}"
            lines.append(HelpLine(keys, description, enabled))
        sections.append(HelpSection(_section_title(node, screen), tuple(lines)))
    return sections


class HelpScreen(ModalScreen[None], LocalizedBindings):
    """A modal listing the keys of the screen it was opened on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "dismiss", N_("Close help"), id="help.close"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        background: $background 60%;
        & > Vertical {
            width: 76; max-width: 100%; height: 90%; max-height: 40;
            background: $surface; color: $foreground; border: round $primary; border-title-color: $text-primary;
            padding: 0 1;
        }
        & VerticalScroll { height: 1fr; }
        & .help-hint { color: $text-muted; width: 1fr; }
    }
    """

    def __init__(self, sections: list[HelpSection]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _("Keys")
            with VerticalScroll():
                yield Static(self._table(), id="help-keys")
            yield Label(_("Esc closes. ctrl+p or : lists the commands; keys can be changed in [keymap]."),
                        classes="help-hint", markup=False)

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, style="bold")
        table.add_column()
        for section in self.sections:
            if table.row_count:
                table.add_row("", "")
            table.add_row(Text(section.title, style="underline"), "")
            for line in section.lines:
                style = "" if line.enabled else "dim"
                table.add_row(Text(line.keys, style=style or "bold"), Text(line.description, style=style))
        return table

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
