"""The client list and a client's detail: filter, marks, sort, open, access, reveal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from byraa.core.agency import identity
from byraa.core.base import ids
from byraa.core.clients import registry as core_clients
from byraa.core.store.models import AuditEvent, Employee
from byraa.tui.app import ByraaApp
from byraa.tui.screens.client_detail import ClientDetailScreen
from byraa.tui.screens.clients import ClientsScreen
from byraa.tui.widgets.filter_bar import FilterBar
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui_support import (
    build_agency,
    clerk_with_partial_access,
    language_restored,
    screen_text,
    settle,
    workspace,
)


@pytest.fixture
def agency_store(sqlite_store):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    with language_restored():
        yield sqlite_store


async def open_clients(pilot) -> tuple[ClientsScreen, MarkableTable]:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ClientsScreen)
    return screen, screen.query_one(MarkableTable)


def rows_of(store, login: str = "tester") -> list[core_clients.ClientRow]:  # noqa: ANN001
    return core_clients.list_clients(store, identity.resolve(store, login))


async def test_lists_every_client_with_its_columns(agency_store) -> None:  # noqa: ANN001
    rows = rows_of(agency_store)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await open_clients(pilot)
        assert table.total_count == table.row_count == len(rows) == 12
        assert table.visible_keys == [str(r.id) for r in rows]  # the core's order: by name
        text = screen_text(app)
        for label in ("Org.nr.", "Klient", "Status", "A-melding", "Ansvarlig", "Lønnsdag"):
            assert label in text
        first = rows[0]
        assert ids.format_org_number(first.org_number) in text
        assert first.name in text
        assert "Klienter · 12" in screen.sub_title


async def test_filter_narrows_live_and_escape_clears_then_leaves(agency_store) -> None:  # noqa: ANN001
    rows = rows_of(agency_store)
    needle = "utbetaling 20."
    expected = [str(r.id) for r in core_clients.filter_rows(rows, needle)]
    assert 0 < len(expected) < len(rows)
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_clients(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.focused.parent, FilterBar)
        await pilot.press(*needle)
        await settle(pilot)
        assert screen.filter_text == needle
        assert table.visible_keys == expected
        assert f"{len(expected)} av 12" in screen.sub_title
        assert "filter «utbetaling 20.»" in screen.sub_title
        hidden = next(r for r in rows if str(r.id) not in expected)
        assert hidden.name not in screen_text(app)
        # Enter applies and returns to the table with the filter still on.
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is table and table.visible_keys == expected
        # Esc in the filter clears it, a second Esc leaves it.
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert screen.filter_text == "" and table.row_count == 12
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is table
        assert isinstance(app.screen, ClientsScreen)


async def test_a_filter_matching_nothing_says_so(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_clients(pilot)
        await pilot.press("slash", *"zzzz")
        await settle(pilot)
        assert table.row_count == 0
        assert "Ingen klienter passer med filteret." in screen_text(app)


async def test_marking_counts_in_the_subtitle(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_clients(pilot)
        first, second = table.visible_keys[:2]
        await pilot.press("space")  # marks and moves down
        await settle(pilot)
        assert table.marked == {first} and table.cursor_key == second
        assert "1 markert" in screen.sub_title
        assert "●" in screen_text(app)
        await pilot.press("space")
        await settle(pilot)
        assert screen.marked_ids == sorted(int(k) for k in (first, second))
        await pilot.press("k", "space")  # unmark the second again
        await settle(pilot)
        assert table.marked == {first}
        # ``a`` marks every visible row (after a filter: only those), ``u`` clears all.
        await pilot.press("slash", *"aktiv", "enter")
        await settle(pilot)
        visible = set(table.visible_keys)
        await pilot.press("a")
        await settle(pilot)
        assert table.marked == visible | {first}
        assert f"{len(visible | {first})} markert" in screen.sub_title
        await pilot.press("u")
        await settle(pilot)
        assert table.marked == set()
        assert "markert" not in screen.sub_title


async def test_sort_cycles_columns_reverses_and_follows_header_clicks(agency_store) -> None:  # noqa: ANN001
    rows = {str(r.id): r for r in rows_of(agency_store)}
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await open_clients(pilot)
        await pilot.press("s")  # first column: org. no.
        await settle(pilot)
        assert table.sort_column == 0
        assert [rows[k].org_number for k in table.visible_keys] == sorted(r.org_number for r in rows.values())
        assert "Org.nr. ▲" in screen_text(app)
        await pilot.press("S")
        await settle(pilot)
        assert [rows[k].org_number for k in table.visible_keys] == sorted(
            (r.org_number for r in rows.values()), reverse=True)
        assert "Org.nr. ▼" in screen_text(app)
        await pilot.press("s", "s", "s", "s", "s")  # name, status, a-melding, responsible, pay day
        await settle(pilot)
        assert table.columns[table.sort_column].key == "pay_day"
        pay_days = [rows[k].pay_day for k in table.visible_keys]
        assert pay_days == sorted(pay_days)
        # Clicking the "A-melding" header sorts by it; clicking again reverses.
        header = screen_text(app).splitlines()[1]
        x = header.index("A-melding")
        await pilot.click(MarkableTable, offset=(x + 1, 0))
        await settle(pilot)
        assert table.columns[table.sort_column].key == "amelding"
        latest = [(rows[k].last_amelding_period or "", rows[k].last_amelding_status or "") for k in table.visible_keys]
        assert latest == sorted(latest)
        await pilot.click(MarkableTable, offset=(x + 1, 0))
        await settle(pilot)
        latest = [(rows[k].last_amelding_period or "", rows[k].last_amelding_status or "") for k in table.visible_keys]
        assert latest == sorted(latest, reverse=True)
        assert "A-melding ▼" in screen_text(app)


async def test_enter_opens_the_detail_and_escape_returns(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_clients(pilot)
        await pilot.press("j", "j")
        key = table.cursor_key
        await pilot.press("enter")
        await settle(pilot)
        detail_screen = app.screen
        assert isinstance(detail_screen, ClientDetailScreen)
        detail = detail_screen.detail
        assert detail is not None and str(detail.client.id) == key
        text = screen_text(app)
        assert ids.format_org_number(detail.client.org_number) in text
        assert "1 Ansatte" in text and "2 Lønnskjøringer" in text and "3 A-meldinger" in text
        employee = detail.employees[0]
        assert employee.national_id in text and employee.national_id.endswith("*****")
        assert employee.name in text
        # The payroll runs, amounts the Norwegian way.
        await pilot.press("2")
        await settle(pilot)
        run = detail.runs[0]
        text = screen_text(app)
        from byraa.core.words import formatting as fmt

        assert fmt.month_column(run.period) in text  # 11.2026: a month in a column

        assert fmt.nok(run.gross) in text
        await pilot.press("3")
        await settle(pilot)
        assert fmt.month_column(detail.submissions[0].period) in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and table.cursor_key == key


async def test_revealing_a_national_id_shows_that_row_only_and_audits(agency_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_clients(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        employees = screen.detail.employees
        await pilot.press("j")
        await pilot.press("i")
        await settle(pilot)
        target = employees[1]
        with agency_store.session() as session:
            full = session.get(Employee, target.id).national_id
            others = [session.get(Employee, e.id).national_id for e in employees if e.id != target.id]
            audited = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "national_id.reveal")))
        text = screen_text(app)
        assert full in text
        assert not any(other in text for other in others)
        assert [(e.actor, e.entity_id) for e in audited] == [("tester", str(target.id))]
        # ``i`` again masks it again.
        await pilot.press("i")
        await settle(pilot)
        assert full not in screen_text(app)


async def test_a_clerk_sees_every_row_but_cannot_open_a_client_without_access(agency_store) -> None:  # noqa: ANN001
    login, granted, refused = clerk_with_partial_access(agency_store)
    app = ByraaApp(workspace(agency_store, login))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen, table = await open_clients(pilot)
        assert table.total_count == 12  # the agency overview: every client
        locked = [key for key in table.visible_keys if int(key) in refused]
        assert locked and all(table.row(key).muted and table.row(key).flag == "⊘" for key in locked)
        assert all(not table.row(str(key)).muted for key in granted)
        assert "⊘" in screen_text(app)
        table.move_cursor_to(locked[0])
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen  # nothing opened
        messages = [n.message for n in app._notifications]
        assert any("ikke tilgang" in m for m in messages)
        text = screen_text(app)
        assert "Ingen tilgang" in text
        # Nothing of that client's payroll anywhere: no employee names, no national ids.
        with agency_store.session() as session:
            people = list(session.scalars(select(Employee).where(Employee.client_id == int(locked[0]))))
        assert people
        for person in people:
            assert person.name not in text
            assert person.national_id[:6] not in text
        # A client the clerk has access to opens.
        table.move_cursor_to(str(min(granted)))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientDetailScreen) and app.screen.detail is not None


async def test_the_detail_screen_refuses_on_its_own(agency_store) -> None:  # noqa: ANN001
    """Even if the list were stale, the detail screen asks the core and shows the refusal."""
    login, _granted, refused = clerk_with_partial_access(agency_store)
    client_id = min(refused)
    app = ByraaApp(workspace(agency_store, login))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_client(client_id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientDetailScreen)
        assert screen.detail is None and screen.refused
        text = screen_text(app)
        assert "Ingen tilgang" in text and "ikke tilgang" in text
        with agency_store.session() as session:
            names = list(session.scalars(select(Employee.name).where(Employee.client_id == client_id)))
        assert not any(name in text for name in names)
        await pilot.press("i")  # nothing to reveal
        await settle(pilot)
        with agency_store.session() as session:
            assert not list(session.scalars(select(AuditEvent).where(AuditEvent.action == "national_id.reveal")))
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ClientDetailScreen)


async def test_keys_typed_fast_after_slash_land_in_the_filter(agency_store) -> None:  # noqa: ANN001
    """A fast typist (or a paste) sends ``/berg`` before the app has drawn anything."""
    from textual import events

    app = ByraaApp(workspace(agency_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_clients(pilot)
        for key, char in (("slash", "/"), ("b", "b"), ("e", "e"), ("r", "r"), ("g", "g")):
            app._driver.send_message(events.Key(key, char))
        await settle(pilot)
        assert screen.filter_text == "berg"
        # "/" inside the filter is text, not the key that opens it.
        await pilot.press("slash")
        await settle(pilot)
        assert screen.filter_text == "berg/"
