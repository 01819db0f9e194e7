"""The archive viewer is a pager: long lines are read by scrolling sideways."""

from __future__ import annotations

import pytest

from byraa.core.clients import archive
from byraa.core.clients.archive import ArchiveRecord
from byraa.tui.app import ByraaApp
from byraa.tui.screens.archive import ArchiveFileScreen
from byraa.tui.screens.archive.file import FileBody
from tests.tui.test_tui_archive import fill_archive, open_archive
from tests.tui_support import language_restored, screen_text, settle, workspace

LONG = "fnr;navn;" + ";".join(f"felt{i:03d}" for i in range(60)) + ";SLUTT"
"""One line of about 500 characters: far wider than 80 columns."""


@pytest.fixture
def long_line_store(sqlite_store):  # noqa: ANN001, ANN201
    fill_archive(sqlite_store)
    body = ("\n".join([LONG] + [f"rad {n};kort" for n in range(60)]) + "\n").encode()
    archive.StoreArchiver(sqlite_store, "tester")(
        ArchiveRecord("a07", "in", body, content_type="text/csv", filename="a07-lang.csv"))
    with language_restored():
        yield sqlite_store


async def open_long_file(pilot) -> FileBody:  # noqa: ANN001
    _screen, _table = await open_archive(pilot)
    await pilot.press("enter")  # the newest file first: the long one
    await settle(pilot)
    viewer = pilot.app.screen
    assert isinstance(viewer, ArchiveFileScreen) and viewer.text.startswith("fnr;navn;")
    return viewer.query_one(FileBody)


async def test_left_right_home_end_scroll_sideways(long_line_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(long_line_store))
    async with app.run_test(size=(80, 24)) as pilot:
        body = await open_long_file(pilot)
        assert body.has_focus and body.scroll_x == 0 and body.max_scroll_x > 300
        assert "SLUTT" not in screen_text(app)
        await pilot.press("right", "right")
        await settle(pilot)
        assert body.scroll_x == 2 * FileBody.STEP
        await pilot.press("left")
        await settle(pilot)
        assert body.scroll_x == FileBody.STEP
        await pilot.press("end")
        await settle(pilot)
        assert body.scroll_x == body.max_scroll_x and "SLUTT" in screen_text(app)
        await pilot.press("right")  # past the end: stays
        await settle(pilot)
        assert body.scroll_x == body.max_scroll_x
        # Down a line and a page keeps the sideways position (no cursor pulls it back).
        await pilot.press("down", "pagedown")
        await settle(pilot)
        assert body.scroll_y > 1 and body.scroll_x == body.max_scroll_x
        await pilot.press("home")
        await settle(pilot)
        assert body.scroll_x == 0 and "rad " in screen_text(app)
        await pilot.press("left")
        await settle(pilot)
        assert body.scroll_x == 0
        await pilot.press("G")
        await settle(pilot)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        await settle(pilot)
        assert body.scroll_y == 0


async def test_help_lists_the_sideways_keys(long_line_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(long_line_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_long_file(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app)
        assert "Rull til høyre" in text and "Linjeslutt" in text


def test_snapshot_long_line_scrolled_to_its_end(snap_compare, long_line_store) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        for key in ("f", "enter", "end"):
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(ByraaApp(workspace(long_line_store)), terminal_size=(80, 24), run_before=run_before)
