"""The audit-trail screen: managers read who did what; clerks are refused with the reason."""

from __future__ import annotations

import csv
import stat

import pytest
from sqlalchemy import select

from byraa.core.agency import access_admin, identity
from byraa.core.clients import registry
from byraa.core.store.models import Client, Employee
from byraa.tui.app import ByraaApp
from byraa.tui.screens.audit import AuditScreen
from byraa.tui.widgets.dialogs import TextDialog, TextViewer
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
def audit_store(sqlite_store):  # noqa: ANN001, ANN201
    """The demo agency, then a national id revealed and an access grant (the newest two events)."""
    build_agency(sqlite_store)
    who = identity.resolve(sqlite_store, "tester")
    clerk, _granted, refused = clerk_with_partial_access(sqlite_store)
    with sqlite_store.session() as s:
        person = s.scalars(select(Employee).order_by(Employee.id)).first()
        org = s.scalar(select(Client.org_number).where(Client.id == min(refused)))
        sqlite_store.person = (person.id, person.name, person.national_id)  # type: ignore[attr-defined]
    registry.reveal_national_id(sqlite_store, who, person.id)
    access_admin.grant(sqlite_store, who, clerk, "associate", org_numbers=[org])
    with language_restored():
        yield sqlite_store


async def open_audit(pilot) -> tuple[AuditScreen, MarkableTable]:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("L")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AuditScreen)
    return screen, screen.query_one(MarkableTable)


async def test_newest_first_filters_and_the_event(audit_store) -> None:  # noqa: ANN001
    _pid, name, nid = audit_store.person
    app = ByraaApp(workspace(audit_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_audit(pilot)
        keys = table.visible_keys
        assert [int(k) for k in keys] == sorted((int(k) for k in keys), reverse=True)
        newest, second = screen.rows[keys[0]], screen.rows[keys[1]]
        assert newest.action == "access.grant" and second.action == "national_id.reveal"
        text = screen_text(app)
        assert "ga tilgang" in text and "viste et fødselsnummer" in text and nid not in text
        await pilot.press("slash", *"handling:national_id")
        await settle(pilot)
        assert [screen.rows[k].action for k in table.visible_keys] == ["national_id.reveal"]
        assert name in screen_text(app) and f"{nid[:6]}*****" in screen_text(app)
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("slash", *"siden:31.02.2026")
        await settle(pilot)
        assert "ikke en dato" in screen.sub_title
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("slash", *"bruker:ingen")
        await settle(pilot)
        assert table.row_count == 0
        await pilot.press("escape", "escape")
        await settle(pilot)
        table.move_cursor_to(keys[0])
        await pilot.press("enter")
        await settle(pilot)
        viewer = app.screen
        assert isinstance(viewer, TextViewer)
        shown = screen_text(app)
        assert "Før:" in shown and "Etter:" in shown and "associate" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_action_family_key_reads_again(audit_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(audit_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_audit(pilot)
        await pilot.press("y")  # national ids
        await settle(pilot)
        assert screen.family == "national_id" and "handling: national_id" in screen.sub_title
        assert {screen.rows[k].family for k in table.visible_keys} == {"national_id"}
        names = [c.name for c in app.palette_commands(screen)]
        assert "Revisjonslogg: Eksporter" in names and "Revisjonslogg: Bare access" in names


async def test_export_the_rows_shown(audit_store, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "logg.csv"
    app = ByraaApp(workspace(audit_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_audit(pilot)
        await pilot.press("slash", *"handling:access", "enter")
        await settle(pilot)
        expected = [int(k) for k in table.visible_keys]
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        dialog.query_one("Input").value = str(out)
        await pilot.press("enter")
        await settle(pilot)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert [int(r[0]) for r in rows[1:]] == expected and rows[1][3] == "access.grant"


async def test_clerk_is_refused_with_the_reason(audit_store) -> None:  # noqa: ANN001
    clerk, _granted, _refused = clerk_with_partial_access(audit_store)
    app = ByraaApp(workspace(audit_store, clerk))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_audit(pilot)
        assert table.row_count == 0 and screen.rows == {}
        assert "bare en byråleder kan lese revisjonsloggen" in screen_text(app)
        assert app.screen.check_action("export", ()) is None


def test_snapshot_audit(snap_compare, audit_store) -> None:  # noqa: ANN001
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)

    assert snap_compare(ByraaApp(workspace(audit_store)), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_audit_refused(snap_compare, audit_store) -> None:  # noqa: ANN001
    clerk, _granted, _refused = clerk_with_partial_access(audit_store)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)

    assert snap_compare(ByraaApp(workspace(audit_store, clerk)), terminal_size=(80, 24), run_before=run_before)


def test_every_action_byraa_records_has_words() -> None:
    """The source's audit actions (literal, and the families built from a status), each in
    ACTION_WORDS with an nb translation: a new action otherwise shows as its code."""
    import re
    from pathlib import Path

    from byraa.core.reconcile.runs import RESOLUTIONS
    from byraa.core.words.audit_actions import ACTION_WORDS, action_words
    from byraa.core.words.i18n import set_language

    source = Path(__file__).resolve().parents[2] / "src" / "byraa"
    text = "\n".join(p.read_text(encoding="utf-8") for p in source.rglob("*.py"))
    literal = set(re.findall(r'\baction="([a-z_.]+)"', text))
    literal |= set(re.findall(r'_update\(store, who, c\.id, "([a-z_.]+)"', text))
    built = {f"posting.journal.{s}" for s in ("imported", "replaced")} | {f"reconcile.{r}" for r in RESOLUTIONS}
    assert len(literal) > 40 and "posting.journal.{status}" not in literal
    assert sorted((literal | built) - set(ACTION_WORDS)) == []
    with language_restored():
        set_language("nb")
        untranslated = [a for a in literal | built if action_words(a) == ACTION_WORDS[a]]
    assert untranslated == []
