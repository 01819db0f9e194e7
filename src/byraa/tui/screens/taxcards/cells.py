"""Words and table cells the tax-card views share: the result filters, outcomes, amounts."""

from __future__ import annotations

from dataclasses import dataclass

from byraa.core.taxcards.fetch import ResultRow
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _
from byraa.core.words.labels import outcome_word
from byraa.tui.widgets.bindings import N_
from byraa.tui.widgets.markable_table import Cell, Toned

SHOWS: tuple[tuple[str, str], ...] = (
    ("all", N_("All")),
    ("changed", N_("Changed")),
    ("errors", N_("Errors")),
    ("no_card", N_("No card")),
    ("skipped", N_("Skipped")),
)
"""The result filters, in the order of their keys ``1``-``5``."""


RESULTS = {"skattekortopplysningerOK": "card", "ikkeSkattekort": "no_card", "ikkeTrekkplikt": "not_liable"}
"""Skatteetaten's result codes -> outcomes (for a stored card's words)."""


def outcome_cell(row: ResultRow) -> Cell:
    word = outcome_word(row.outcome)
    tone = {"error": "error", "no_card": "warning", "not_liable": "warning", "skipped": "muted"}.get(row.outcome)
    if row.changed:
        return Toned(_("changed"), "success")
    return Toned(word, tone) if tone else word


def amount_cell(ore: int | None) -> str:
    return "" if ore is None else fmt.nok(ore, decimals=False)


def pct_cell(value: float | None) -> str:
    return "" if value is None else fmt.percent(value, 0 if float(value).is_integer() else 1)


@dataclass(frozen=True)
class Choices:
    """What the selection panel offers (read in a worker)."""

    groups: list[str]
    staff: list[tuple[str, str]]
    """(login, name) of active staff responsible for at least one client."""
