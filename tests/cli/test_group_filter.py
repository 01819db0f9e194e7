"""A group filter on the dashboard and the reports: figures restricted to the group's clients."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from byraa.cli.main import main
from byraa.core.base.errors import NotFound
from byraa.core.clients import dashboard, reports
from tests.builders import small_agency

GROUP = "Utbetaling 20."
"""In the small agency: Alfa Rør AS and Cafe Gamma AS, not Bakeri Beta AS."""


@pytest.fixture
def cli(store, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)

    def run(*args: str, user: str = "tester"):  # noqa: ANN202
        monkeypatch.setenv("BYRAA_USER", user)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    run.store = store  # type: ignore[attr-defined]
    return run


def test_dashboard_group_counts_only_its_clients(cli) -> None:
    every = json.loads(cli("dashboard", "--period", "2026-11", "--format", "json").output)
    data = json.loads(cli("dashboard", "--period", "2026-11", "--group", GROUP, "--format", "json").output)
    figures = {r["key"]: r["value"] for r in data["rows"]}
    assert data["group"] == GROUP and every["group"] is None
    assert figures["payroll_clients"] == 2
    assert {r["key"]: r["value"] for r in every["rows"]}["payroll_clients"] == 3
    assert figures["total_pay"] == pytest.approx(
        {r["key"]: r["value"] for r in every["rows"]}["total_pay"] * 2 / 3)
    assert all(a["client"] != "Bakeri Beta AS" for a in data["attention"])
    table = cli("dashboard", "--period", "2026-11", "--group", GROUP)
    assert table.exit_code == 0 and f"gruppe {GROUP}" in table.output


def test_clerk_with_a_group_sees_the_overlap_of_both(cli) -> None:
    # The clerk's one client (Bakeri Beta) is not in the group: nothing is counted.
    data = json.loads(cli("dashboard", "--period", "2026-11", "--group", GROUP, "--format", "json",
                          user="clerk").output)
    assert {r["key"]: r["value"] for r in data["rows"]}["payroll_clients"] == 0


@pytest.mark.parametrize("report", [("usage", "--from", "2026-10", "--to", "2026-11"), ("my-clients",),
                                    ("term", "--year", "2026", "--term", "6"),
                                    ("automation", "--from", "2026-10", "--to", "2026-11")])
def test_reports_group(cli, report) -> None:
    rows = json.loads(cli("reports", *report, "--group", GROUP, "--format", "json").output)
    assert rows and {r["client"] for r in rows} <= {"Alfa Rør AS", "Cafe Gamma AS"}
    every = json.loads(cli("reports", *report, "--format", "json").output)
    # tester holds a grant only on Alfa Rør (in the group): my-clients is the same either way.
    assert len(every) > len(rows) or report == ("my-clients",)


def test_unknown_group_is_one_line_exit_2(cli) -> None:
    for args in (("dashboard", "--group", "Ingen slik"), ("reports", "usage", "--group", "Ingen slik")):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert "Ingen slik" in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_core_group_arguments(store) -> None:
    small = small_agency(store)
    board = dashboard.build(store, small.who(), "2026-11", group=GROUP)
    assert board.group == GROUP and board.client_count == 2
    usage = reports.usage_log(store, small.who(), "2026-11", "2026-11", group=GROUP)
    assert {r["client"] for r in usage.rows} == {"Alfa Rør AS", "Cafe Gamma AS"}
    with pytest.raises(NotFound):
        dashboard.build(store, small.who(), "2026-11", group="Ingen slik")
