"""The archive screen: list by access, filter, kind/direction keys, viewer, save a copy."""

from __future__ import annotations

import stat
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from byraa.core import taxcards
from byraa.core.agency import identity
from byraa.core.base import clock
from byraa.core.clients import archive
from byraa.core.clients import archive as core_archive
from byraa.core.clients.archive import ArchiveRecord
from byraa.core.store.models import ArchiveFile, Client
from byraa.core.words import formatting as fmt
from byraa.tui.app import ByraaApp
from byraa.tui.screens.archive import ArchiveFileScreen, ArchiveScreen, SavePathDialog
from byraa.tui.widgets.dialogs import ConfirmDialog
from byraa.tui.widgets.markable_table import MarkableTable
from tests.tui_support import build_agency, clerk_with_partial_access, language_restored, screen_text, settle, workspace

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "skattekortresponse-eksempel.xml"
SAMPLE_ORG = "312485494"


def fill_archive(store) -> dict[str, int]:  # noqa: ANN001
    """The demo agency (its archived feedback set aside; the a-meldinger and ledgers its
    intake archived stay, the sources point at them) plus archived files: the tax-card
    sample, a feedback, a token exchange."""
    build_agency(store)
    with store.session() as s:
        s.execute(delete(ArchiveFile).where(ArchiveFile.kind == "feedback"))
        s.add(Client(org_number=SAMPLE_ORG, name="Eksempel AS", created_at=clock.now()))
        first = s.scalars(select(Client).where(Client.org_number != SAMPLE_ORG).order_by(Client.name)).first()
        first_org = first.org_number
    who = identity.resolve(store, "tester")
    sample_id = taxcards.import_file(store, who, SAMPLE).archive_ids[0]
    arch = archive.StoreArchiver(store, "tester")
    ids = {"sample": sample_id}
    ids["feedback"] = arch(ArchiveRecord(
        "feedback", "in", b'{"mottak":{"mottakstatus":"avvist","avvik":[{"kode":"x"}]}}', org_number=first_org,
        period="2026-10", content_type="application/json", correlation_id="5f1c2a9e-7d2b-4c1e-9b0a-2f6d3e4c5b6a",
        filename="tilbakemelding-2026-10.json"))
    ids["order"] = arch(ArchiveRecord(
        "taxcard", "out", b'{"inntektsaar":"2026","arbeidsgiver":[]}', org_number=first_org, period="2026",
        content_type="application/json", correlation_id="c-order-1", method="POST", url="http://sandbox/bestill"))
    ids["token"] = arch(ArchiveRecord(
        "token", "out", b"grant_type=jwt-bearer&assertion=<redacted>",
        content_type="application/x-www-form-urlencoded", note="assertion redacted"))
    return ids


@pytest.fixture
def archive_store(sqlite_store):  # noqa: ANN001, ANN201
    fill_archive(sqlite_store)
    with language_restored():
        yield sqlite_store


async def open_archive(pilot) -> tuple[ArchiveScreen, MarkableTable]:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ArchiveScreen)
    return screen, screen.query_one(MarkableTable)


def _total(store) -> int:  # noqa: ANN001
    with store.session() as s:
        return len(list(s.scalars(select(ArchiveFile.id))))


