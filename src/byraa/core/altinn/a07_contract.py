"""The A07 replacement's contract, in one place: resource, scope, paths and JSON fields.

Source: SKE-DOC docs/api/avstemmingsrapport-amelding.md ("Avstemmingsrapport A-melding
API", 21 May 2026). VERIFIED there: the Altinn resource ``ske-avstemmingsinformasjon-amelding``
(or the listed access packages), the scope ``skatteetaten:innrapporteringamelding``, JSON
only, the ``idempotencyKey`` query parameter on POST, and the AMLD error codes.
UNVERIFIED (the information model is "Ikke tilgjengelig foreløpig"; paths and fields are
only on SwaggerHub ``skatteetaten/avstemmingsrapport-amelding-api``): every path and every
field name below is byraa's own choice, which the sandbox implements. When the model is
published, change the values here (and their tests in tests/core/altinn/test_a07_contract.py).
"""

from __future__ import annotations

RESOURCE = "ske-avstemmingsinformasjon-amelding"
"""[V] the Altinn resource a standard system user needs (access packages also work)."""
SCOPE = "skatteetaten:innrapporteringamelding"
"""[V]."""
IDEMPOTENCY_PARAM = "idempotencyKey"
"""[V] a UUID per new POST."""

PATH_ORDER = "/v1/avstemmingsrapport/{orgnr}/bestillinger"
"""[unverified] byraa's own."""
PATH_FETCH = "/v1/avstemmingsrapport/{orgnr}/bestillinger/{reference}"
"""[unverified] byraa's own."""

ORDER = {
    "org_number": "opplysningspliktig",
    "first_month": "fraOgMedKalendermaaned",
    "last_month": "tilOgMedKalendermaaned",
    "persons": "inkluderInntektsmottakere",
}
"""byraa's name -> the order body's field [unverified]."""

ORDER_ANSWER = {"reference": ("bestillingsreferanse", "id")}
"""The order answer's reference, first name found wins [unverified]."""

REPORT = {
    "org_number": "opplysningspliktig",
    "months": "kalendermaaneder",
}
"""The report's top-level fields [unverified]."""

MONTH = {
    "period": "kalendermaaned",
    "gross": "sumBruttoinntekt",
    "withholding": "sumForskuddstrekk",
    "employer_contribution": "sumArbeidsgiveravgift",
    "employments": "antallArbeidsforhold",
    "income_receivers": "antallInntektsmottakere",
    "persons": "inntektsmottakere",
    "contribution_lines": "arbeidsgiveravgift",
}
"""One month of the report; ``persons``/``contribution_lines`` only when asked for [unverified]."""

UNVERIFIED = ("PATH_ORDER", "PATH_FETCH", "ORDER", "ORDER_ANSWER", "REPORT", "MONTH")
