"""The deterministic synthetic demo agency (``byraa demo``, benchmarks and UI tests).

``build_demo(store, clients=60, seed=1, manager_login=..., today=...)`` fills an empty,
migrated store with one agency: clients of every size and trade with their sub-units,
employees on Tenor synthetic national ids, employments and leaves, twelve months of
payroll runs, a-meldinger with their archived feedback, monthly activity, staff with
grants, client groups, the reconciliation runs of the last two months and the year's
tax-card fetches with their cards. The same (seed, clients, today) always gives the
same data.

Modules: ``names``/``places``/``industries`` hold the vocabulary, ``numbers`` the
synthetic identifiers, ``clients``/``people``/``payroll``/``reporting``/``staff``/
``reconciliation``/``taxcards`` plan each part, and ``builder`` writes it all in bulk.
"""

from byraa.demo.builder import DemoSummary, build_demo

__all__ = ["DemoSummary", "build_demo"]
