"""The demo's inbox written on two cores: the same files, byte for byte and as private, as
written in one process; the clients split in two parts of about the same work."""

from __future__ import annotations

import hashlib
import stat
from datetime import date
from pathlib import Path

import pytest

from byraa.core.store import open_store
from byraa.demo import builder, inbox_split
from tests.spawns import record_spawned_pools

TODAY = date(2026, 11, 22)


class _Stop(Exception):
    pass


def _inbox_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """What ``build_demo`` hands ``write_inbox_split`` for 12 clients (the build stops there)."""
    seen: list[tuple] = []

    def capture(*args: object) -> int:
        seen.append(args)
        raise _Stop

    monkeypatch.setattr(builder, "write_inbox_split", capture)
    store = open_store(f"sqlite:///{tmp_path / 'plan.sqlite3'}", upgrade=True)
    try:
        with pytest.raises(_Stop):
            builder.build_demo(store, clients=12, seed=1, manager_login="tester", today=TODAY,
                               inbox=tmp_path / "unused")
    finally:
        store.dispose()
    return seen[0][1:]


def _files(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), stat.S_IMODE(p.stat().st_mode))
            for p in folder.rglob("*") if p.is_file()}


def test_two_processes_write_the_same_files_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = _inbox_inputs(tmp_path, monkeypatch)
    one, two = tmp_path / "one", tmp_path / "two"
    monkeypatch.setattr(inbox_split, "SPLIT_FROM", 10_000)
    written_one = inbox_split.write_inbox_split(one, *args)
    monkeypatch.setattr(inbox_split, "SPLIT_FROM", 1)
    helpers = record_spawned_pools(monkeypatch, inbox_split)
    written_two = inbox_split.write_inbox_split(two, *args)
    assert helpers and helpers[0] is not None  # the helper process did write its part
    assert written_one == written_two == len(_files(one)) > 12
    assert _files(one) == _files(two)
    assert {mode for _sha, mode in _files(two).values()} == {0o600}
    assert {stat.S_IMODE(p.stat().st_mode) for p in two.rglob("*") if p.is_dir()} == {0o700}


def test_the_clients_are_split_by_their_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clients, months = _inbox_inputs(tmp_path, monkeypatch)[:2]
    mine, theirs = inbox_split.split(clients, months)
    assert mine and theirs and not mine & theirs and mine | theirs == {c.id for c in clients}
    work = {c.id: sum(m.payslips + 1 for m in months if clients[m.client_index].id == c.id) for c in clients}
    loads = sorted(sum(work[c] for c in part) for part in (mine, theirs))
    assert loads[1] - loads[0] <= max(work.values())  # no part heavier than the other by more than one client
