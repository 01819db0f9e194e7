"""Headless refusals that keep a slip from doing damage: a report file name byraa cannot
write, a group deleted with its clients without ``--yes``."""

from __future__ import annotations

from byraa.core.clients import groups
from tests.cli.test_cli import cli  # noqa: F401  (fixture)


def test_report_out_with_an_unknown_extension_is_refused(cli, tmp_path) -> None:  # noqa: ANN001, F811
    for name in ("usage.pdf", "usage"):
        out = tmp_path / name
        result = cli("reports", "usage", "--out", str(out))
        assert result.exit_code == 2, result.output
        assert len(result.output.strip().splitlines()) == 1
        assert "skrives som .csv eller .xlsx" in result.output and str(out) in result.output
        assert not out.exists()
    good = tmp_path / "usage.CSV"
    assert cli("reports", "usage", "--out", str(good)).exit_code == 0 and good.exists()


def test_deleting_a_group_holding_clients_needs_yes(cli) -> None:  # noqa: ANN001, F811
    names = {g.name: g.clients for g in groups.list_groups(cli.store)}
    assert names["Utbetaling 20."] == 2
    refused = cli("groups", "delete", "Utbetaling 20.")
    assert refused.exit_code == 2
    assert len(refused.output.strip().splitlines()) == 1
    assert "har 2 klienter" in refused.output and "--yes" in refused.output
    assert "Utbetaling 20." in {g.name for g in groups.list_groups(cli.store)}
    before = cli("clients", "list", "--format", "json").output
    done = cli("groups", "delete", "Utbetaling 20.", "--yes")
    assert done.exit_code == 0 and "Utbetaling 20." not in {g.name for g in groups.list_groups(cli.store)}
    assert '"Utbetaling 20."' not in cli("clients", "list", "--format", "json").output
    assert before.count('"org_number"') == cli("clients", "list", "--format", "json").output.count('"org_number"')
    # An empty group needs no --yes.
    assert cli("groups", "create", "Tom").exit_code == 0
    assert cli("groups", "delete", "Tom").exit_code == 0
