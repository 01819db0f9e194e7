"""A tax-card result's reason in the user's words.

The fetch stores each person's reason, and what changed on a card, as English text (JSON
and CSV output keep it, for scripts) next to Skatteetaten's result code. On screen the
reason is shown in the user's language: Skatteetaten's per-person codes by their own
words, the fixed sentences via the catalog, and the few sentences with a field (a year, a
date) by matching their form; a change names the card's fields (``change_words``).
"""

from __future__ import annotations

import re

from byraa.core.words.i18n import N_, _

RESULT_REASONS = {
    "ugyldigOrganisasjonsnummer": N_("Skatteetaten does not accept the employer's org number (ugyldigOrganisasjonsnummer)"),
    "ugyldigFoedselsEllerDnummer": N_("Skatteetaten does not know this national id (ugyldigFoedselsEllerDnummer)"),
    "utgaattDnummerSkattekortForFoedselsnummerErLevert":
        N_("the D number has expired: the card was issued on the person's fødselsnummer"),
    "vurderArbeidstillatelse": N_("check the work permit (vurderArbeidstillatelse)"),
}
"""Skatteetaten's per-person result codes that are errors, in English (the msgid)."""

FIXED = (
    N_("the answer has no result for this person"),
    N_("the card has no forskuddstrekk"),
    N_("Skatteetaten refused the order (UGYLDIG_FORESPOERSEL)"),
    N_("the client is set to use its own Altinn settings, but none are entered"),
    # core.base.ids' reasons (base knows no catalog), as they follow "invalid national id:".
    N_("a national id cannot be both a D-number and an H-number"),
    N_("the month of the national id is not a month"),
    N_("the day of the national id is not a day of that month"),
    N_("the first check digit of the national id is wrong"),
    N_("the second check digit of the national id is wrong"),
    N_("the check digit of the organisation number is wrong"),
    N_("a national id must be 11 digits"),
    N_("an organisation number must be 9 digits"),
)
"""Reasons stored without a field (translated through the catalog as they are)."""

_FORMS = (
    (re.compile(r"Skatteetaten refused the income year (?P<year>\d{4}) \(UGYLDIG_INNTEKTSAAR\)"),
     N_("Skatteetaten refused the income year {year} (UGYLDIG_INNTEKTSAAR)")),
    (re.compile(r"no employment in (?P<year>\d{4}) \(left (?P<day>[\d.]+)\)"),
     N_("no employment in {year} (left {day})")),
    (re.compile(r"no employment in (?P<year>\d{4})"), N_("no employment in {year}")),
    (re.compile(r"invalid national id: (?P<detail>.+)"), N_("invalid national id: {detail}")),
    (re.compile(r"invalid org number: (?P<detail>.+)"), N_("invalid org number: {detail}")),
    (re.compile(r"the order was refused: (?P<detail>.+)"), N_("the order was refused: {detail}")),
    (re.compile(r"the answer could not be read \((?P<detail>.+)\); raw answer archived"),
     N_("the answer could not be read ({detail}); the raw answer is in the archive")),
    (re.compile(r"Skatteetaten does not know the order (?P<reference>\S+) \(204\), also after ordering once more; "
                r"fetch these persons again later"),
     N_("Skatteetaten does not know the order {reference} (204), also after ordering once more; fetch these "
        "persons again later")),
    (re.compile(r"Skatteetaten answered (?P<code>\S+) for this person"),
     N_("Skatteetaten answered {code} for this person")),
)


def reason_words(result: str | None, reason: str | None) -> str:
    """The reason of one result row (``result`` is Skatteetaten's code) in the current language."""
    if result in RESULT_REASONS:
        return _(RESULT_REASONS[result])
    text = (reason or "").strip()
    if not text:
        return ""
    for form, template in _FORMS:
        if (match := form.fullmatch(text)) is not None:
            fields = {k: _(v) if k == "detail" else v for k, v in match.groupdict().items()}
            return _(template).format(**fields)
    return _(text)


_CHANGED_FIELDS = {
    "free-card amount": N_("free-card amount"), "result": N_("result"), "kind": N_("kind"), "table": N_("table"),
    "percentage": N_("percentage"), "months": N_("months"),
}
"""The card's fields a change names (``results._describe_change`` stores them in English)."""


def change_words(changes: str | None) -> str:
    """What changed on a card (``table 8380 → 8370; percentage 42.0 → 43.0``, stored in
    English for JSON and CSV) in the user's words: ``tabell 8380 → 8370; prosent 42,0 → 43,0``."""
    out = []
    for part in (changes or "").split("; "):
        name = next((n for n in _CHANGED_FIELDS if part.startswith(n + " ")), None)
        if name is None:
            out.append(part)
            continue
        values = re.sub(r"(?<=\d)\.(?=\d)", ",", part[len(name) + 1:])
        out.append(f"{_(_CHANGED_FIELDS[name])} {values}")
    return "; ".join(p for p in out if p)
