"""Enforcement: a clerk without access to a client never sees its payroll data anywhere.

As a clerk of the demo agency WITHOUT access to one client, this walks every top-level
screen (``byraa.tui.navigation.SECTIONS``, so screens added later are covered), that
client's detail, every headless command that lists data (``byraa.cli.main.SUBCOMMANDS``:
a subcommand nobody classified fails the test) and every report export, and proves
that none of the client's national ids (masked or not), payroll amounts (the Norwegian
way and as plain numbers) or tax cards appear. A screen or command that crashes fails.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from byraa.cli.main import SUBCOMMANDS, main
from byraa.core.clients import groups as core_groups
from byraa.core.store.models import Client, Employee, PayrollRun
from byraa.core.store.models_altinn import TaxCard
from byraa.core.words import formatting as fmt
from byraa.tui.app import ByraaApp
from byraa.tui.navigation import SECTIONS
from byraa.tui.widgets.markable_table import MarkableTable
from byraa.tui.worker_errors import error_log_path
from tests.tui_support import build_agency, clerk_with_partial_access, language_restored, screen_text, settle, workspace


@dataclass
class Secret:
    login: str
    client_id: int
    org_number: str
    exact: list[str]
    """Strings that must not appear anywhere (ids, formatted amounts, tax-card ids)."""
    numbers: list[str]
    """Plain numbers that must not appear as a whole number (not inside a longer one)."""

    def leaks(self, text: str) -> list[str]:
        found = [s for s in self.exact if s in text]
        found += [n for n in self.numbers if re.search(rf"(?<![\d.,]){re.escape(n)}(?![\d])", text)]
        return found


@pytest.fixture
def secret(sqlite_store, monkeypatch):  # noqa: ANN001, ANN201
    build_agency(sqlite_store)
    login, granted, refused = clerk_with_partial_access(sqlite_store)
    with sqlite_store.session() as session:
        # The refused client with the most payroll: the most to leak.
        client_id = max(refused, key=lambda c: len(list(session.scalars(
            select(PayrollRun.id).where(PayrollRun.client_id == c)))))
        client = session.get(Client, client_id)
        employees = list(session.scalars(select(Employee).where(Employee.client_id == client_id)))
        assert employees, "the client needs employees for the test to mean something"
        # Tax cards for the client's employees with distinctive ids, replacing the demo's.
        session.execute(update(TaxCard).where(TaxCard.client_id == client_id, TaxCard.income_year == 2026)
                        .values(is_current=False))
        for e in employees:
            session.add(TaxCard(client_id=client_id, employee_id=e.id, income_year=2026,
                                fetched_at=datetime(2026, 11, 1, tzinfo=UTC), result="skattekortopplysningerOK",
                                kind="trekkprosent", percentage=33.0, card_id=f"LEAKCARD{e.id:06d}"))
        session.commit()
        visible_masked = {
            n[:6] for n in session.scalars(select(Employee.national_id).where(Employee.client_id.in_(granted)))
        }
        runs = list(session.scalars(select(PayrollRun).where(PayrollRun.client_id == client_id)))
    exact: list[str] = []
    for e in employees:
        exact.append(e.national_id)
        if e.national_id[:6] not in visible_masked:  # another client's employee may share a birth date
            exact.append(e.national_id[:6] + "*****")
        exact.append(f"LEAKCARD{e.id:06d}")
    numbers: list[str] = []
    for run in runs:
        for ore in (run.gross, run.withholding, run.employer_contribution):
            if ore < 100_000:  # under 1 000 kr: too short to be told from other numbers
                continue
            exact += [fmt.nok(ore), fmt.nok(ore, decimals=False)]
            numbers += [str(ore), str(ore // 100), f"{ore / 100:.2f}", f"{ore / 100:.2f}".replace(".", ",")]
    assert runs and numbers
    monkeypatch.setenv("BYRAA_DATABASE_URL", sqlite_store.url)
    monkeypatch.setenv("BYRAA_USER", login)
    with language_restored():
        yield Secret(login, client_id, client.org_number, sorted(set(exact)), sorted(set(numbers)))


def _all_text(app) -> str:  # noqa: ANN001
    """What the terminal shows, plus every row of every table (also those scrolled away)."""
    parts = [screen_text(app)]
    for table in app.screen.query(MarkableTable):
        for key in table.visible_keys:
            row = table.row(key)
            parts.append(" | ".join(c if isinstance(c, str) else c.plain for c in row.cells))
    return "\n".join(parts)


def _assert_clean(secret: Secret, text: str, where: str) -> None:
    leaks = secret.leaks(text)
    assert not leaks, f"{where} shows data of a client the clerk has no access to: {leaks[:5]}"


def _assert_no_crash(app, where: str) -> None:  # noqa: ANN001
    assert app._exception is None, f"{where} crashed: {app._exception!r}"
    # Any error toast is a failure here (a refused read, or a bug reported as "Uventet feil").
    broken = [f"{n.title}: {n.message}" for n in app._notifications if n.severity == "error"]
    assert not broken, f"{where} failed: {broken}"
    assert not error_log_path().exists(), f"{where} logged a bug: {error_log_path().read_text()[-2000:]}"


@pytest.mark.parametrize("section", SECTIONS, ids=[s.mode for s in SECTIONS])
async def test_no_screen_shows_the_clients_data(secret, sqlite_store, section) -> None:  # noqa: ANN001
    """Every screen of the navigation table (one test each, so they run in parallel)."""
    app = ByraaApp(workspace(sqlite_store, secret.login))
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await settle(pilot)
        app.action_show(section.mode)
        await settle(pilot)
        where = f"screen {section.mode}"
        _assert_no_crash(app, where)
        _assert_clean(secret, _all_text(app), where)
        # Views and tabs inside the screen (1–5), and the months before.
        for key in ("1", "2", "3", "4", "5", "left_square_bracket"):
            if app.screen.query("Input:focus"):
                break
            await pilot.press(key)
            await settle(pilot)
            _assert_no_crash(app, f"{where} after {key}")
            _assert_clean(secret, _all_text(app), f"{where} after {key}")
            while len(app.screen_stack) > 1:  # a key that opened something: back to the screen
                app.pop_screen()
                await settle(pilot)


async def test_no_board_and_not_the_clients_own_detail_shows_its_data(secret, sqlite_store) -> None:  # noqa: ANN001
    app = ByraaApp(workspace(sqlite_store, secret.login))
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await settle(pilot)
        # The board of every group the client is in.
        from byraa.tui.screens.board import BoardScreen

        who_groups = [g.name for g in core_groups.list_groups(sqlite_store)]
        assert who_groups
        for name in who_groups:
            board = BoardScreen(name, "2026-10")
            app.push_screen(board)
            await settle(pilot)
            _assert_no_crash(app, f"board {name}")
            _assert_clean(secret, _all_text(app), f"board {name}")
            app.pop_screen()
            await settle(pilot)
        # The client's own detail refuses.
        app.open_client(secret.client_id)
        await settle(pilot)
        assert app.screen.refused
        _assert_clean(secret, _all_text(app), "the client's detail")
        for key in ("1", "2", "3", "i"):
            await pilot.press(key)
            await settle(pilot)
            _assert_clean(secret, _all_text(app), f"the client's detail after {key}")


# --- Headless commands ------------------------------------------------------------------

SKIP = {
    "db": "database maintenance, lists no client data",
    "demo": "builds a demo agency",
    "import": "reads files into the store (refusals tested with the importers)",
    "init": "creates an agency",
    "locate": "prints paths",
    "sandbox": "the loopback Altinn sandbox",
    "a07 export": "writes a file: run below with --out",
    "access grant": "changes access", "access revoke": "changes access", "access copy": "changes access",
    "archive export": "writes a file: run below with --out",
    "archive show": "run below for every archived id",
    "clients add": "changes the store",
    "clients edit": "changes the store",
    "groups add": "changes a group", "groups create": "changes a group", "groups delete": "changes a group",
    "groups remove": "changes a group", "groups rename": "changes a group",
    "reconcile explain": "changes a run", "reconcile take-a07": "changes a run",
    "reconcile send-payroll": "changes a run", "reconcile sign-off": "changes a run",
    "reconcile mapping": "run below with --client",
    "taxcards fetch": "orders tax cards from Altinn",
    "connection set": "changes the Altinn settings (no client data)",
    "doctor": "checks the connection settings and hosts (no client data)",
    "intake": "reads files into the store (refusals tested with the intake)",
    "posting checklist": "changes a run", "posting freeze": "changes a run", "posting post": "changes a run",
    "posting settings": "changes a client's posting settings",
    "staff activate": "changes staff", "staff add": "changes staff", "staff deactivate": "changes staff",
    "staff rename": "changes staff", "staff role": "changes staff",
}


def _runs(secret: Secret, groups: list[str], tmp: Path) -> dict[str, list[list[str]]]:
    """Per (sub)command: the argument lists to run, each with ``--format json`` where it exists."""
    org = secret.org_number
    group_runs = [[*a, "--format", "json"] for g in groups for a in (["groups", "show", g], ["groups", "board", g,
                                                                                            "--period", "2026-10"])]
    return {
        "a07": [["a07", "export", "--client", org, "--period", "2026-10", "--out", str(tmp / "a07.xlsx")],
                ["a07", "fetch", "--client", org, "--period", "2026-10", "--format", "json"]],
        "access list": [["access", "list", "--format", "json"], ["access", "list", "--client", org, "--format", "json"]],
        "access staff": [["access", "staff", "--format", "json"]],
        "access review": [["access", "review", "--format", "json"]],
        "archive list": [["archive", "list", "--format", "json"], ["archive", "list", "--client", org]],
        "audit": [["audit", "--format", "json"], ["audit", "--client", org, "--format", "csv"], ["audit", "verify"]],
        "clients list": [["clients", "list", "--format", "json"], ["clients", "list"]],
        "clients show": [["clients", "show", org, "--format", "json"], ["clients", "show", org]],
        "dashboard": [["dashboard", "--format", "json"], ["dashboard", "--period", "2026-10"]],
        "deadlines": [["deadlines", "--format", "json"]],
        "employees": [["employees", "list", "--client", org, "--format", "json"],
                      ["employees", "list", "--client", org, "--reveal"],
                      ["employees", "send", "--client", org, "--employee", "1", "--dry-run", "--format", "json"]],
        "feedback": [["feedback", "--format", "json"], ["feedback", "--period", "2026-10"],
                     ["feedback", "show", org, "--period", "2026-10"],
                     ["feedback", "show", org, "--period", "2026-10", "--format", "json"]],
        "groups list": [["groups", "list", "--format", "json"]],
        "groups show": group_runs,
        "groups board": [],
        "reconcile": [["reconcile", "--client", org, "--period", "2026-10", "--format", "json", "--no-save"],
                      ["reconcile", "runs", "--client", org, "--format", "json"],
                      ["reconcile", "corrections", "--client", org, "--format", "json"],
                      ["reconcile", "submit", "--client", org, "--format", "json"],
                      ["reconcile", "--client", org, "--period", "2026-10", "--fetch-a07", "--format", "json"],
                      ["reconcile", "mapping", "--client", org, "--format", "json"],
                      ["reconcile", "show", "1", "--format", "json"]],
        "reports usage": [["reports", "usage", "--format", "json"],
                          ["reports", "usage", "--out", str(tmp / "usage.xlsx")],
                          ["reports", "usage", "--out", str(tmp / "usage.csv")]],
        "reports my-clients": [["reports", "my-clients", "--format", "json"],
                               ["reports", "my-clients", "--out", str(tmp / "mine.xlsx")]],
        "reports term": [["reports", "term", "--year", "2026", "--term", t, "--format", "json"] for t in "12345"]
        + [["reports", "term", "--year", "2026", "--term", "5", "--out", str(tmp / "term.xlsx")],
           ["reports", "term", "--year", "2026", "--term", "5", "--out", str(tmp / "term.csv")]],
        "reports automation": [["reports", "automation", "--format", "json"],
                               ["reports", "automation", "--out", str(tmp / "auto.xlsx")]],
        "taxcards list": [["taxcards", "list", "--client", org, "--format", "json"],
                          ["taxcards", "list", "--client", org, "--reveal", "--history"]],
        "posting check": [["posting", "check", "--client", org, "--period", "2026-10", "--format", "json"]],
        "posting status": [["posting", "status", "--client", org, "--format", "json"]],
        "posting errors": [["posting", "errors", "--client", org, "--format", "json"]],
        "addresses": [["addresses", "--client", org, "--format", "json"], ["addresses", "register"]],
        "posting open-items": [["posting", "open-items", "--client", org, "--format", "json"]],
        "extract": [["extract", "--format", "json"], ["extract", "--client", org, "--format", "json"],
                    ["extract", "--form", "lines", "--out", str(tmp / "extract.xlsx"), "--reveal"],
                    ["extract", "rights", "list", "--format", "json"], ["extract", "control", "--format", "json"]],
        "posting journal": [["posting", "journal", "--client", org, "--period", "2026-10", "--out",
                             str(tmp / "journal.xlsx")]],
        "staff list": [["staff", "list", "--format", "json"]],
        "taxcards results": [["taxcards", "results", "--format", "json"], ["taxcards", "results"],
                             ["taxcards", "results", "--client", org, "--format", "json"]],
    }


REFUSED_FOR_THE_CLIENT = ("--client", "reconcile show", "archive show")
"""Commands naming the client (or its data) must refuse with exit code 2."""


def _commands() -> list[str]:
    """Every top-level command and every subcommand of a group, by name."""
    names = []
    for name in sorted(SUBCOMMANDS):
        command = main.get_command(click.Context(main), name)
        if isinstance(command, click.Group):
            names += [f"{name} {sub}" for sub in sorted(command.commands)]
        else:
            names.append(name)
    return names


def _file_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist() if n.endswith(".xml"))
    return path.read_text(encoding="utf-8", errors="replace")


def test_no_headless_command_or_export_shows_the_clients_data(secret, sqlite_store, tmp_path) -> None:  # noqa: ANN001
    groups = [g.name for g in core_groups.list_groups(sqlite_store)]
    tmp_path = tmp_path / "out"  # the database lives in tmp_path itself
    tmp_path.mkdir()
    runs = _runs(secret, groups, tmp_path)
    unclassified = []
    for name in _commands():
        top = name.split()[0]
        if name in SKIP or top in SKIP or name in runs or top in runs:
            continue
        unclassified.append(name)
    assert not unclassified, f"classify these commands in test_no_leaks (run them or say why not): {unclassified}"
    # Archived files of the client: show/export must refuse.
    from byraa.core.store.models import ArchiveFile

    with sqlite_store.session() as session:
        archived = list(session.scalars(select(ArchiveFile.id).where(ArchiveFile.client_id == secret.client_id)))
    extra = [["archive", "show", str(i)] for i in archived[:5]]
    extra += [["archive", "export", str(i), "--out", str(tmp_path / f"a{i}")] for i in archived[:5]]
    runner = CliRunner()
    ran = 0
    for args in [a for group in runs.values() for a in group] + extra:
        result = runner.invoke(main, args, catch_exceptions=True)
        where = "byraa " + " ".join(args)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"{where} crashed") from result.exception
        assert result.exit_code in (0, 2), f"{where}: exit {result.exit_code}: {result.output[-500:]}"
        named = secret.org_number in args or args[:2] in (["reconcile", "show"], ["archive", "show"],
                                                             ["archive", "export"])
        if named and args[:2] not in (["access", "list"],) and args[:2] != ["reconcile", "show"]:
            assert result.exit_code == 2, f"{where} must refuse a client the clerk has no access to"
        _assert_clean(secret, result.output, where)
        ran += 1
    assert ran > 30
    written = [p for p in tmp_path.iterdir() if p.is_file()]
    assert {p.name for p in written} >= {"usage.xlsx", "usage.csv", "term.xlsx", "term.csv", "auto.xlsx"}
    for path in written:
        _assert_clean(secret, _file_text(path), f"export {path.name}")
