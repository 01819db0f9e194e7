"""Writing the demo's inbox on two cores.

Making a large agency's files (its a-meldinger as XML above all) took 17 s of the
1,000-client demo on one core. From ``SPLIT_FROM`` clients on, a spawned helper process
writes part of the clients' files while this one writes the rest. Each client's files are
made from that client's data alone, so which process writes them changes nothing in them.
The clients are split by their payslips, so both parts take about as long. When no
helper can be started, or it breaks, its part is written here.
"""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from byraa.core.base.processes import cores, spawn_pool
from byraa.demo.clients import ClientPlan
from byraa.demo.inbox import Submission, write_inbox
from byraa.demo.payroll import MonthResult

SPLIT_FROM = 100
"""Fewer clients than this are written in-process: starting the helper (about 0.4 s)
would cost about what it saves."""


def split(clients: list[ClientPlan], months: list[MonthResult]) -> tuple[set[int], set[int]]:
    """The client ids in two parts of about the same work (payslips over the months)."""
    weight: dict[int, int] = {c.id: 0 for c in clients}
    for m in months:
        weight[clients[m.client_index].id] += m.payslips + 1
    parts: tuple[set[int], set[int]] = (set(), set())
    load = [0, 0]
    for client_id in sorted(weight, key=lambda c: (-weight[c], c)):
        lighter = 0 if load[0] <= load[1] else 1
        parts[lighter].add(client_id)
        load[lighter] += weight[client_id]
    return parts


def _only(ids: set[int], clients: list[ClientPlan], months: list[MonthResult], submissions: list[Submission],
          employees: list[dict], employments: list[dict], leaves: list[dict]) -> tuple:
    jobs = [e for e in employments if e["client_id"] in ids]
    job_ids = {e["id"] for e in jobs}
    return ([m for m in months if clients[m.client_index].id in ids], [s for s in submissions if s.client_id in ids],
            [e for e in employees if e["client_id"] in ids], jobs, [lv for lv in leaves if lv["employment_id"] in job_ids])


def write_inbox_split(folder: Path, clients: list[ClientPlan], months: list[MonthResult],
                      submissions: list[Submission], employees: list[dict], employments: list[dict],
                      leaves: list[dict], *rest: Any) -> int:
    """``inbox.write_inbox`` with the same arguments, on two cores for a large agency."""
    pool = spawn_pool(1) if len(clients) >= SPLIT_FROM and cores() > 1 else None
    if pool is None:
        return write_inbox(folder, clients, months, submissions, employees, employments, leaves, *rest)
    with pool:
        mine, theirs = split(clients, months)
        helper = _only(theirs, clients, months, submissions, employees, employments, leaves)
        try:
            future = pool.submit(write_inbox, folder, clients, *helper, *rest)
        except BrokenProcessPool:
            future = None
        count = write_inbox(folder, clients, *_only(mine, clients, months, submissions, employees, employments,
                                                    leaves), *rest)
        try:
            if future is not None:
                return count + future.result()
        except BrokenProcessPool:
            pass
        return count + write_inbox(folder, clients, *helper, *rest)


__all__ = ["SPLIT_FROM", "split", "write_inbox_split"]
