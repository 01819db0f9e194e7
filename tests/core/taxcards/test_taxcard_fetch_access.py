"""Every job item re-checks access when it runs: a grant revoked before a resume keeps
that client's tax cards out of the order and out of the store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from byraa.core.agency import access_admin
from byraa.core.agency.identity import resolve
from byraa.core.store.models import Client, StaffUser
from byraa.core.store.models_jobs import TaxCardFetchResult
from byraa.core.taxcards import fetch
from byraa.demo import build_demo
from tests.taxcard_fetch_support import FAST, Sandbox, no_sleep

TODAY = date(2026, 11, 22)


def _clerk_with_two_clients(store) -> tuple[str, list[tuple[int, str]]]:  # noqa: ANN001
    with store.session() as s:
        login = s.scalars(select(StaffUser.login).where(StaffUser.role == "clerk", StaffUser.active.is_(True))
                          .order_by(StaffUser.login)).first()
        clients = [tuple(r) for r in s.execute(select(Client.id, Client.org_number).order_by(Client.id).limit(2))]
    access_admin.grant(store, resolve(store, "tester"), login, "associate", org_numbers=[o for _, o in clients])
    return login, clients


async def test_a_resumed_fetch_skips_a_client_whose_access_was_revoked(store, tmp_path: Path) -> None:
    build_demo(store, clients=6, seed=5, manager_login="tester", today=TODAY)
    login, clients = _clerk_with_two_clients(store)
    clerk = resolve(store, login)
    plan = fetch.plan_fetch(store, clerk, fetch.Selection(all=True), 2026, persons_per_order=1000)
    job_id = fetch.start_fetch(store, clerk, plan)  # then the process "died": nothing ran yet
    revoked_id, revoked_org = clients[0]
    access_admin.revoke(store, resolve(store, "tester"), login, org_numbers=[revoked_org])
    sandbox = Sandbox(tmp_path, store)
    try:
        summary = await fetch.run_fetch(store, clerk, job_id, client_for=sandbox.factory(clerk), options=FAST,
                                        sleep=no_sleep)
    finally:
        await sandbox.close()
    with store.session() as s:
        per_client = dict(s.execute(select(TaxCardFetchResult.client_id, func.count())
                                    .where(TaxCardFetchResult.job_id == job_id)
                                    .group_by(TaxCardFetchResult.client_id)).all())
    assert revoked_id not in per_client
    assert per_client.get(clients[1][0], 0) > 0  # the clients still granted were fetched
    asked = {org for order in sandbox.state.orders.values() for org in order.employers}
    assert revoked_org not in asked and clients[1][1] in asked
    assert summary.status == "done"
