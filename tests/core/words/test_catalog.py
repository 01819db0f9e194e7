"""Every error template has its bokmål words, with the same fields, and renders in both languages."""

from __future__ import annotations

import string
from datetime import date

import pytest
from babel.messages.pofile import read_po

from byraa.core.base.errors import NotFound, Phrase, UserError
from byraa.core.words import i18n
from byraa.core.words.errors import MESSAGES, render
from byraa.core.words.i18n import LOCALE_DIR
from byraa.core.words.messages import agency

PO = LOCALE_DIR / "nb" / "LC_MESSAGES" / "byraa.po"


def _catalog() -> dict[str, str]:
    with PO.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh, locale="nb") if m.id and isinstance(m.id, str)}


CATALOG = _catalog()


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_template_translated_with_the_same_fields(code: str) -> None:
    template = MESSAGES[code]
    assert CATALOG.get(template), f"{code}: no bokmål for {template!r}"
    assert _fields(CATALOG[template]) == _fields(template), code
    params = {name: f"<{name}>" for name in _fields(template)}
    i18n.set_language("nb")
    nb = render(code, params)
    i18n.set_language("en")
    en = render(code, params)
    i18n.set_language("nb")
    assert en == template.format(**params)
    assert nb == CATALOG[template].format(**params)
    assert all(value in nb for value in params.values())


@pytest.mark.parametrize("phrase", agency.MANAGER_ACTIONS)
def test_manager_actions_translated(phrase: str) -> None:
    assert CATALOG.get(phrase), phrase


def test_codes_are_domain_dot_what() -> None:
    assert all(code.count(".") == 1 and " " not in code for code in MESSAGES)


def test_error_renders_in_the_language_it_is_shown_in() -> None:
    error = NotFound("client.not_found", org="310000027")
    i18n.set_language("nb")
    assert str(error) == "ingen klient med organisasjonsnummer 310000027"
    i18n.set_language("en")
    assert str(error) == "no client with the organisation number 310000027"
    i18n.set_language("nb")
    assert error.code == "client.not_found" and error.params == {"org": "310000027"}


def test_phrases_and_nested_errors_follow_the_language() -> None:
    error = UserError("import.refused", file="a.xml", where="<x>",
                      reason=UserError("org.invalid", org="12", reason=Phrase("an organisation number must be 9 digits")))
    assert str(error) == ("a.xml, <x>: organisasjonsnummer 12: et organisasjonsnummer skal ha 9 sifre; "
                          "ingenting ble importert")
    i18n.set_language("en")
    try:
        assert str(error) == "a.xml, <x>: organisation number 12: an organisation number must be 9 digits; " \
                             "nothing was imported"
    finally:
        i18n.set_language("nb")


def test_dates_in_parameters_are_shown_the_norwegian_way() -> None:
    error = UserError("taxcards.last_year_too_late", year=2025, this_year=2026, today=date(2026, 11, 22))
    assert "22.11.2026" in str(error)


@pytest.mark.parametrize(("code", "nb"), [
    ("paid in the next term", "betalt neste termin"),
    ("paid in 2026-11", "betalt i 11.2026"),
    ("balance per creditor", "saldo per kreditor"),
    ("tax-deduction account covers the liability", "skattetrekkskonto"),
    ("liability at term end", "terminens gjeld"),
])
def test_check_fields_read_in_bokmaal(code: str, nb: str) -> None:
    """A field code is one phrase: "paid in the next term" is not "paid in" a month."""
    from byraa.core.words.labels import field_name

    i18n.set_language("nb")
    assert field_name(code) == nb
