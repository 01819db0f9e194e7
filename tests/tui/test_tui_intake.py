"""The intake screen: inbox folder by default, preview, take in, outcomes, a refusal's reason."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from byraa.tui.app import ByraaApp
from byraa.tui.screens.intake import IntakeScreen
from byraa.tui.widgets.dialogs import TextViewer
from byraa.tui.widgets.markable_table import MarkableTable
from tests.builders import org, small_agency
from tests.data.payroll_months import month_message
from tests.data.reconcile import build as b
from tests.tui_support import language_restored, screen_text, settle, workspace

INBOX = Path("/tmp/byraa-test-intake-screen/innboks")
"""A fixed place, so the path in the snapshot is the same on every run."""

pytestmark = pytest.mark.xdist_group("intake-screen-inbox")
"""One worker runs these one after the other: each builds and removes the same folder."""


@pytest.fixture
def inbox_app(sqlite_store):  # noqa: ANN001, ANN201
    small_agency(sqlite_store)
    shutil.rmtree(INBOX.parent, ignore_errors=True)
    (INBOX / "alfa").mkdir(parents=True)
    b.write_amelding(INBOX / "alfa" / "2026-09.xml", month_message(org(1), org(11), "2026-09", 4))
    b.write_amelding(INBOX / "alfa" / "2026-10.xml", month_message(org(1), org(11), "2026-10", 4))
    b.write_amelding(INBOX / "beta-2026-10.xml", month_message(org(2), org(12), "2026-10", 3))
    b.write_amelding(INBOX / "ukjent.xml", month_message(org(60), org(61), "2026-10", 2))
    (INBOX / "notat.txt").write_text("ring Kari\n", encoding="utf-8")
    ws = workspace(sqlite_store)
    ws = dataclasses.replace(ws, settings=dataclasses.replace(ws.settings, inbox=INBOX))
    with language_restored():
        yield ByraaApp(ws)
    shutil.rmtree(INBOX.parent, ignore_errors=True)


async def _open_intake(pilot) -> IntakeScreen:  # noqa: ANN001
    """From the dashboard, ``I`` opens the intake screen."""
    await settle(pilot)
    await pilot.press("I")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


async def test_preview_take_in_filter_and_reason(inbox_app) -> None:  # noqa: ANN001
    app = inbox_app
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_intake(pilot)
        assert str(INBOX) in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        planned = {Path(line.path).name: line.outcome for line in screen.lines.values()}
        assert planned == {"2026-09.xml": "imported", "2026-10.xml": "imported", "beta-2026-10.xml": "imported",
                           "ukjent.xml": "refused", "notat.txt": "refused"}
        assert "Bakeri Beta AS" in screen_text(app)
        await pilot.press("x")
        await settle(pilot)
        done = {Path(line.path).name: line.outcome for line in screen.lines.values()}
        assert done == planned
        assert "Importert 3, uendret 0, erstattet 0, avvist 2" in screen_text(app)
        table = screen.query_one(MarkableTable)
        for _ in range(4):  # all -> imported -> unchanged -> replaced -> refused
            await pilot.press("o")
        await settle(pilot)
        assert sorted(Path(screen.lines[k].path).name for k in table.visible_keys) == ["notat.txt", "ukjent.xml"]
        keys = table.visible_keys
        table.move_cursor_to(next(k for k in keys if screen.lines[k].path.endswith("ukjent.xml")))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextViewer)
        assert org(60) in screen_text(app) and "ikke en klient" in screen_text(app)


def test_snapshot_preview(snap_compare, inbox_app) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("I")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(inbox_app, terminal_size=(80, 24), run_before=run_before)


async def test_an_empty_folder_field_asks_for_a_folder(inbox_app) -> None:  # noqa: ANN001
    """Not the folder byraa was started in, read without asking."""
    app = inbox_app
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_intake(pilot)
        screen.query_one("#intake-path").value = "  "
        await pilot.press("enter")
        await settle(pilot)
        assert "Skriv mappen (eller en fil) som skal leses inn." in screen_text(app)
        assert screen.lines == {}


async def test_a_ledger_shows_its_months(inbox_app) -> None:  # noqa: ANN001
    (INBOX / f"{org(1)}_hovedbok.csv").write_text("account;period;amount\n2600;2026-03;-100\n5000;2026-01;100\n",
                                                   encoding="utf-8")
    app = inbox_app
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_intake(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert {(line.period, line.period_to) for line in screen.lines.values() if line.kind == "ledger_csv"} == {
            ("2026-01", "2026-03")}
        row = next(line for line in screen_text(app).splitlines() if "hovedbok" in line)
        assert row.split()[-2:] == ["01–03.2026", "importeres"]  # months as on every screen; a preview says "will"


async def test_question_mark_opens_help_and_a_key_does_not_wipe_the_folder(inbox_app) -> None:  # noqa: ANN001
    """The folder field has the focus: "?" was typed into it, replacing the inbox's path."""
    from textual.widgets import Input

    from byraa.tui.widgets.help_screen import HelpScreen

    app = inbox_app
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_intake(pilot)
        field = screen.query_one("#intake-path", Input)
        assert app.focused is field and field.value == str(INBOX)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and field.value == str(INBOX)
        await pilot.press("slash", *"alfa")  # typing goes on from the path, not over it
        assert field.value == f"{INBOX}/alfa"
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(line.path.rsplit("/", 1)[1] for line in screen.lines.values()) == ["2026-09.xml", "2026-10.xml"]


async def test_tab_takes_the_completion_and_moves_on_when_there_is_none(inbox_app) -> None:  # noqa: ANN001
    from textual.widgets import Input

    app = inbox_app
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_intake(pilot)
        field = screen.query_one("#intake-path", Input)
        footer = screen_text(app).splitlines()[-1]
        assert "Vis filene" in footer and "Fullfør" in footer  # the field's keys, in the footer
        await pilot.press(*["backspace"] * len("innboks"), *"inn")
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert field.value == f"{INBOX}/" and app.focused is field
        await pilot.press("tab")  # the folder's first entry, as a shell lists it
        await settle(pilot)
        assert field.value == f"{INBOX}/alfa/" and app.focused is field
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(Path(line.path).name for line in screen.lines.values()) == ["2026-09.xml", "2026-10.xml"]
        field.focus()
        await pilot.press(*"ingenting-her")
        await settle(pilot)
        await pilot.press("tab")  # nothing to complete: tab moves on, the text stays
        await settle(pilot)
        assert app.focused is screen.query_one(MarkableTable) and field.value.endswith("alfa/ingenting-her")
