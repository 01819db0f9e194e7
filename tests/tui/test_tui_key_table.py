"""docs/keys.md is the key table of the whole app: a letter that means different kinds of
action on different screens must have its line there (so it is a choice, not an accident).

The screens are the navigation table's (a new screen is checked without being added
here), plus the app-wide keys and the table keys every list shares.
"""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from pathlib import Path

from byraa.tui.app import ByraaApp
from byraa.tui.navigation import SECTIONS
from byraa.tui.widgets.markable_table import MarkableTable

KEYS_MD = Path(__file__).resolve().parents[2] / "docs" / "keys.md"

KINDS = {
    "tab": "view", "view": "view", "show": "view",  # digits pick a tab / a view / a filter of one screen
    "month": "period", "step": "period",
    "back": "back", "stop_or_back": "back", "cancel": "back",
}
"""Actions that are one kind of thing under different names."""


def kind(action: str) -> str:
    name = action.split("(", 1)[0].rsplit(".", 1)[-1]
    return KINDS.get(name, name)


def bound() -> dict[str, dict[str, set[str]]]:
    """key -> kind of action -> the classes binding it."""
    classes = [getattr(importlib.import_module(s.module), s.cls) for s in SECTIONS] + [ByraaApp, MarkableTable]
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for cls in classes:
        for binding in cls.BINDINGS:
            for key in binding.key.split(","):
                out[key.strip()][kind(binding.action)].add(cls.__name__)
    return out


def documented() -> set[tuple[str, str]]:
    """(key, class) pairs of the table "One key, different jobs" in docs/keys.md."""
    text = KEYS_MD.read_text(encoding="utf-8")
    section = text.split("## One key, different jobs", 1)[1]
    pairs = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and (m := re.fullmatch(r"`(.+)`", cells[0])):
            pairs.add((m.group(1), cells[1]))
    return pairs


def test_every_key_with_different_jobs_has_its_line() -> None:
    lines = documented()
    missing = sorted(
        (key, cls)
        for key, kinds in bound().items() if len(kinds) > 1
        for classes in kinds.values() for cls in classes
        if (key, cls) not in lines
    )
    assert not missing, f"add these to docs/keys.md, 'One key, different jobs': {missing}"


def test_the_check_would_catch_a_new_clash(monkeypatch) -> None:  # noqa: ANN001
    from textual.binding import Binding

    from byraa.tui.screens.groups import GroupsScreen

    monkeypatch.setattr(GroupsScreen, "BINDINGS", [*GroupsScreen.BINDINGS, Binding("w", "delete", "Delete")])
    clashes = {k for k, kinds in bound().items() if len(kinds) > 1}
    assert "w" in clashes and ("w", "GroupsScreen") not in documented()
