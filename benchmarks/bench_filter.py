"""Filter keystroke -> client table repainted, on the 1,000-client demo (budget 50 ms).

    .venv/bin/python benchmarks/bench_filter.py [DB.sqlite3] [--login LOGIN] [--size 120x40]

Without a path, uses the shared 1,000-client demo of ``benchmarks/common.py`` (built once
into /tmp/byraa-bench, manager ``bench``). Runs the TUI headless, opens the client list,
focuses the filter and types, key by key, words that narrow and widen the list, then
deletes them again. Each figure is one keystroke: from posting the key event to the app
until the screen has filtered on the new text and the compositor has rendered the
update (what a terminal would be sent). Keystrokes during which Python ran a full
garbage collection are marked.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import time
from pathlib import Path

from common import large_demo

os.environ.setdefault("BYRAA_TODAY", "2026-11-22")

TYPED = ["b", "e", "r", "g", "e", "n", "backspace", "backspace", "backspace", "backspace", "backspace",
         "backspace", "u", "t", "b", "e", "t", "a", "l", "i", "n", "g", "space", "2", "0",
         "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace",
         "backspace", "backspace", "backspace", "backspace", "backspace", "a", "v", "v", "i", "s", "t"]


async def measure(db: Path, size: tuple[int, int]) -> list[tuple[str, int, float]]:
    from textual import events
    from textual.widgets import Input

    from byraa.core.settings.config import load_settings
    from byraa.core.settings.workspace import open_workspace
    from byraa.tui.app import ByraaApp
    from byraa.tui.widgets.markable_table import MarkableTable

    workspace = open_workspace(load_settings(db_path=db), interactive=True)
    app = ByraaApp(workspace)
    results = []
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one(MarkableTable)
        field = screen.query_one(Input)
        assert table.total_count >= 1000, table.total_count
        expected = ""
        for key in TYPED:
            character = " " if key == "space" else (key if len(key) == 1 else None)
            expected = expected[:-1] if key == "backspace" else expected + (character or "")
            gc_before = gc.get_stats()[2]["collections"]
            started = time.perf_counter()
            app._driver.send_message(events.Key(key, character))
            # Until the screen has filtered on the text now in the input, then paint.
            while True:
                await pilot._wait_for_screen()
                if screen.filter_text == expected == field.value:
                    break
            screen._on_timer_update()  # the paint a refresh timer would do
            elapsed = 1000 * (time.perf_counter() - started)
            if gc.get_stats()[2]["collections"] != gc_before:
                key += " (full gc)"
            results.append((key, table.row_count, elapsed))
        workspace.close()
    return results


def demo_path() -> Path:
    """The shared large demo, rebuilt when the schema moved on since it was built."""
    from byraa.core.base.errors import ConfigError
    from byraa.core.settings.config import sqlite_url
    from byraa.core.store import open_store

    path = large_demo()
    try:
        open_store(sqlite_url(path)).dispose()
    except ConfigError:
        path = large_demo(rebuild=True)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", type=Path, help="a demo database (default: the shared large demo)")
    parser.add_argument("--login", default="bench", help="a manager of that database (default: bench)")
    parser.add_argument("--size", default="120x40", help="terminal size, WxH")
    args = parser.parse_args()
    os.environ["BYRAA_USER"] = args.login
    size = tuple(int(v) for v in args.size.split("x"))
    db = args.db or demo_path()
    results = asyncio.run(measure(db, size))
    times = [ms for _, _, ms in results]
    print(f"{'key':<16} {'rows':>5} {'ms':>7}")
    for key, rows, ms in results:
        print(f"{key:<16} {rows:>5} {ms:7.1f}")
    times_sorted = sorted(times)
    p95 = times_sorted[int(0.95 * (len(times_sorted) - 1))]
    print(f"\nfilter keystroke -> repainted ({size[0]}x{size[1]}, {len(times)} keys): "
          f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms (budget 50 ms)")
    return 0 if max(times) <= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
