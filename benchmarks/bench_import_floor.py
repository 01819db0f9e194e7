"""The floor under every start-up figure: how long Python takes to import textual.app.

    .venv/bin/python benchmarks/bench_import_floor.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def cold(code: str, runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


if __name__ == "__main__":
    print(f"python -c pass:                 {cold('pass'):.0f} ms")
    print(f"python -c 'import textual.app': {cold('import textual.app'):.0f} ms")
    print(f"python -c 'import byraa.cli.main':   {cold('import byraa.cli.main'):.0f} ms")
