"""scripts/demo says what it is doing before the install's quiet while."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
SCRIPT = SCRIPTS / "demo"


def test_the_install_is_announced_before_it_runs() -> None:
    lines = SCRIPT.read_text(encoding="utf-8").splitlines()
    install = next(i for i, line in enumerate(lines) if "scripts/install" in line)
    said = [line for line in lines[:install] if line.strip().startswith("echo ")]
    assert any("Installerer byraa i .venv" in line and "første gang" in line for line in said)
    assert all(">&2" in line for line in said)  # on stderr: stdout stays the app's
    for script in (SCRIPT, SCRIPTS / "install", SCRIPTS / "test"):
        assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0
