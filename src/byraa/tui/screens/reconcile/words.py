"""Cells for the reconciliation screens: a status or a differing field with its mark and tone.

The words themselves (checks, statuses, fields, values) are in ``byraa.core.words.labels``.
"""

from __future__ import annotations

from byraa.core.words.labels import field_name, row_status
from byraa.tui.widgets.markable_table import Cell, Toned

EQUAL_MARK = "✓"
DIFF_MARK = "✗"


PERSON_CHECKS = ("employments", "income")
"""The checks whose rows are people (shown with a masked national id)."""


def status_cell(code: str) -> Cell:
    tone = {"equal": "success", "differs": "error", "only_payroll": "warning", "only_a07": "warning",
            "missing": "error", "incomplete": "warning", "info": "muted"}.get(code)
    mark = EQUAL_MARK if code == "equal" else DIFF_MARK if code in ("differs", "only_payroll", "only_a07",
                                                                     "missing", "incomplete") else "·"
    text = f"{mark} {row_status(code)}"
    return Toned(text, tone) if tone else text


def employment_cell(code: str, field: str) -> Cell:
    """An employment row's first cell: the differing field, or where the employment is missing."""
    if code == "differs" and field:
        return Toned(f"{DIFF_MARK} {field_name(field)}", "error")
    return status_cell(code)
