"""The store: one engine per process, built from settings at start, never at import."""

from byraa.core.store.engine import Store, open_store

__all__ = ["Store", "open_store"]
