"""Words for the store's codes (statuses, roles, kinds), shared by the screens.

The msgids are the codes themselves ("active", "rejected"), so the headless tables,
which translate a code with ``_(code)``, find the same translations.
"""

from __future__ import annotations

from byraa.core.words.i18n import _


def client_status(code: str) -> str:
    return {"active": _("active"), "onboarding": _("onboarding"), "ended": _("ended")}.get(code, code)


def amelding_status(code: str | None) -> str:
    if code is None:
        return ""
    return {"accepted": _("accepted"), "rejected": _("rejected"), "pending": _("pending")}.get(code, code)


def role(code: str) -> str:
    return {
        "manager": _("manager"),
        "clerk": _("clerk"),
        "responsible": _("responsible"),
        "associate": _("associate"),
    }.get(code, code)


def run_kind(code: str) -> str:
    return {"regular": _("regular"), "off_cycle": _("off-cycle")}.get(code, code)


def run_status(code: str) -> str:
    return {"open": _("open"), "frozen": _("frozen"), "posted": _("posted")}.get(code, code)


def employment_type(code: str) -> str:
    """The a-melding's employment types, shortened for a column."""
    return {
        "ordinaertArbeidsforhold": _("ordinary"),
        "maritimtArbeidsforhold": _("maritime"),
        "frilanserOppdragstakerHonorarPersonerMm": _("freelancer"),
        "pensjonOgAndreTyperYtelserUtenAnsettelsesforhold": _("pension/benefits"),
    }.get(code, code)


def severity(code: str | None) -> str:
    """A-melding deviation severities (avvisning, øyeblikkelig, retningslinje)."""
    if code is None:
        return ""
    return {"rejection": _("rejection"), "immediate": _("immediate"), "guideline": _("guideline")}.get(code, code)


def access_finding(code: str) -> str:
    return {
        "leaver_with_access": _("leaver with access"),
        "client_without_responsible": _("no responsible"),
        "grant_on_inactive_client": _("grant on ended client"),
        "user_without_grants": _("user without clients"),
    }.get(code, code)
