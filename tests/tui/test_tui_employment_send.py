"""The send-employment dialog: older ended leaves unmarked by default, space marks, y sends."""

from __future__ import annotations

from datetime import date

from textual.app import App

from byraa.core.reconcile.employment_send import EmploymentLine, LeaveChoice, SendPlan
from byraa.tui.screens.employment_send import EmploymentSendDialog
from tests.builders import org
from tests.tui.test_tui_taxcards import sandbox  # noqa: F401  (fixture)
from tests.tui_support import screen_text

PLAN = SendPlan(
    org(1), "Klient A", 7, "Kari Nordmann", "410185*****", "12", "2026-12",
    [EmploymentLine("1", org(11), "ordinaertArbeidsforhold", date(2020, 1, 1), None, "2512101", 100.0, 37.5)],
    [LeaveChoice(31, "1", date(2025, 1, 6), date(2025, 1, 10), 100.0, "velferdspermisjon", False),
     LeaveChoice(32, "1", date(2026, 3, 1), date(2026, 4, 30), 100.0, "foreldrepermisjon", False),
     LeaveChoice(33, "1", date(2026, 12, 5), None, 20.0, "utdanningspermisjon", True)])


class _Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[tuple[int, ...] | None] = []

    def on_mount(self) -> None:
        self.push_screen(EmploymentSendDialog(PLAN), self.answers.append)


async def _run(*keys: str) -> tuple[list, str]:
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        await pilot.press(*keys)
        await pilot.pause()
        assert not isinstance(app.screen, EmploymentSendDialog)
    return app.answers, text


async def test_nothing_older_is_sent_unless_marked() -> None:
    answers, text = await _run("y")
    assert answers == [()]
    assert "utdanningspermisjon" in text and "foreldrepermisjon" in text and "y sender" in text


async def test_space_marks_an_older_leave_to_send_along() -> None:
    answers, _text = await _run("down", "space", "y")
    assert answers == [(32,)]


async def test_escape_sends_nothing() -> None:
    answers, _text = await _run("space", "escape")
    assert answers == [None]


def test_snapshot_send_employment_dialog(snap_compare) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await pilot.pause()
        await pilot.press("down", "space")
        await pilot.pause()

    assert snap_compare(_Host(), terminal_size=(80, 24), run_before=run_before)


async def test_o_on_an_employee_sends_to_the_sandbox(sandbox, sqlite_store) -> None:  # noqa: ANN001, F811
    from sqlalchemy import select

    from byraa.core.store.models import Employee, Employment
    from byraa.tui.app import ByraaApp
    from byraa.tui.screens.client_detail import ClientDetailScreen
    from byraa.tui.widgets.markable_table import MarkableTable
    from tests.tui.test_tui_taxcards import wait_until
    from tests.tui_support import settle, workspace

    app = ByraaApp(workspace(sqlite_store))
    with sqlite_store.session() as s:
        person = s.scalars(select(Employee).join(Employment, Employment.employee_id == Employee.id)
                           .where(Employment.end_date.is_(None), Employment.sub_unit_id.is_not(None))).first()
        client_id, employee_id = person.client_id, person.id
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.open_client(client_id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientDetailScreen)
        assert screen.query_one("#employees-table", MarkableTable).move_cursor_to(str(employee_id))
        await pilot.press("O")
        await wait_until(pilot, lambda: isinstance(app.screen, EmploymentSendDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: any("a-ordningen" in str(n.message) for n in app._notifications))
        assert len(sandbox.submissions) == 1
        assert any("tok imot" in str(n.message) for n in app._notifications), \
            [n.message for n in app._notifications]
