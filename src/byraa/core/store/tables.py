"""Every table module, for code that needs the whole schema (migrations, tests, wiping)."""

from __future__ import annotations


def load_all() -> None:
    """Import every table module so all tables are on ``SQLModel.metadata``."""
    from byraa.core.store import models, models_altinn, models_jobs, models_posting, models_reconcile  # noqa: F401
