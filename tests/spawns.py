"""Seeing that code started its worker processes (``core.base.processes.spawn_pool``)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest


def record_spawned_pools(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> list[Any]:
    """Every pool ``module.spawn_pool`` starts from now on (``None`` for one that could not start)."""
    pools: list[Any] = []
    real = module.spawn_pool

    def recorded(processes: int) -> Any:
        pool = real(processes)
        pools.append(pool)
        return pool

    monkeypatch.setattr(module, "spawn_pool", recorded)
    return pools
