"""The reconciliation checks (SPEC §5.1–5.6), computed with polars.

Each check compares figures from two or three sides for one client and period and yields
``ResultRow``s: (check, key, field, payroll, a07, ledger, difference, status). The
columns hold payroll / a-ordningen (A07) / ledger values; rows that compare two payroll
figures or a figure with what is expected use ``payroll`` as *expected* and ``a07`` as
*actual* (``docs/formats.md`` lists them). Amounts are øre, dates ISO strings.

Statuses: ``equal``; ``differs``; ``only_payroll`` / ``only_a07`` (employments, income);
``missing`` (a side the check needs was not imported for the period); ``info`` (listed
for reading, e.g. the postings on a clearing account; never a difference).

Checks: ``employments`` (1), ``income`` (2), ``withholding`` (3), ``aga`` (4),
``holiday_pay`` (5), ``clearing`` (6), and from the reconciliation folder (``folder``):
``payments``, ``benefits``, ``holiday_pay_year``, ``garnishment``, ``pension`` (E01), ``nav_refunds``
(A7), ``open_items`` (D01–D04) and ``year_end`` (the year's income per type vs the ledger). ``incomplete`` is the status of a check
that cannot be computed for the period because a month's source is missing (named). ``inputs.load`` reads what they need from the store;
the checks themselves are pure functions of ``Inputs`` and ``Settings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CHECKS = ("employments", "income", "withholding", "aga", "holiday_pay", "clearing", "payments", "benefits",
          "holiday_pay_year", "garnishment", "pension", "nav_refunds", "open_items", "year_end")
METHODS = ("simple", "standard")
DIFFERENCE_STATUSES = frozenset({"differs", "only_payroll", "only_a07", "missing", "incomplete"})

ACCOUNT_ROLES: dict[str, tuple[str, ...]] = {
    "withholding": ("2600",),
    "tax_deduction_bank": ("1950",),
    "aga_liability": ("2770",),
    "aga_expense": ("5400",),
    "holiday_liability": ("2940",),
    "holiday_expense": ("5092",),
    "aga_holiday_liability": ("2781",),
    "aga_holiday_expense": ("5405",),
    "net_pay_clearing": ("2930",),
    "benefits": ("5200", "5210", "5220", "5230", "5240", "5250", "5280"),
    "benefits_counter": ("5290",),
    "garnishment": ("2610",),
    "pension_expense": ("5420",),
    "pension_employer": ("2810",),
    "pension_member": ("2630",),
    "pension_settlement": ("2820",),
    "nav_refund_receivable": ("1574",),
    "nav_refund_income": ("5800",),
    "employee_clearing": ("2915",),
    "advance": ("1570",),
    "travel_advance": ("1571",),
    "employee_loan": ("1380",),
    "error": ("2999",),
    "year_end_wages": ("5000",),
    "year_end_board_fees": ("5330",),
}
"""Per role the NS 4102 default accounts; a client's own chart may differ (``settings``)."""

DEFAULT_TOLERANCES: dict[str, int] = {c: 0 for c in CHECKS} | {"aga": 100}
"""Øre: 0.00 everywhere except the employer's contribution (rounding, 1.00 NOK)."""

DEFAULT_HOLIDAY_RATE = 10.2


@dataclass(frozen=True)
class Settings:
    """What a run compares with: accounts per role, tolerance per check, holiday-pay rate."""

    accounts: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(ACCOUNT_ROLES))
    tolerances: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_TOLERANCES))
    holiday_rate: float = DEFAULT_HOLIDAY_RATE
    service_level: str = "full"
    """``full`` or ``part`` service (``schedule``): which checks the client follows up."""
    client_checks: tuple[str, ...] | None = None
    """The checks the client follows up itself when the client's setting names them;
    ``None`` takes the service level's default (``schedule.CLIENT_FOLLOWS_UP``)."""
    bank_guarantee: bool = False
    """The client has a bank guarantee for the withheld tax instead of a tax-deduction
    account (skattebetalingsloven § 5-12), so that account need not cover the liability."""

    def follows_up(self) -> tuple[str, ...]:
        """The checks "kunde følger opp" for this client: its own list, else its level's."""
        from byraa.core.reconcile.checks import schedule

        if self.client_checks is not None:
            return self.client_checks
        return schedule.CLIENT_FOLLOWS_UP.get(self.service_level, ())

    def as_dict(self) -> dict[str, Any]:
        return {"accounts": {k: list(v) for k, v in self.accounts.items()}, "tolerances": dict(self.tolerances),
                "holiday_rate": self.holiday_rate, "service_level": self.service_level,
                "client_follows_up": list(self.follows_up()), "bank_guarantee": self.bank_guarantee}


@dataclass
class ResultRow:
    check: str
    key: str
    field: str
    payroll: Any
    a07: Any
    ledger: Any
    difference: int | None
    status: str
    unit: str = "nok"
    """``nok`` (øre), ``text``, ``date``, ``pct``, ``hours`` or ``count`` (employments): how to show the values."""
    national_id: str | None = None
    payroll_ref: int | None = None
    a07_ref: int | None = None

    @property
    def is_difference(self) -> bool:
        return self.status in DIFFERENCE_STATUSES


def compare_amounts(expected: int | None, others: list[int | None], tolerance: int, *,
                    required: bool = False) -> tuple[str, int | None]:
    """Status and the largest signed difference of ``others`` against ``expected``.

    ``None`` in ``others`` is a side not imported: not compared, unless ``required``
    (then the status is ``missing``). A missing ``expected`` is ``missing`` too.
    """
    if expected is None or (required and any(o is None for o in others)):
        return "missing", None
    diffs = [o - expected for o in others if o is not None]
    if not diffs:
        return ("missing", None) if required else ("equal", 0)
    worst = max(diffs, key=abs)
    return ("equal" if abs(worst) <= tolerance else "differs"), worst
