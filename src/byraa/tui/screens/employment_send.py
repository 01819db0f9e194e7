"""The "send employment to a-ordningen" dialog of the employee card (client detail, ``O``).

It shows the employments as they would be sent, the leaves that always go along (open in
the month or ended in it), and the person's older ended leaves with a box each: space
marks one to send along (a-ordningen may never have had it). ``y`` sends, Esc cancels;
the dialog answers with the marked leave ids.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList, Static

from byraa.core.reconcile.employment_send import LeaveChoice, SendPlan
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.core.words.labels import employment_type
from byraa.tui.widgets.bindings import N_, LocalizedBindings


def _pct(value: float) -> str:
    return f"{value:g}".replace(".", ",") + " %"


def leave_line(lv: LeaveChoice) -> str:
    return f"{fmt.day(lv.start_date)}–{fmt.day(lv.end_date)} {_pct(lv.leave_pct)} {lv.description} ({lv.employment_ref})"


class EmploymentSendDialog(ModalScreen["tuple[int, ...] | None"], LocalizedBindings):
    HELP_TITLE = N_("Send employment")
    DEFAULT_CSS = """
    EmploymentSendDialog {
        align: center middle;
        background: $background 60%;
        & > Vertical {
            width: 76; max-width: 100%; height: auto; max-height: 100%;
            padding: 0 1; border: round $primary; background: $surface;
        }
        & .dialog--title { text-style: bold; color: $text-primary; width: 1fr; }
        & .dialog--text { width: 1fr; color: $text; }
        & .dialog--hint { width: 1fr; color: $text-muted; }
        & SelectionList { height: auto; max-height: 8; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "send", N_("Send"), id="employment_send.send"),
        Binding("escape", "cancel", N_("Cancel"), id="employment_send.cancel", key_display="Esc"),
    ]

    def __init__(self, plan: SendPlan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        p = self.plan
        with Vertical():
            yield Label(_("Send employment to a-ordningen · {month}").format(month=fmt.month_name(p.period)),
                        classes="dialog--title", markup=False)
            lines = [f"{p.national_id}  {p.name}"]
            for e in p.employments:
                lines.append("  " + " · ".join(x for x in (
                    e.employment_ref, e.sub_unit or "–", employment_type(e.employment_type),
                    f"{fmt.day(e.start_date)}–{fmt.day(e.end_date)}", e.occupation_code or "",
                    _pct(e.position_pct)) if x))
            always = [lv for lv in p.leaves if lv.in_period]
            lines.append(_("Leaves sent along (open or ended this month):"))
            lines += [f"  {leave_line(lv)}" for lv in always] or ["  " + _("none")]
            yield Static("\n".join(lines), classes="dialog--text", markup=False)
            older = p.older_leaves
            yield Label(_("Older ended leaves (space marks one to send along):") if older
                        else _("No older ended leaves."), classes="dialog--hint", markup=False)
            if older:
                yield SelectionList[int](*[(leave_line(lv), lv.id) for lv in older], id="older-leaves")
            yield Label(_("y sends · Esc cancels"), classes="dialog--hint", markup=False)

    def on_mount(self) -> None:
        if self.plan.older_leaves:
            self.query_one("#older-leaves", SelectionList).focus()

    def action_send(self) -> None:
        chosen: tuple[int, ...] = ()
        if self.plan.older_leaves:
            chosen = tuple(sorted(self.query_one("#older-leaves", SelectionList).selected))
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
