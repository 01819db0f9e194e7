"""The client's service level and the checks it follows up itself ("kunde følger opp"),
seen and set from the run screen (``N``, nivå), as ``byraa reconcile mapping`` sets them,
and the client's bank guarantee for the withheld tax.

The dialog dismisses ``(level, checks, guarantee)``; the run screen saves through
``core.reconcile.checks.mapping.update`` (access checked and audited there, like the
command line). A checks list equal to the level's default is saved as "default", so a
later change of level brings its own list. The change applies from the next run: a run
keeps the list it was made with.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, RadioButton, RadioSet, SelectionList, Static

from byraa.core.reconcile.checks import CHECKS, schedule
from byraa.core.words.i18n import _
from byraa.core.words.labels import check_name
from byraa.tui.widgets.bindings import N_, LocalizedBindings


def changes(level: str, checks: tuple[str, ...], guarantee: bool = False) -> dict[str, str | None]:
    """The settings to save: the level, the checks unless they are the level's default, and
    the bank guarantee (no guarantee is the default)."""
    default = schedule.CLIENT_FOLLOWS_UP.get(level, ())
    follows: str | None = None if set(checks) == set(default) else (",".join(checks) or "none")
    return {"service_level": level, "client_follows_up": follows, "bank_guarantee": "yes" if guarantee else None}


class ServiceLevelDialog(ModalScreen, LocalizedBindings):
    """Full or part service, the checks the client follows up, and whether a bank guarantee
    stands in for the tax-deduction account; dismisses ``(level, checks, guarantee)``."""

    CSS_PATH = "dialogs.tcss"
    HELP_TITLE = N_("Service level")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
        Binding("f3,ctrl+s", "save", N_("Save"), id="service.save", key_display="F3"),
    ]

    def __init__(self, what: str, level: str, checks: tuple[str, ...], guarantee: bool = False) -> None:
        super().__init__()
        self.what = what
        self.level = level
        self.checks = checks
        self.guarantee = guarantee

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Service level"), classes="title")
            yield Static(self.what, classes="what", markup=False)
            with RadioSet(id="service-level"):
                yield RadioButton(_("full service"), id="full", value=self.level == "full")
                yield RadioButton(_("part service"), id="part", value=self.level == "part")
            yield Label(_("Client follows up (space marks):"), classes="hint")
            yield SelectionList[str](*((check_name(c), c, c in self.checks) for c in CHECKS), id="service-checks")
            yield Checkbox(_("Bank guarantee instead of a tax-deduction account"), self.guarantee,
                           id="service-guarantee", compact=True)
            yield Static(_("Applies from the next run · F3 saves · Esc cancels"), classes="hint")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="save", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#service-level", RadioSet).focus()

    @on(RadioSet.Changed, "#service-level")
    def _level_changed(self, event: RadioSet.Changed) -> None:
        # A new level brings its default list; the user can still change it.
        level = event.pressed.id or "full"
        if level != self.level:
            self.level = level
            picked = self.query_one("#service-checks", SelectionList)
            picked.deselect_all()
            for check in schedule.CLIENT_FOLLOWS_UP.get(level, ()):
                picked.select(check)

    def action_save(self) -> None:
        pressed = self.query_one("#service-level", RadioSet).pressed_button
        level = pressed.id if pressed is not None and pressed.id else self.level
        chosen = set(self.query_one("#service-checks", SelectionList).selected)
        guarantee = self.query_one("#service-guarantee", Checkbox).value
        self.dismiss((level, tuple(c for c in CHECKS if c in chosen), guarantee))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
