"""Shared pieces for the tax-card fetch tests (no tests here)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from byraa.core.agency.identity import Identity
from byraa.core.altinn.client import AltinnClient
from byraa.core.clients.archive import StoreArchiver
from byraa.core.store import Store
from byraa.core.store.models_altinn import TaxCard
from byraa.core.store.models_jobs import TaxCardFetchResult
from byraa.core.taxcards import fetch
from tests.core.altinn.test_altinn_fixtures import make_rig

FAST = fetch.FetchOptions(concurrency=4, poll_initial_seconds=0.0, poll_max_seconds=0.0)


async def no_sleep(_seconds: float) -> None:
    return None


class Sandbox:
    """An in-process sandbox (ASGI) consistent with the store, and clients that talk to it."""

    def __init__(self, tmp_path: Path, store: Store, *, idempotency: bool = True, **state: Any) -> None:
        """``idempotency``: the client sends ``?idempotensid=`` (a setting, off by default in
        byraa; on here for the tests of the re-send path)."""
        state.setdefault("ready_after_polls", 1)
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.rig = make_rig(tmp_path, store=store, **state)
        if idempotency:
            self.rig.settings = self.rig.settings.with_(taxcard_idempotency_param="idempotensid")
        self.store = store
        self.clients: list[AltinnClient] = []

    @property
    def state(self):  # noqa: ANN201
        return self.rig.state

    def factory(self, who: Identity):  # noqa: ANN201
        def make(scope: str) -> AltinnClient:
            client = AltinnClient(self.rig.settings, self.rig.credentials,
                                  transport=httpx.ASGITransport(app=self.rig.app),
                                  archiver=StoreArchiver(self.store, who.login), sleep=no_sleep,
                                  rng=lambda: 0.5)
            self.clients.append(client)
            return client

        return make

    async def close(self) -> None:
        for c in self.clients:
            await c.aclose()


async def run(store: Store, who: Identity, sandbox: Sandbox, plan: fetch.FetchPlan, **kw: Any) -> fetch.FetchSummary:
    job_id = fetch.start_fetch(store, who, plan)
    try:
        return await fetch.run_fetch(store, who, job_id, client_for=sandbox.factory(who),
                                     options=kw.pop("options", FAST), sleep=no_sleep, **kw)
    finally:
        await sandbox.close()


def results_per_person(store: Store, job_id: int) -> Counter:
    with store.session() as s:
        return Counter(s.execute(select(TaxCardFetchResult.client_id, TaxCardFetchResult.national_id)
                                 .where(TaxCardFetchResult.job_id == job_id)).all())


def current_cards_per_person(store: Store, year: int) -> Counter:
    with store.session() as s:
        return Counter(dict(s.execute(
            select(TaxCard.employee_id, func.count()).where(TaxCard.income_year == year, TaxCard.is_current.is_(True))
            .group_by(TaxCard.employee_id)).all()))
