"""One dashboard figure: name, value, change against the month before, 12-month trend."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Resize
from textual.widgets import Label, Sparkline

from byraa.core import formatting as fmt
from byraa.core.dashboard import Figure

GOOD_WHEN_UP = frozenset({"payroll_clients", "active_employees", "payslips", "automation", "total_pay"})
GOOD_WHEN_DOWN = frozenset({"amelding_rejected"})


def show_value(unit: str, value: float) -> str:
    if unit == "nok":
        return fmt.nok_short(int(value))
    if unit == "percent":
        return fmt.percent(value)
    return fmt.count(int(value))


def show_change(figure: Figure, *, relative: bool = True) -> str:
    """``▲ +2 (+3,6 %)``; the relative part only where it means something."""
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


class FigureCard(Vertical):
    """A card for one figure; ``update`` swaps in a new month's numbers."""

    DEFAULT_CSS = """
    FigureCard {
        height: auto;
        background: $boost;
        padding: 0 0 0 1;
        & > Label { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
        & > .figure-label { color: $text-muted; }
        & > .figure-value { text-style: bold; color: $text; }
        & > .figure-change.-flat { color: $text-muted; }
        & > .figure-change.-good { color: $text-success; }
        & > .figure-change.-bad { color: $text-error; }
        & > .figure-previous { color: $text-muted; display: none; }
        & > Sparkline { width: 12; margin-top: 0; }
    }
    """

    def __init__(self, key: str, label: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.key = key
        self.label = label
        self.figure: Figure | None = None

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="figure-label")
        yield Label("–", classes="figure-value")
        yield Label("", classes="figure-change -flat")
        yield Label("", classes="figure-previous")
        yield Sparkline([])

    def update(self, figure: Figure, previous_month: str = "") -> None:
        """Show ``figure``; ``previous_month`` names the month it is compared with."""
        self.figure = figure
        previous = show_value(figure.unit, figure.previous)
        self.query_one(".figure-previous", Label).update(f"{previous_month}: {previous}" if previous_month else previous)
        self.query_one(".figure-value", Label).update(show_value(figure.unit, figure.value))
        self.query_one(Sparkline).data = list(figure.trend)
        self._show_change()

    def on_resize(self, event: Resize) -> None:
        self._show_change()

    def _show_change(self) -> None:
        if self.figure is None:
            return
        label = self.query_one(".figure-change", Label)
        text = show_change(self.figure)
        if len(text) > self.content_size.width > 0:
            text = show_change(self.figure, relative=False)
        label.update(text)
        for name in ("flat", "good", "bad"):
            label.set_class(name == tone(self.figure), f"-{name}")
