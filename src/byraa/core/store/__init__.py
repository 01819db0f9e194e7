"""The store: one engine per process, built from settings at start, never at import.

The table modules are not imported here: each feature imports the tables it uses, so
a start that only needs the dashboard does not pay for defining every table (SQLModel
classes cost about 1 ms each). ``byraa.core.store.tables.load_all`` registers them all
for migrations and tests.
"""

from byraa.core.store.engine import Store, open_store

__all__ = ["Store", "open_store"]
