"""The store: one engine per process, built from settings at start, never at import."""

from byraa.core.store.engine import Store, open_store
from byraa.core.store import models_altinn as _models_altinn  # noqa: F401  (registers the Altinn tables)
from byraa.core.store import models_reconcile as _models_reconcile  # noqa: F401  (registers the reconciliation tables)
from byraa.core.store import models_jobs as _models_jobs  # noqa: F401  (registers the job and fetch-result tables)

__all__ = ["Store", "open_store"]
