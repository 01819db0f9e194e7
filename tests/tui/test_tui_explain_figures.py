"""The explain dialog names the figures that differ (a ledger difference showed "0,00 ≠ –")."""

from __future__ import annotations

from byraa.core.words import formatting as fmt
from byraa.core.words.labels import comparison, value
from byraa.tui.app import ByraaApp
from byraa.tui.screens.reconcile.dialogs import ExplainDialog
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui.test_tui_reconcile import drill, open_run, recon_store  # noqa: F401  (fixture)
from tests.tui_support import settle, workspace


async def test_a_ledger_difference_shows_both_figures(recon_store) -> None:  # noqa: ANN001, F811
    app = ByraaApp(workspace(recon_store))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_run(pilot)
        found = None
        for check in ("withholding", "holiday_pay", "aga", "clearing"):
            rows = await drill(pilot, check)
            found = next((r for r in rows.rows.values() if r.is_difference and r.ledger is not None), None)
            if found is not None:
                break
            await pilot.press("escape")
            await settle(pilot)
        assert found is not None, "the scenario has a difference against the ledger"
        table = rows.query_one(MarkableTable)
        assert table.move_cursor_to(next(k for k, r in rows.rows.items() if r is found))
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExplainDialog)
        assert "≠ –" not in dialog.what
        assert f"Hovedbok {value(found.ledger, found.unit)}" in dialog.what
        if found.difference:
            assert f"differanse {fmt.nok(found.difference)}" in dialog.what


def test_comparison_leaves_out_the_side_a_row_does_not_compare() -> None:
    class Row:
        unit = "nok"
        payroll, a07, ledger, difference = 0, None, 1714000, -1714000

    assert comparison(Row()) == f"Lønn 0,00 ≠ Hovedbok 17 140,00 · differanse {fmt.nok(-1714000)}"
