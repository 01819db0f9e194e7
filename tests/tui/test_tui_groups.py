"""Groups and the pay-day board: create / rename / delete, clients into groups, the board."""

from __future__ import annotations

import pytest

from byraa.core.agency import identity
from byraa.core.clients import groups as core_groups
from byraa.tui.app import ByraaApp
from byraa.tui.screens.board import BoardScreen
from byraa.tui.screens.client_detail import ClientDetailScreen
from byraa.tui.screens.clients import ClientsScreen
from byraa.tui.screens.groups import GroupsScreen
from byraa.tui.widgets.dialogs import ChoiceDialog, ConfirmDialog, TextDialog
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui_support import build_agency, language_restored, screen_text, settle, workspace


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


def names(store) -> list[str]:  # noqa: ANN001
    return [g.name for g in core_groups.list_groups(store)]


async def open_groups(pilot) -> tuple[GroupsScreen, MarkableTable]:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, GroupsScreen)
    return screen, screen.query_one(MarkableTable)


async def test_lists_the_groups(agency_store) -> None:  # noqa: ANN001
    groups = core_groups.list_groups(agency_store)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_groups(pilot)
        assert table.total_count == len(groups) > 0
        text = screen_text(app)
        assert "Gruppe" in text and "Klienter" in text and "Beskrivelse" in text
        assert groups[0].name in text
        assert f"Grupper · {len(groups)}" in screen.sub_title


async def test_create_rename_delete_in_dialogs(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen, table = await open_groups(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)
        await pilot.press(*"Lønn 28.", "enter")
        await settle(pilot)
        assert "Lønn 28." in names(agency_store)
        assert app.screen is screen and screen.current.name == "Lønn 28."
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)
        await pilot.press(*["backspace"] * 3, *"30.", "enter")
        await settle(pilot)
        assert "Lønn 30." in names(agency_store) and "Lønn 28." not in names(agency_store)
        assert screen.current.name == "Lønn 30."
        # Delete asks first; "n" keeps it, "y" deletes.
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert "Lønn 30." in names(agency_store)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Lønn 30." not in names(agency_store)
        assert "Lønn 30." not in [table.row(k).cells[0] for k in table.visible_keys]
        assert any("slettet" in n.message for n in app._notifications)


async def test_a_duplicate_name_is_refused_with_a_notification(agency_store) -> None:  # noqa: ANN001
    existing = names(agency_store)[0]
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_groups(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*existing, "enter")
        await settle(pilot)
        assert any("finnes allerede" in n.message for n in app._notifications)
        assert names(agency_store).count(existing) == 1


async def test_marked_clients_go_into_a_group_from_the_client_list(agency_store) -> None:  # noqa: ANN001
    core_groups.create_group(agency_store, identity.resolve(agency_store, "tester"), "Tom gruppe")
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientsScreen)
        table = screen.query_one(MarkableTable)
        await pilot.press("space", "space", "space")
        marked = screen.marked_ids
        assert len(marked) == 3
        await pilot.press("plus")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert "Ny gruppe…" in screen_text(app)
        choices = [key for key, _label in dialog._choices]
        await pilot.press(*["down"] * choices.index("group:Tom gruppe"), "enter")
        await settle(pilot)
        board = core_groups.board(agency_store, identity.resolve(agency_store, "tester"), "Tom gruppe", "2026-11")
        assert sorted(r.client_id for r in board.rows) == marked
        assert "Tom gruppe" in table.row(str(marked[0])).cells[6]
        # "New group…" creates one and puts the cursor client in it.
        await pilot.press("u")
        await pilot.press("plus")
        await settle(pilot)
        await pilot.press("end", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)
        await pilot.press(*"Helt ny", "enter")
        await settle(pilot)
        board = core_groups.board(agency_store, identity.resolve(agency_store, "tester"), "Helt ny", "2026-11")
        assert [r.client_id for r in board.rows] == [int(table.cursor_key)]
        # "-" takes the marked clients out again (only the groups they are in are offered).
        table.marked.update(str(i) for i in marked)
        await pilot.press("minus")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        choices = [key for key, _label in dialog._choices]
        await pilot.press(*["down"] * choices.index("group:Tom gruppe"), "enter")
        await settle(pilot)
        board = core_groups.board(agency_store, identity.resolve(agency_store, "tester"), "Tom gruppe", "2026-11")
        assert board.rows == ()


async def test_the_board_for_a_group_and_month(agency_store) -> None:  # noqa: ANN001
    who = identity.resolve(agency_store, "tester")
    group = max(core_groups.list_groups(agency_store), key=lambda g: g.clients).name
    expected = core_groups.board(agency_store, who, group, "2026-11")
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_groups(pilot)
        table.move_cursor_to(next(k for k, g in screen.rows.items() if g.name == group))
        await pilot.press("enter")
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen) and board.period == "2026-11"
        text = screen_text(app)
        assert f"{expected.done} av {expected.total} avsluttet og rapportert" in text
        assert "07.12.2026" in text and "15.01.2027" in text  # a-melding and term payment deadlines
        assert "Lønnskjøring" in text and "A-melding" in text and "Ansvarlig" in text
        words = {True: "ja", False: "nei", None: "–"}
        board_table = board.query_one(MarkableTable)
        for r in expected.rows:  # reconciliation signed, tax cards current: yes / no / – (nothing to say)
            cells = board_table.row(str(r.client_id)).cells
            shown = [c if isinstance(c, str) else c.plain for c in cells[4:6]]
            assert shown == [words[r.reconciliation_signed], words[r.tax_cards_current]]
        assert {r.reconciliation_signed for r in expected.rows} >= {True, None}
        assert f"{group} · november 2026" in board.sub_title
        assert board_table.row_count == expected.total
        # "o": only what is not done.
        await pilot.press("o")
        await settle(pilot)
        assert board_table.row_count == expected.total - expected.done
        assert "ikke ferdig" in board.sub_title
        # "[": the month before.
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert board.period == "2026-10" and "oktober 2026" in board.sub_title
        before = core_groups.board(agency_store, who, group, "2026-10", only_open=True)
        assert board_table.row_count == len(before.rows)
        assert "05.11.2026" in screen_text(app)
        # Enter opens the client.
        await pilot.press("o")
        await settle(pilot)
        key = board_table.cursor_key
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientDetailScreen) and app.screen.client_id == int(key)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is board
