"""The import contracts of ``[tool.importlinter]`` hold: core imports no textual, rich,
tui, cli, sandbox or demo (the README's test command runs the same check first)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _lint_imports() -> Path:
    return Path(sys.executable).parent / "lint-imports"


def test_import_contracts_are_kept() -> None:
    result = subprocess.run([str(_lint_imports()), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contract_names_every_forbidden_package() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert config["root_package"] == "byraa"
    forbidden = {m for c in config["contracts"] if "byraa.core" in c.get("source_modules", [])
                 for m in c.get("forbidden_modules", [])}
    assert {"textual", "rich", "byraa.tui", "byraa.cli", "byraa.sandbox", "byraa.demo"} <= forbidden
