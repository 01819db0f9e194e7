"""A tax-card result's reason in the user's words (the fetch stores English for scripts)."""

from __future__ import annotations

from byraa.core.taxcards import results
from byraa.core.taxcards.reasons import RESULT_REASONS, reason_words
from byraa.core.words import i18n


def test_skatteetaten_codes_and_stored_sentences_read_in_bokmal() -> None:
    previous = i18n.language()
    i18n.set_language("nb")
    try:
        stored = results._RESULT_REASON["ugyldigFoedselsEllerDnummer"]
        assert stored.startswith("Skatteetaten does not know")  # what JSON/CSV keep
        words = reason_words("ugyldigFoedselsEllerDnummer", stored)
        assert words == "Skatteetaten kjenner ikke dette fødselsnummeret eller D-nummeret (ugyldigFoedselsEllerDnummer)"
        assert all(reason_words(code, None) != template for code, template in RESULT_REASONS.items())
        assert reason_words(None, "no employment in 2026 (left 31.03.2026)") == "ikke ansatt i 2026 (sluttet 31.03.2026)"
        assert reason_words(None, "invalid national id: the second check digit of the national id is wrong") == \
            "ugyldig fødselsnummer: det andre kontrollsifferet i fødselsnummeret er feil"
        assert reason_words(None, "Skatteetaten refused the income year 2027 (UGYLDIG_INNTEKTSAAR)") == \
            "Skatteetaten avviste inntektsåret 2027 (UGYLDIG_INNTEKTSAAR)"
        assert reason_words(None, "Skatteetaten does not know the order R-17 (204), also after ordering once more; "
                                  "fetch these persons again later") == \
            "Skatteetaten kjenner ikke bestillingen R-17 (204), heller ikke etter én ny bestilling; hent disse " \
            "personene igjen senere"
        assert reason_words(None, "something new") == "something new"  # unknown: as stored, not lost
        assert reason_words(None, None) == ""
        i18n.set_language("en")
        assert reason_words("vurderArbeidstillatelse", None) == "check the work permit (vurderArbeidstillatelse)"
    finally:
        i18n.set_language(previous)


def test_what_changed_on_a_card_reads_in_bokmal() -> None:
    """Stored in English (``results._describe_change``), shown in the user's words."""
    from byraa.core.taxcards.reasons import change_words

    stored = results._describe_change(("skattekortopplysningerOK", "trekktabell", "8380", 42.0, None, None),
                                      ("skattekortopplysningerOK", "trekkprosent", "8370", 43.0, 5_000_000, None))
    assert stored == "kind trekktabell → trekkprosent; table 8380 → 8370; percentage 42.0 → 43.0; " \
                     "free-card amount – → 50000"
    previous = i18n.language()
    i18n.set_language("nb")
    try:
        assert change_words(stored) == "art trekktabell → trekkprosent; tabell 8380 → 8370; prosent 42,0 → 43,0; " \
                                       "frikortbeløp – → 50000"
        assert change_words(None) == "" and change_words("something new") == "something new"
        i18n.set_language("en")
        assert change_words(stored) == stored.replace("42.0", "42,0").replace("43.0", "43,0")
    finally:
        i18n.set_language(previous)