async def test_lists_every_file_newest_first(archive_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(archive_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_archive(pilot)
        with archive_store.session() as s:
            expected = [str(i) for i in s.scalars(select(ArchiveFile.id).order_by(ArchiveFile.id.desc()))]
        # The four files archived here, after the a-meldinger and ledgers the demo's intake read.
        assert table.visible_keys == expected and len(expected) == _total(archive_store) > 4
        text = screen_text(app)
        assert "Tidspunkt" in text and "Klient" in text and "Art" in text
        assert "byrå " in text  # the token exchange is agency-level
        assert f"Arkiv · {len(expected)} · art: alle · retn.: alle" in screen.sub_title


async def test_filter_kind_and_direction(archive_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(archive_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_archive(pilot)
        await pilot.press("slash", *"eksempel")
        await settle(pilot)
        assert table.row_count == 1
        entry = screen.entries[table.visible_keys[0]]
        assert entry.org_number == SAMPLE_ORG
        total = _total(archive_store)
        assert f"1 av {total}" in screen.sub_title and "filter «eksempel»" in screen.sub_title
        await pilot.press("escape", "escape")  # clear, leave
        await settle(pilot)
        assert table.row_count == total
        await pilot.press("y")  # kind: tax card
        await settle(pilot)
        assert screen.kind == "taxcard" and {screen.entries[k].kind for k in table.visible_keys} == {"taxcard"}
        assert table.row_count == 2 and "art: skattekort" in screen.sub_title
        await pilot.press("o")  # direction: in
        await settle(pilot)
        assert [screen.entries[k].direction for k in table.visible_keys] == ["in"]
        assert "retn.: inn" in screen.sub_title
        await pilot.press("o", "o")  # out, then all
        await settle(pilot)
        assert screen.direction is None and table.row_count == 2
        await pilot.press("slash", *"10.2026")  # periods are found the Norwegian way too
        await settle(pilot)
        assert table.row_count == 0
        await pilot.press("escape", "escape")
        for _ in core_archive.KINDS:  # a07 … posting_saft, then all kinds again
            await pilot.press("y")
        await settle(pilot)
        assert screen.kind is None
        await pilot.press("slash", *"10.2026")
        await settle(pilot)
        # The feedback archived here, and the a-meldinger and posting journals of October the
        # demo's intake read.
        kinds = Counter(screen.entries[k].kind for k in table.visible_keys)
        assert kinds["feedback"] == 1 and kinds["amelding"] > 0 and kinds["posting_journal"] > 0
        assert set(kinds) == {"feedback", "amelding", "posting_journal"}


async def test_clerk_sees_only_their_clients_files(archive_store) -> None:  # noqa: ANN001
    clerk, granted, _refused = clerk_with_partial_access(archive_store)
    app = ByraaApp(workspace(archive_store, clerk))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_archive(pilot)
        shown = [screen.entries[k] for k in table.visible_keys]
        assert all(e.client_id in granted for e in shown)
        assert all(e.kind != "token" for e in shown)


async def test_open_a_file_shows_pretty_xml(archive_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(archive_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_archive(pilot)
        sample = next(k for k, e in screen.entries.items() if e.org_number == SAMPLE_ORG)
        table.move_cursor_to(sample)
        await pilot.press("enter")
        await settle(pilot)
        viewer = app.screen
        assert isinstance(viewer, ArchiveFileScreen)
        assert viewer.text.startswith("<")
        lines = viewer.text.splitlines()
        assert len(lines) > 20 and any(line.startswith("  <") for line in lines)  # indented, one element a line
        assert "skattekortTilArbeidsgiver" in viewer.text
        text = screen_text(app)
        assert "Eksempel AS" in text and "skattekort" in text and "<" in text
        await pilot.press("pagedown", "end")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_large_file_shows_the_first_part_with_a_note(archive_store) -> None:  # noqa: ANN001
    from byraa.tui.screens.archive import words as screen_module

    big = b'{"rows":[' + b",".join(b'{"n":%d,"text":"%s"}' % (i, b"x" * 200) for i in range(4000)) + b"]}"
    archive.StoreArchiver(archive_store, "tester")(ArchiveRecord("a07", "in", big, content_type="application/json"))
    app = ByraaApp(workspace(archive_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_archive(pilot)
        assert screen.entries[table.visible_keys[0]].kind == "a07"
        await pilot.press("enter")
        await settle(pilot)
        viewer = app.screen
        assert isinstance(viewer, ArchiveFileScreen) and viewer.cut
        assert len(viewer.text) <= screen_module.VIEW_LIMIT
        lines = viewer.text.count("\n") + 1
        assert f"En lang fil: de første {fmt.count(lines)} linjene" in screen_text(app)


async def test_save_a_copy_is_private_identical_and_asks_before_overwriting(archive_store, tmp_path) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(archive_store))
    out = tmp_path / "kopi.xml"
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_archive(pilot)
        sample = next(k for k, e in screen.entries.items() if e.org_number == SAMPLE_ORG)
        table.move_cursor_to(sample)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SavePathDialog)
        field = dialog.query_one("#save-path")
        stored = screen.entries[sample].filename
        assert stored, "the sample is a file archived with its name"
        assert field.value == f"~/{Path(stored).name}"
        field.value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert out.read_bytes() == SAMPLE.read_bytes()
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        # Again to the same path: asked first; "no" leaves the file alone.
        out.write_bytes(b"changed")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#save-path").value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert out.read_bytes() == b"changed"
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#save-path").value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert out.read_bytes() == SAMPLE.read_bytes()
        assert app.screen is screen


async def test_palette_lists_the_archive_commands(archive_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(archive_store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _table = await open_archive(pilot)
        names = [c.name for c in app.palette_commands(screen)]
        assert "Arkiv: Lagre en kopi" in names and "Arkiv: Bare skattekort" in names
        assert "Vis: Innstillinger" in names


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def _press(*keys: str):  # noqa: ANN202
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_archive(snap_compare, archive_store, size) -> None:  # noqa: ANN001
    assert snap_compare(ByraaApp(workspace(archive_store)), terminal_size=size, run_before=_press("f"))


def test_snapshot_archive_file(snap_compare, archive_store) -> None:  # noqa: ANN001
    assert snap_compare(ByraaApp(workspace(archive_store)), terminal_size=(80, 24),
                        run_before=_press("f", "slash", *"eksempel", "enter", "enter"))
