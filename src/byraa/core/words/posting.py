"""Words for posting control's problem codes, shared by the CLI and the TUI."""

from __future__ import annotations

from byraa.core.words.i18n import _


def problem(code: str) -> str:
    return {
        "difference": _("does not sum to zero (DIFFERENCE on the error account)"),
        "unknown_account": _("account unknown to the ledger (KTO on the error account)"),
        "id_on_plain_account": _("national id on an account that is not a sub-ledger account"),
        "subledger_without_id": _("sub-ledger account without a national id (error customer)"),
        "unknown_id": _("national id unknown to the client (error account)"),
        "no_open_year": _("no open fiscal year"),
        "no_chart": _("no chart of accounts: import the client's SAF-T or ledger first"),
    }.get(code, code)


def extract_kind(kind: str) -> str:
    """An extract right's kind, or the check that left lines out of an extract."""
    return {"account": _("account"), "department": _("department"), "pay_type": _("pay type")}.get(kind, kind)


def address_field(code: str) -> str:
    """What differs in an address comparison."""
    return {"address": _("address"), "postal_code": _("postal code"), "city": _("postal place"),
            "not_found": _("not in the register"), "municipality": _("municipality")}.get(code, code)
