"""A client's bank accounts and contact fields: checked the same way on every edit path."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from byraa.cli.main import main
from byraa.core.base import contact, ids
from byraa.core.base.errors import AccessDenied, UserError
from byraa.core.clients import details, registry
from byraa.core.store.models import AuditEvent, Client
from tests.builders import org, small_agency


def account(first_ten: str) -> str:
    """A valid account number: ten digits and their mod-11 check digit."""
    check = ids.mod11(first_ten, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    assert check is not None
    return first_ten + str(check)


GOOD = account("6345061800")
BAD_CHECK = GOOD[:10] + str((int(GOOD[10]) + 1) % 10)


@pytest.mark.parametrize(("value", "ok"), [("0150", True), ("150", False), ("01500", False), ("O150", False),
                                          ("١٢٣٤", False)])
def test_postal_code(value, ok) -> None:  # noqa: ANN001
    assert (contact.postal_code_error(value) is None) == ok


@pytest.mark.parametrize(("value", "normal"), [("91234567", "91234567"), ("+47 912 34 567", "91234567"),
                                               ("0047 91234567", "91234567"), ("912-34-567", "91234567")])
def test_phone_ok(value, normal) -> None:  # noqa: ANN001
    assert contact.phone_error(value) is None and contact.normal_phone(value) == normal


@pytest.mark.parametrize("value", ["9123456", "912345678", "+46 91234567", "tlf 91234567"])
def test_phone_refused(value) -> None:  # noqa: ANN001
    assert contact.phone_error(value) is not None


@pytest.mark.parametrize(("value", "ok"), [("lonn@byraa.no", True), ("a.b@c.d.no", True), ("lonn@byraa", False),
                                          ("lonn byraa.no", False), ("@byraa.no", False), ("a@@b.no", False)])
def test_email(value, ok) -> None:  # noqa: ANN001
    assert (contact.email_error(value) is None) == ok


def test_clean_fields_names_the_field_and_value() -> None:
    assert details.clean_fields({"bank_account": f"{GOOD[:4]}.{GOOD[4:6]}.{GOOD[6:]}", "phone": "+47 91234567",
                                 "city": " Oslo ", "email": ""}) == {
        "bank_account": GOOD, "phone": "91234567", "city": "Oslo", "email": None}
    for fields, words in [
        ({"tax_deduction_account": BAD_CHECK}, ("skattetrekkskonto", BAD_CHECK, "kontrollsifferet")),
        ({"bank_account": "1234"}, ("bankkonto 1234", "11 sifre")),
        ({"postal_code": "12345"}, ("postnummer 12345", "4 sifre")),
        ({"phone": "123"}, ("telefonnummer 123", "8 sifre")),
        ({"email": "x@y"}, ("e-postadresse x@y", "navn@domene.no")),
    ]:
        with pytest.raises(UserError) as caught:
            details.clean_fields(fields)
        assert all(w in str(caught.value) for w in words), str(caught.value)


def test_update_is_a_managers_audited_change(store) -> None:
    small = small_agency(store)
    with pytest.raises(AccessDenied):
        details.update(store, small.who("clerk"), org_number=org(2), fields={"phone": "91234567"})
    changed = details.update(store, small.who(), org_number=org(1), fields={"tax_deduction_account": GOOD,
                                                                              "postal_code": "0150"})
    assert changed.tax_deduction_account == GOOD and changed.postal_code == "0150"
    with store.session() as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event.action == "client.edit" and json.loads(event.after) == {
            "tax_deduction_account": GOOD, "postal_code": "0150"}
        assert json.loads(event.before) == {"tax_deduction_account": None, "postal_code": None}
    with pytest.raises(UserError):
        details.update(store, small.who(), org_number=org(1), fields={"postal_code": "x"})
    assert details.get(store, small.who(), org_number=org(1)).postal_code == "0150"  # unchanged by the refusal


def test_add_client_checks_the_fields(store) -> None:
    small = small_agency(store)
    with pytest.raises(UserError, match="telefonnummer"):
        registry.add_client(store, small.who(), org(70), "Ny AS", fields={"phone": "12"})
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Client).where(Client.org_number == org(70))) == 0
    registry.add_client(store, small.who(), org(70), "Ny AS", fields={"bank_account": GOOD, "email": "a@b.no"})
    assert details.get(store, small.who(), org_number=org(70)).email == "a@b.no"


@pytest.fixture
def cli(store, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)

    def run(*args: str, user: str = "tester"):  # noqa: ANN202
        monkeypatch.setenv("BYRAA_USER", user)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run


def test_cli_add_edit_show(cli) -> None:
    bad = cli("clients", "add", org(71), "--name", "X AS", "--postal-code", "12")
    assert bad.exit_code == 2 and "postnummer 12: et postnummer har 4 sifre" in bad.output
    assert len(bad.output.strip().splitlines()) == 1 and "Traceback" not in bad.output
    ok = cli("clients", "add", org(71), "--name", "X AS", "--tax-account", GOOD, "--phone", "+47 91234567")
    assert ok.exit_code == 0, ok.output
    refused = cli("clients", "edit", org(71), "--email", "nei")
    assert refused.exit_code == 2 and "e-postadresse nei" in refused.output
    assert cli("clients", "edit", org(71)).exit_code == 2  # nothing to change
    assert cli("clients", "edit", org(71), "--email", "lonn@x.no", "--phone", "").exit_code == 0
    shown = json.loads(cli("clients", "show", org(71), "--format", "json").output)[0]
    assert shown["email"] == "lonn@x.no" and shown["phone"] is None and shown["tax_deduction_account"] == GOOD
    table = cli("clients", "show", org(71)).output
    assert f"{GOOD[:4]}.{GOOD[4:6]}.{GOOD[6:]}" in table and "Skattetrekkskonto" in table
    assert cli("clients", "edit", org(71), "--city", "Bergen", user="clerk").exit_code == 2
