"""The garbage collector while a ``byraa`` process starts, and when it ends.

Starting imports SQLAlchemy, SQLModel, pydantic and the store's tables: some hundred
thousand objects that live as long as the process. With the collector on, it scans them
again and again while the start is still adding to them, and once more at exit. On the
1,000-client demo, through a wrapper script before this module existed (medians of 5):
freezing at exit alone took ``byraa dashboard`` from 0.69 to 0.58 s; holding the
collector off while starting as well took ``byraa reports usage`` from 0.59 to 0.44 s.
So the console script holds the collector off while the process starts; when the
command's modules are imported, ``release`` freezes what the start built (``gc.freeze``:
never scanned again) and turns the collector on for the command's own work, which may be
a month's intake and needs it. At exit it freezes again, so the last collection has
nothing to scan; the operating system takes the memory back.

Only the console script holds the collector: a test that calls ``main`` in-process keeps
its collector as it was (``release`` does nothing there).
"""

from __future__ import annotations

import atexit
import gc

_held = False


def hold() -> None:
    """Turn the collector off until ``release``; freeze everything at exit."""
    global _held
    _held = True
    gc.disable()
    atexit.register(gc.freeze)


def release() -> None:
    """The start is over: keep what it built out of every later collection, and collect again."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
