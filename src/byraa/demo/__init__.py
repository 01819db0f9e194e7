"""The deterministic synthetic demo agency (``byraa demo``, benchmarks and UI tests).

``build_demo(store, clients=60, seed=1, manager_login=..., today=...)`` fills an empty,
migrated store with one agency: clients of every size and trade with their sub-units,
staff with grants, client groups, and twelve months of what the clients' payroll systems
hand over: an a-melding per client and month (and the resends and replacements) and a
SAF-T ledger per client and year, written into the inbox folder next to the database and
imported with the intake, the same code path as ``byraa intake``. The employee register,
the payroll runs, the a-melding rows and the monthly activity are what that import
derives. Written directly is only what no such file carries: the agency's own register,
a-ordningen's feedback, this month's runs not reported yet, the employees' addresses and
salaries, the reconciliation runs of the last two months (naming the imported files they
read) and the year's tax-card fetches. The same (seed, clients, today) always gives the
same data.

Modules: ``names``/``places``/``industries`` hold the vocabulary, ``numbers`` the
synthetic identifiers, ``clients``/``people``/``payroll``/``reporting``/``staff``/
``reconciliation``/``taxcards`` plan each part, ``inbox`` writes the clients' files,
``intake`` imports them, and ``builder`` puts it all together.
"""

from byraa.demo.builder import DemoSummary, build_demo

__all__ = ["DemoSummary", "build_demo"]
