"""Export and save dialogs: the suggested path is selected (typing replaces it), and a write
error reads whole in bokmål (not the C library's English)."""

from __future__ import annotations

import errno
import stat
from pathlib import Path

from byraa.core.files.oserrors import cannot_write
from byraa.tui.app import ByraaApp
from byraa.tui.screens.archive import SavePathDialog
from byraa.tui.screens.reconcile.dialogs import ExportDialog
from byraa.tui.widgets.dialogs import TextDialog
from tests.data.reconcile import scenario
from tests.tui.test_tui_archive import archive_store, open_archive  # noqa: F401  (fixture)
from tests.tui.test_tui_reconcile import open_run, recon_store  # noqa: F401  (fixture)
from tests.tui.test_tui_reports import agency_store, open_reports  # noqa: F401  (fixture)
from tests.tui_support import settle, workspace


def messages(app) -> list[str]:  # noqa: ANN001
    return [n.message for n in app._notifications]


def test_write_reason_is_bokmal_and_names_the_path() -> None:
    text = str(cannot_write("/nowhere/x.xlsx", OSError(errno.ENOENT, "No such file or directory")))
    assert text == "/nowhere/x.xlsx: kan ikke skrive filen: mappen finnes ikke"
    assert "systemfeil" in str(cannot_write("/x", OSError(errno.EIO, "I/O error")))


async def test_report_export_typing_replaces_the_suggestion(agency_store, tmp_path, monkeypatch) -> None:  # noqa: ANN001, F811
    monkeypatch.chdir(tmp_path)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_reports(pilot)
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        field = dialog.query_one("Input")
        assert field.value.startswith(str(Path.home()))
        assert field.selected_text == field.value  # the whole suggestion is selected
        await pilot.press(*"bruk.csv", "enter")
        await settle(pilot)
        out = tmp_path / "bruk.csv"
        assert out.exists() and stat.S_IMODE(out.stat().st_mode) == 0o600
        # A folder that does not exist: the reason in bokmål, the whole path named.
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"mangler/bruk.csv", "enter")
        await settle(pilot)
        assert any(m.endswith("mangler/bruk.csv: kan ikke skrive filen: mappen finnes ikke") for m in messages(app)), \
            messages(app)
        assert not any("No such file" in m for m in messages(app))


async def test_archive_copy_typing_replaces_the_suggestion(archive_store, tmp_path, monkeypatch) -> None:  # noqa: ANN001, F811
    monkeypatch.chdir(tmp_path)
    app = ByraaApp(workspace(archive_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_archive(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SavePathDialog)
        field = dialog.query_one("#save-path")
        assert field.value.startswith("~/") and field.selected_text == field.value
        await pilot.press(*"kopi.dat", "enter")
        await settle(pilot)
        assert (tmp_path / "kopi.dat").exists()
        await pilot.press("e")
        await settle(pilot)
        await pilot.press(*"borte/kopi.dat", "enter")
        await settle(pilot)
        assert any("borte/kopi.dat: kan ikke skrive filen: mappen finnes ikke" in m for m in messages(app)), \
            messages(app)


async def test_a07_export_typing_replaces_the_suggestion(recon_store, tmp_path, monkeypatch) -> None:  # noqa: ANN001, F811
    monkeypatch.chdir(tmp_path)
    app = ByraaApp(workspace(recon_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_run(pilot)
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        field = dialog.query_one("#export-path")
        assert field.value.endswith(f"-{scenario.PERIOD}.xlsx") and field.selected_text == field.value
        await pilot.press(*"a07.xlsx", "enter")
        await settle(pilot)
        assert (tmp_path / "a07.xlsx").exists()
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"borte/a07.xlsx", "enter")
        await settle(pilot)
        assert any("borte/a07.xlsx: kan ikke skrive filen: mappen finnes ikke" in m for m in messages(app)), \
            messages(app)
