"""``byraa intake`` as a script uses it: exit codes, JSON, a kill -9 and a resume; and
every import command's answer to a path that is not there."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from byraa.cli.main import main
from byraa.core.importers import intake_pool
from byraa.core.store.models import AuditEvent, PayrollRun
from byraa.core.store.models_jobs import JobItem
from byraa.core.store.models_reconcile import ReconSource
from tests import forked
from tests.builders import org, small_agency
from tests.conftest import ROOT
from tests.data.payroll_months import month_message
from tests.data.reconcile import build as b


@pytest.fixture
def cli(store, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    monkeypatch.setenv("BYRAA_USER", "tester")

    def run(*args: str):  # noqa: ANN202
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run


@pytest.mark.parametrize("args", [
    ("import", "ledger", "/no/such/file.xml"), ("import", "amelding", "/no/such/folder"),
    ("import", "a07", "/no/such/a07.json"), ("import", "taxcards", "/no/such/svar.xml"),
    ("intake", "/no/such/innboks"),
])
def test_a_missing_path_is_one_line_and_exit_2(cli, args: tuple[str, ...]) -> None:  # noqa: ANN001
    result = cli(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.strip().count("\n") == 0 and "/no/such" in result.stderr


@pytest.mark.parametrize(("lang", "imported", "refused"), [("nb", "importert", "avvist"),
                                                           ("en", "imported", "refused")])
def test_intake_progress_is_one_line_per_file_counted_and_in_the_users_words(
        cli, tmp_path: Path, lang: str, imported: str, refused: str) -> None:  # noqa: ANN001
    inbox = tmp_path / "innboks"
    inbox.mkdir()
    b.write_amelding(inbox / "a.xml", month_message(org(1), org(11), "2026-10", 4))
    b.write_amelding(inbox / "b.xml", month_message(org(2), org(12), "2026-10", 3))
    (inbox / "c.txt").write_text("not a payroll file\n")
    result = cli("--lang", lang, "intake", str(inbox))
    assert result.exit_code == 1, result.output
    progress = [line for line in result.stderr.splitlines() if "/3 " in line]
    assert progress == [f"byraa: 1/3 a.xml: {imported}", f"byraa: 2/3 b.xml: {imported}",
                        f"byraa: 3/3 c.txt: {refused}"], result.stderr


def test_intake_exit_codes_and_json(cli, tmp_path: Path) -> None:  # noqa: ANN001
    inbox = tmp_path / "innboks"
    inbox.mkdir()
    b.write_amelding(inbox / "a.xml", month_message(org(1), org(11), "2026-10", 4))
    b.write_amelding(inbox / "b.xml", month_message(org(2), org(12), "2026-10", 3))
    dry = cli("intake", str(inbox), "--dry-run", "--format", "json")
    assert dry.exit_code == 0 and json.loads(dry.stdout)["counts"]["imported"] == 2
    done = cli("intake", str(inbox), "--format", "json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["counts"] == {"imported": 2, "unchanged": 0, "replaced": 0, "refused": 0}
    assert "2/2" in done.stderr  # progress on stderr
    b.write_amelding(inbox / "fremmed.xml", month_message(org(70), org(71), "2026-10", 1))
    again = cli("intake", str(inbox), "--format", "json")
    assert again.exit_code == 1
    counts = json.loads(again.stdout)["counts"]
    assert counts == {"imported": 0, "unchanged": 2, "replaced": 0, "refused": 1}
    table = cli("intake", str(inbox))
    assert table.exit_code == 1 and org(70) in table.stdout and "avvist" in table.stdout


def test_a_ledgers_months_are_shown_as_a_span(cli, tmp_path: Path) -> None:  # noqa: ANN001
    ledger = tmp_path / f"{org(1)}_hovedbok.csv"
    ledger.write_text("account;period;amount\n2600;2026-03;-100\n5000;2026-01;100\n", encoding="utf-8")
    dry = cli("intake", str(ledger), "--dry-run", "--format", "json")
    [row] = json.loads(dry.stdout)["rows"]
    assert (row["kind"], row["period"], row["period_to"]) == ("ledger_csv", "2026-01", "2026-03")  # ISO in JSON
    # A dry run says what will happen ("importeres"), a run what did ("importert").
    planned = cli("intake", str(ledger), "--dry-run")
    assert [ledger.name, org(1), "hovedbok-CSV", "2026-01–03", "importeres"] in [
        line.split() for line in planned.stdout.splitlines()]
    assert "Importeres 1, uendret 0, erstatter 0, avvises 0" in planned.stdout
    table = cli("intake", str(ledger))
    assert table.exit_code == 0, table.output
    assert [ledger.name, org(1), "hovedbok-CSV", "2026-01–03", "importert"] in [
        line.split() for line in table.stdout.splitlines()]
    assert "Importert 1, uendret 0, erstattet 0, avvist 0" in table.stdout


def _command(store_url: str, *args: str) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ, BYRAA_USER="tester", PYTHONPATH=str(ROOT / "src"))
    if store_url.startswith("sqlite:///"):
        db = ["--db", store_url.removeprefix("sqlite:///")]
    else:
        db = []
        env["BYRAA_DATABASE_URL"] = store_url
    return [sys.executable, "-m", "byraa", *db, "intake", *args, "--format", "json"], env


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux's /proc)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _running(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie has ended: only its exit status is left)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_kill_9_during_an_intake_then_resume(store, tmp_path: Path) -> None:
    small_agency(store)
    inbox = tmp_path / "innboks"
    inbox.mkdir()
    files = 24
    for i in range(files):  # 8 months for each of the three clients, 320 recipients each
        n, month = i % 3 + 1, f"2026-{i // 3 + 1:02d}"
        b.write_amelding(inbox / f"{n}-{month}.xml", month_message(org(n), org(n + 10), month, 320, seed=i))
    # Enough bytes for the intake to read them in a worker process, whose end with its
    # parent's this test sees.
    assert sum(f.stat().st_size for f in inbox.iterdir()) >= intake_pool.MIN_BYTES
    cmd, env = _command(store.url, str(inbox))
    proc = forked.Command.from_cmd(cmd, env)
    deadline = time.monotonic() + 120
    while True:  # until a few files are in, then kill it hard
        with store.session() as s:
            done = s.scalar(select(func.count()).select_from(JobItem).where(JobItem.state == "done")) or 0
        if done >= 4:
            break
        if proc.poll() is not None:
            raise AssertionError(f"the intake ended before it was killed: {proc.communicate()}")
        assert time.monotonic() < deadline, "the intake never got going"
        time.sleep(0.02)
    children = _children(proc.pid)
    assert children  # its reader process (and multiprocessing's resource tracker)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with store.session() as s:
        finished = s.scalar(select(func.count()).select_from(JobItem).where(JobItem.state == "done"))
    assert finished < files  # it really was stopped half-way
    # Its worker processes end with it: none is left waiting for a parent that is gone.
    deadline = time.monotonic() + 60
    while alive := [pid for pid in children if _running(pid)]:
        assert time.monotonic() < deadline, f"worker processes outlived the killed intake: {alive}"
        time.sleep(0.05)
    cmd, env = _command(store.url, "--resume")
    resumed = forked.run(cmd, env, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    data = json.loads(resumed.stdout)
    assert data["counts"] == {"imported": files, "unchanged": 0, "replaced": 0, "refused": 0}
    with store.session() as s:
        sources = s.scalars(select(ReconSource.sha256).where(ReconSource.kind == "amelding")).all()
        audits = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import.amelding"))
        runs = s.scalar(select(func.count()).select_from(PayrollRun).where(PayrollRun.source_id.is_not(None)))
    assert len(sources) == len(set(sources)) == files  # nothing imported twice
    assert audits == files and runs == files
