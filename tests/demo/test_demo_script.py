"""scripts/demo says what it is doing before pip's quiet minute."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "demo"


def test_the_install_is_announced_before_pip_runs() -> None:
    lines = SCRIPT.read_text(encoding="utf-8").splitlines()
    pip = next(i for i, line in enumerate(lines) if "pip install" in line)
    said = [line for line in lines[:pip] if line.strip().startswith("echo ")]
    assert any("Installerer byraa i .venv" in line and "minutt" in line for line in said)
    assert all(">&2" in line for line in said)  # on stderr: stdout stays the app's
    assert subprocess.run(["bash", "-n", str(SCRIPT)], check=False).returncode == 0
