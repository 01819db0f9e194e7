"""``byraa employees send``: a dry run shows the message; a bad leave or a stranger gets exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from byraa.cli.main import main
from byraa.core.base import ids
from tests.builders import nid, org
from tests.data.reconcile import scenario


@pytest.fixture
def cli(store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    scenario.build(store, tmp_path)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)

    def run(*args: str, user: str = "tester"):  # noqa: ANN202
        monkeypatch.setenv("BYRAA_USER", user)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run


def test_a_dry_run_names_the_month_it_replaces(cli) -> None:  # noqa: ANN001
    result = cli("employees", "send", "--client", org(1), "--employee", nid(2),
                 "--period", scenario.PERIOD, "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert (row["status"], row["replaces"], row["employee"]) == ("dry_run", "s10", ids.mask_national_id(nid(2)))
    assert nid(2) not in result.output


def test_a_masked_id_shared_by_several_is_refused(cli) -> None:  # noqa: ANN001
    result = cli("employees", "send", "--client", org(1), "--employee", ids.mask_national_id(nid(2)), "--dry-run")
    assert result.exit_code == 2 and "ansattnummer" in result.output


def test_bad_input_and_strangers_exit_2(cli) -> None:  # noqa: ANN001
    bad = cli("employees", "send", "--client", org(1), "--employee", nid(2),
              "--period", scenario.PERIOD, "--with-leave", "424242")
    assert bad.exit_code == 2 and "424242" in bad.output
    stranger = cli("employees", "send", "--client", org(1), "--employee", "1", "--dry-run", user="other")
    assert stranger.exit_code == 2
