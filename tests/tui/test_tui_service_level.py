"""The client's service level and the checks it follows up, seen and set from the run
screen (``N``), and the NAV refunds' open claims naming the employee, at 80x24
(``tests.data.reconcile.folder``). Update with ``--snapshot-update`` only after looking
at the SVGs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from byraa.core.reconcile.checks import mapping, schedule
from byraa.core.store.models import AuditEvent
from byraa.tui.app import ByraaApp
from byraa.tui.screens.reconcile.run import ReconcileRunScreen
from byraa.tui.screens.reconcile.service import ServiceLevelDialog, changes
from tests.builders import org
from tests.data.reconcile.folder import build_year
from tests.tui_support import language_restored, press_then_settle, settle, workspace


@pytest.fixture
def folder_store(sqlite_store, tmp_path: Path):  # noqa: ANN001, ANN201
    build_year(sqlite_store, tmp_path)
    with language_restored():
        yield sqlite_store


def test_the_level_default_is_saved_as_default() -> None:
    no = {"bank_guarantee": None}  # no guarantee is the default: the setting is reset
    assert changes("part", schedule.CLIENT_FOLLOWS_UP["part"]) == {"service_level": "part",
                                                                    "client_follows_up": None} | no
    assert changes("full", ()) == {"service_level": "full", "client_follows_up": None} | no
    assert changes("full", ("open_items",)) == {"service_level": "full", "client_follows_up": "open_items"} | no
    assert changes("part", ()) == {"service_level": "part", "client_follows_up": "none"} | no
    assert changes("full", (), True)["bank_guarantee"] == "yes"


def test_service_level_dialog(snap_compare, folder_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(folder_store))
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle("v", "enter", "N"))


def test_open_claim_names_the_employee(snap_compare, folder_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(folder_store))
    keys = ["v", "enter", *["down"] * 11, "enter"]
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then_settle(*keys))


async def _open_dialog(pilot) -> None:  # noqa: ANN001
    """From the start: the reconciliation list, the first client's run, ``N``."""
    await settle(pilot)
    for key in ("v", "enter", "N"):
        await pilot.press(key)
        await settle(pilot)
    assert isinstance(pilot.app.screen, ServiceLevelDialog)


async def test_part_service_set_on_screen_is_saved_and_audited(folder_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(folder_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_dialog(pilot)
        await pilot.press("down", "space")  # part service: its default list is marked
        await pilot.pause()
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, ReconcileRunScreen)
    who = workspace(folder_store).who
    assert who is not None
    values = {r.key: r for r in mapping.get(folder_store, who, org(1))}
    assert values["service_level"].value == "part"
    assert values["client_follows_up"].value == ",".join(schedule.CLIENT_FOLLOWS_UP["part"])
    assert not values["client_follows_up"].changed
    with folder_store.session() as s:
        actions = {e.entity_id for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "reconcile.setting"))}
    assert actions == {"service_level"}


async def test_a_bank_guarantee_set_on_screen_is_saved_audited_and_shown_again(folder_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(folder_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_dialog(pilot)
        await pilot.press("tab", "tab")  # past the level and the client's checks
        assert app.screen.focused is not None and app.screen.focused.id == "service-guarantee"
        await pilot.press("space", "f3")
        await settle(pilot)
        assert isinstance(app.screen, ReconcileRunScreen)
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, ServiceLevelDialog)
        assert app.screen.query_one("#service-guarantee").value is True
    who = workspace(folder_store).who
    assert who is not None
    values = {r.key: r for r in mapping.get(folder_store, who, org(1))}
    assert (values["bank_guarantee"].value, values["service_level"].value) == ("yes", "full")
    with folder_store.session() as s:
        actions = {e.entity_id for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "reconcile.setting"))}
    assert actions == {"service_level", "bank_guarantee"}  # the level saved as it was shown: full
