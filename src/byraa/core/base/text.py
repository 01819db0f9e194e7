"""Text from people and files that reaches a terminal: no control characters.

A name holding ``\\e]0;…\\a`` or ``\\e[2J`` would retitle or clear the terminal of whoever
lists it. Names typed in are refused when they hold one (``has_controls``); anything
imported is printed with them stripped (``printable``).
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls (ESC, BEL, CSI …) and the bidirectional overrides."""


def has_controls(text: str) -> bool:
    return bool(_CONTROLS.search(text))


def printable(text: str) -> str:
    """``text`` with every control character removed."""
    # Nearly every name is printable: str.isprintable is false for every character the
    # pattern removes (controls are Cc, the bidi marks Cf), and far cheaper than a sub.
    if text.isprintable():
        return text
    return _CONTROLS.sub("", text)
