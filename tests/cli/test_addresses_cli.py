"""``byraa addresses``: refusals and the register setting (the comparison itself: tests/core/clients)."""

from __future__ import annotations

from pathlib import Path

from tests.builders import org
from tests.cli.test_cli import cli  # noqa: F401  (fixture)


def test_addresses_refuses_bad_input_and_only_a_manager_sets_the_register(cli, tmp_path: Path) -> None:  # noqa: F811
    missing = cli("addresses")
    assert missing.exit_code == 2 and "--client" in missing.output
    assert cli("addresses", "--client", org(1), "--out", str(tmp_path / "x.txt")).exit_code == 2
    assert cli("addresses", "register", "on", user="clerk").exit_code == 2
    assert "av" in cli("addresses", "register").output
    assert cli("addresses", "register", "on").exit_code == 0
    assert "på" in cli("addresses", "register").output
