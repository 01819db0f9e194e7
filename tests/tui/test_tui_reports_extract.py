"""The payroll extract from the reports screen: ``L``, a path, a 0600 workbook with pivot and lines."""

from __future__ import annotations

import stat
from pathlib import Path

import polars as pl
from sqlalchemy import delete, select

from byraa.core.agency import identity
from byraa.core.posting.journal import import_journal
from byraa.core.store.models import Client, Employee
from byraa.core.store.models_posting import PostingLine, PostingRun
from byraa.tui.app import ByraaApp
from byraa.tui.widgets.dialogs import TextDialog
from tests.tui.test_tui_reports import agency_store, open_reports  # noqa: F401  (fixture)
from tests.tui_support import settle, workspace


async def test_shift_u_writes_the_payroll_extract_of_the_year(agency_store, tmp_path: Path) -> None:  # noqa: ANN001, F811
    who = identity.resolve(agency_store, "tester")
    with agency_store.session() as s:
        # The demo's own posting journals out: the extract holds exactly the lines imported here.
        s.execute(delete(PostingLine))
        s.execute(delete(PostingRun))
        client, person = s.execute(select(Client.org_number, Employee.national_id)
                                   .join(Employee, Employee.client_id == Client.id).limit(1)).one()
    journal = tmp_path / "journal.csv"
    journal.write_text("account;amount;national_id;department;pay_type;pay_form;period\n"
                       f"5000;1234,50;{person};10;100;01;2026-10\n"
                       "2600;-1234,50;;;;01;2026-10\n", encoding="utf-8")
    import_journal(agency_store, who, journal, client=client)
    app = ByraaApp(workspace(agency_store))
    out = tmp_path / "uttrekk.xlsx"
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_reports(pilot)
        assert screen.period == "2026-10"
        await pilot.press("U")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        dialog.query_one("Input").value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert any("2 linjer" in n.message for n in app._notifications), [n.message for n in app._notifications]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    pivot = pl.read_excel(out, sheet_name="Pivot", infer_schema_length=0).rows(named=True)
    assert pivot[-1]["account"] == "sum" and float(pivot[-1]["sum"]) == 0.0
    assert [r["account"] for r in pivot if r["account"] in ("5000", "2600")] == ["2600", "5000"]
    lines = pl.read_excel(out, sheet_name="Linjer", infer_schema_length=0)
    assert len(lines) == 3
