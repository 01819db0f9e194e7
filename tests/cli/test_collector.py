"""The console script holds the garbage collector off while the process starts and
turns it on, with the start's objects frozen, before the command's own work; a test
that calls ``main`` in-process keeps its collector as it was."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

from click.testing import CliRunner

from byraa.cli.main import main

_SCRIPT = textwrap.dedent("""
    import gc, sys
    from byraa.cli import collector
    collector.hold()
    held = (gc.isenabled(), gc.get_freeze_count())
    from byraa.cli.main import main
    command = main.get_command(None, "deadlines")
    released = (gc.isenabled(), gc.get_freeze_count())
    print(held[0], held[1] == 0, released[0], released[1] > 10_000, command.name)
""")


def test_the_console_script_starts_without_the_collector_and_turns_it_on_for_the_command() -> None:
    done = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True", "True", "True", "deadlines"]


def test_an_in_process_main_leaves_the_callers_collector_alone(tmp_path) -> None:
    frozen = gc.get_freeze_count()
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "none.sqlite3"), "deadlines"])
    assert result.exit_code == 0 and "a-melding" in result.stdout
    # Frozen objects may be freed meanwhile (the suite freezes what collecting built), so
    # the count can fall; a freeze by ``main`` would have added every object it made.
    assert gc.isenabled() and gc.get_freeze_count() <= frozen
