"""One dashboard figure: name, value, change against the month before, 12-month trend."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.events import Resize
from textual.reactive import reactive
from textual.widgets import Sparkline, Static

from byraa.core.clients.dashboard import Figure
from byraa.core.words import formatting as fmt
from byraa.core.words import labels
from byraa.core.words.i18n import _

GOOD_WHEN_UP = frozenset({"payroll_clients", "active_employees", "payslips", "automation", "total_pay"})
GOOD_WHEN_DOWN = frozenset({"amelding_rejected"})


def show_value(unit: str, value: float | None) -> str:
    if value is None:
        return "–"
    if unit == "nok":
        return fmt.nok_short(int(value))
    if unit == "percent":
        return fmt.percent(value)
    return fmt.count(int(value))


def show_change(figure: Figure, *, relative: bool = True) -> str:
    """``▲ +2 (+3,6 %)``; the relative part only where it means something."""
    if figure.value is None or figure.previous is None:
        return ""
    change = figure.change
    if figure.unit == "percent":
        delta = fmt.percent(abs(change)).replace(" %", " pp")
    else:
        delta = show_value(figure.unit, abs(change))
    if change == 0:
        return f"= {delta}"
    arrow, sign = ("▲", "+") if change > 0 else ("▼", "−")
    text = f"{arrow} {sign}{delta}"
    if relative and figure.unit != "percent" and figure.previous:
        text += f" ({sign}{fmt.percent(abs(change) / abs(figure.previous) * 100)})"
    return text


def tone(figure: Figure) -> str:
    """``good``, ``bad`` or ``flat``: the colour of the change."""
    if figure.change == 0 or figure.key not in GOOD_WHEN_UP | GOOD_WHEN_DOWN:
        return "flat"
    return "good" if (figure.change > 0) == (figure.key in GOOD_WHEN_UP) else "bad"


TONE_STYLE = {"good": "$text-success", "bad": "$text-error", "flat": "$foreground-muted"}


class FigureCard(Vertical):
    """A card for one figure; ``update`` swaps in a new month's numbers.

    The text is one ``Static`` (name, value, change, and the month before where there is
    room) above a ``Sparkline``: two widgets per card keeps the dashboard's start fast.
    """

    DEFAULT_CSS = """
    FigureCard {
        height: auto;
        background: $boost;
        padding: 0 0 0 1;
        & > Static { width: 1fr; height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
        & > Sparkline { width: 12; margin-top: 0; }
    }
    """

    show_previous: reactive[bool] = reactive(False)
    """Also show the month before's value (set where the terminal is tall enough)."""

    def __init__(self, key: str, label: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.key = key
        self.label = label
        self.figure: Figure | None = None
        self.previous_month = ""

    def compose(self) -> ComposeResult:
        yield Static(self._text(), markup=False)
        yield Sparkline([])

    def update(self, figure: Figure, previous_month: str = "") -> None:
        """Show ``figure``; ``previous_month`` names the month it is compared with."""
        self.figure = figure
        self.previous_month = previous_month
        # A month the data cannot give is drawn as 0 in the sparkline; the value says "–".
        self.query_one(Sparkline).data = [v or 0 for v in figure.trend]
        reason = figure.unknown_reason
        self.tooltip = labels.figure_unknown(reason) if reason else None
        self._refresh_text()

    def on_resize(self, event: Resize) -> None:
        self._refresh_text()

    def watch_show_previous(self) -> None:
        self._refresh_text()

    def _refresh_text(self) -> None:
        if self.is_mounted:
            self.query_one(Static).update(self._text())

    def _text(self) -> Content:
        label = Content.styled(self.label, "$foreground-muted")
        figure = self.figure
        if figure is None:
            return Content("\n").join([label, Content("–"), Content("")])
        if figure.so_far:
            # A month in progress against a whole month is no comparison: say "so far".
            change, style = _("so far this month"), "$foreground-muted"
        else:
            change = show_change(figure)
            if len(change) > self.content_size.width > 0:
                change = show_change(figure, relative=False)
            style = TONE_STYLE[tone(figure)]
        lines = [
            label,
            Content.styled(show_value(figure.unit, figure.value), "bold $foreground"),
            Content.styled(change, style),
        ]
        if self.show_previous:
            previous = show_value(figure.unit, figure.previous)
            if figure.so_far and self.previous_month:
                text = _("all of {month}: {value}").format(month=self.previous_month, value=previous)
            else:
                text = f"{self.previous_month}: {previous}" if self.previous_month else previous
            lines.append(Content.styled(text, "$foreground-muted"))
        return Content("\n").join(lines)
