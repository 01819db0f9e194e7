"""The core never imports textual (or rich): headless commands and cron stay light."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import byraa.core


def _core_modules() -> list[str]:
    names = ["byraa.core"]
    for info in pkgutil.walk_packages(byraa.core.__path__, prefix="byraa.core."):
        if ".migrations" in info.name:
            continue
        names.append(info.name)
    return names


def test_every_core_module_imports_without_textual() -> None:
    modules = _core_modules()
    assert len(modules) > 10
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"core pulled in: {result.stdout.strip()}"


def test_headless_commands_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from byraa.cli.main import main\n"
        "CliRunner().invoke(main, ['locate'])\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
