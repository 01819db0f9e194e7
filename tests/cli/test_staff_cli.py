"""``byraa staff``: add, role, deactivate, activate, list; exit codes; a clerk and a leaver are refused."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from byraa.cli.main import main
from byraa.core.store.models import AuditEvent
from tests.builders import small_agency


@pytest.fixture
def cli(store, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)

    def run(*args: str, user: str = "tester"):  # noqa: ANN202
        monkeypatch.setenv("BYRAA_USER", user)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    run.store = store
    return run


def _listed(cli) -> dict[str, dict]:  # noqa: ANN001
    result = cli("staff", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["login"]: row for row in json.loads(result.output)}


def _audits(store) -> int:  # noqa: ANN001
    with store.session() as s:
        return s.scalar(select(func.count(AuditEvent.id))) or 0


def test_a_manager_runs_the_staff_commands(cli) -> None:
    added = cli("staff", "add", "kari.n", "--name", "Kari Nordmann", "--role", "manager")
    assert added.exit_code == 0 and added.output == "kari.n er lagt til som byråleder.\n"
    assert _listed(cli)["kari.n"] == {"id": _listed(cli)["kari.n"]["id"], "login": "kari.n", "name": "Kari Nordmann",
                                      "role": "manager", "active": True, "responsible": 0, "associate": 0}
    assert cli("staff", "role", "kari.n", "clerk").exit_code == 0
    again = cli("staff", "role", "kari.n", "clerk")
    assert again.exit_code == 0 and "ingenting er endret" in again.output
    assert cli("staff", "deactivate", "kari.n").exit_code == 0
    assert _listed(cli)["kari.n"]["active"] is False
    table = cli("staff", "list")
    assert table.exit_code == 0 and "Kari Nordmann" in table.output and "lønnsfører" in table.output
    csv = cli("staff", "list", "--format", "csv")
    assert csv.output.splitlines()[0] == "login,name,role,active,responsible,associate"
    # Deactivated: refused everywhere with one line, exit 2.
    for args in ((), ("staff", "list"), ("clients", "list"), ("dashboard",)):  # () is the TUI
        refused = cli(*args, user="kari.n")
        assert refused.exit_code == 2
        assert refused.output == "byraa: den ansatte kari.n er deaktivert; kontakt en byråleder\n"
    assert cli("staff", "activate", "kari.n").exit_code == 0
    assert cli("staff", "list", user="kari.n").exit_code == 0
    renamed = cli("staff", "rename", "kari.n", "--name", "Kari Nordmann-Berg")
    assert renamed.exit_code == 0 and renamed.output == "kari.n heter nå Kari Nordmann-Berg.\n"
    assert _listed(cli)["kari.n"]["name"] == "Kari Nordmann-Berg"
    same = cli("staff", "rename", "kari.n", "--name", "Kari Nordmann-Berg")
    assert same.exit_code == 0 and "ingenting ble endret" in same.output


@pytest.mark.parametrize(
    ("args", "user", "words"),
    [
        (("staff", "add", "ny", "--name", "Ny"), "clerk", "bare en aktiv byråleder"),
        (("staff", "role", "other", "manager"), "clerk", "bare en aktiv byråleder"),
        (("staff", "deactivate", "other"), "clerk", "bare en aktiv byråleder"),
        (("staff", "deactivate", "tester"), "tester", "siste aktive byrålederen"),
        (("staff", "role", "tester", "clerk"), "tester", "siste aktive byrålederen"),
        (("staff", "add", "clerk", "--name", "Igjen"), "tester", "finnes allerede"),
        (("staff", "add", "med mellomrom", "--name", "X"), "tester", "1 til 64 tegn"),
        (("staff", "deactivate", "nobody"), "tester", "nobody"),
        (("staff", "rename", "other", "--name", "Ny"), "clerk", "bare en aktiv byråleder"),
        (("staff", "rename", "other", "--name", "  "), "tester", "navn"),
        (("staff", "rename", "nobody", "--name", "Ny"), "tester", "nobody"),
        (("staff", "list"), "stranger", "er ikke ansatt i dette byrået"),
    ],
)
def test_refusals_are_one_line_exit_2_and_change_nothing(cli, args: tuple[str, ...], user: str, words: str) -> None:
    before, events = _listed(cli), _audits(cli.store)
    result = cli(*args, user=user)
    assert result.exit_code == 2, result.output
    assert words in result.output and result.output.count("\n") == 1 and "Traceback" not in result.output
    assert _listed(cli) == before and _audits(cli.store) == events


def test_a_bad_role_is_a_usage_error(cli) -> None:
    result = cli("staff", "role", "other", "owner")
    assert result.exit_code == 2 and "manager, clerk" in result.output
