"""Every screen of the navigation table opened, and every listing command run, on the
1,000-client demo: first paint ≤ 300 ms per screen, a listing ≤ 0.6 s.

    .venv/bin/python benchmarks/bench_screens.py [DB.sqlite3] [--runs 3] [--size 80x24] [--only screens|listings]

Screens: one headless app (the manager ``bench``) switches to each section of
``byraa.tui.navigation.SECTIONS`` in turn, so a screen added to the table is measured
without being named here. The figure is the time from the switch key to the screen
painted with its data: its workers done, the messages they posted handled, one paint.
Each screen is opened ``--runs`` times (leaving it for the dashboard between), median.

Listings: each command is a fresh ``byraa`` process (imports included, as a script pays
them), wall time, median of ``--runs``. The list is every ``list`` subcommand of the
``SUBCOMMANDS`` map plus the commands that print a list themselves.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import large_demo, machine

SCREEN_BUDGET_MS = 300
LISTING_BUDGET_S = 0.6
ROOT = Path(__file__).resolve().parent.parent

TOP_LEVEL_LISTINGS = (["dashboard"], ["deadlines"], ["audit"], ["feedback"], ["reports", "usage"],
                      ["reports", "term", "--year", "2026", "--term", "5"])
"""Commands that print a list without a ``list`` subcommand."""


def listing_commands() -> list[list[str]]:
    """Every ``<family> list`` found in the CLI, plus ``TOP_LEVEL_LISTINGS``."""
    import importlib

    import click

    from byraa.cli.main import SUBCOMMANDS

    found = []
    for name, module in sorted(SUBCOMMANDS.items()):
        command = importlib.import_module(module).command
        if isinstance(command, click.Group) and "list" in command.commands:
            needs = [p for p in command.commands["list"].params if getattr(p, "required", False)]
            if not needs:
                found.append([name, "list"])
    return found + [list(c) for c in TOP_LEVEL_LISTINGS]


def time_listing(db: Path, args: list[str], runs: int) -> tuple[float, float, int]:
    """(wall s, CPU s of the child, exit code), medians: CPU time stays meaningful when
    other work shares the machine's two cores."""
    # As an installed package runs: its modules' bytecode is cached (a checkout under
    # PYTHONDONTWRITEBYTECODE=1 compiles every module on every start, about 0.5 s more).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(BYRAA_USER="bench", BYRAA_TODAY="2026-11-22")
    samples, cpu, code = [], [], 0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([str(ROOT / ".venv/bin/byraa"), "--db", str(db), *args], env=env,
                              capture_output=True, check=False)
        samples.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        code = done.returncode
    return statistics.median(samples), statistics.median(cpu), code


async def time_screens(db: Path, runs: int, size: tuple[int, int]) -> list[tuple[str, float, float]]:
    """(mode, wall ms, CPU ms of the whole process incl. worker threads), medians."""
    os.environ["BYRAA_USER"] = "bench"
    os.environ.setdefault("BYRAA_TODAY", "2026-11-22")
    from byraa.core.settings.config import load_settings
    from byraa.core.settings.workspace import open_workspace
    from byraa.tui.app import ByraaApp
    from byraa.tui.navigation import SECTIONS

    app = ByraaApp(open_workspace(load_settings(db_path=db), interactive=True))
    results = []
    async with app.run_test(size=size) as pilot:
        await _settled(app, pilot)
        for section in SECTIONS:
            key = section.keys.split(",")[0]
            samples, cpu = [], []
            for _ in range(runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                await pilot.press(key)
                await _settled(app, pilot)
                samples.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                await pilot.press("d" if section.mode != "dashboard" else "c")
                await _settled(app, pilot)
            results.append((section.mode, statistics.median(samples), statistics.median(cpu)))
    return results


async def _settled(app, pilot) -> None:  # noqa: ANN001
    """Workers done, their messages handled, one paint (as the refresh timer would)."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot._wait_for_screen()
    app.screen._on_timer_update()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--only", choices=("screens", "listings"))
    args = parser.parse_args()
    db = args.db or large_demo()
    print(f"# {machine()}; {db}")
    width, height = (int(n) for n in args.size.split("x"))
    over = 0
    if args.only != "listings":
        for mode, ms, cpu_ms in asyncio.run(time_screens(db, args.runs, (width, height))):
            flag = "" if ms <= SCREEN_BUDGET_MS else "  OVER"
            over += bool(flag)
            print(f"screen {mode:<12} {ms:8.0f} ms wall {cpu_ms:8.0f} ms CPU{flag}")
    if args.only != "screens":
        for command in listing_commands():
            seconds, cpu_s, code = time_listing(db, command, args.runs)
            flag = "" if seconds <= LISTING_BUDGET_S else "  OVER"
            over += bool(flag)
            print(f"byraa {' '.join(command):<34} {seconds:6.2f} s wall {cpu_s:6.2f} s CPU  exit {code}{flag}")
    print(f"# {over} over budget")


if __name__ == "__main__":
    sys.exit(main())
