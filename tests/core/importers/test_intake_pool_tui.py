"""The intake's reader processes start under the TUI too, where ``sys.stderr`` is
Textual's capture (its ``fileno()`` is -1): the run is in a fresh process, because
multiprocessing's resource tracker is started once per process and a test process has
one running already."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.builders import org
from tests.conftest import ROOT
from tests.data.payroll_months import month_message
from tests.data.reconcile import build as b

CHILD = """
import asyncio, sys
from pathlib import Path


class Capture:  # what Textual puts in sys.stderr while an app runs
    def write(self, text): return len(text)
    def flush(self): pass
    def fileno(self): return -1


sys.stderr = Capture()
from byraa.core.importers.intake_pool import Prefetch

files = sorted(Path(sys.argv[1]).glob("*.xml"))
prefetch = Prefetch([(n, "amelding", str(f), f.stat().st_size) for n, f in enumerate(files, 1)])


async def main():
    return [await prefetch.take(n) for n in range(1, len(files) + 1)]


read = asyncio.run(main())
prefetch.close()
print(sum(1 for p in read if p is not None and not p.error and p.events), len(files))
"""


def test_readers_start_when_stderr_is_textuals_capture(tmp_path: Path) -> None:
    for n in range(1, 9):
        b.write_amelding(tmp_path / f"{n}.xml", month_message(org(n), org(n + 10), "2026-10", 3, seed=n))
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["8", "8"], (done.stdout, done.stderr)
