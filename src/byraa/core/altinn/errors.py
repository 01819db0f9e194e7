"""Errors of the Altinn client, each with a message a clerk can act on.

Where byraa knows the cause (a refused token, an unusable key file) the error also
carries ``words``: a words code and its parameters (``byraa.core.words.messages.altinn``),
so the settings screen and the CLI show it in the user's language and tell its kind by
code, not by the wording.
"""

from __future__ import annotations


class AltinnError(Exception):
    """A call to Maskinporten, Altinn or Skatteetaten failed (after any retries).

    ``kind``: ``timeout``, ``connection``, ``http``, ``auth``, ``malformed``, ``config``.
    """

    def __init__(self, message: str, *, kind: str = "http", status: int | None = None, code: str | None = None,
                 archive_id: int | None = None, words: tuple[str, dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.status = status
        self.code = code
        self.archive_id = archive_id
        self.words = words
        """``(words code, params)`` when byraa knows the cause; else ``None`` (``message`` says it)."""


class MaskinportenError(AltinnError):
    """Maskinporten refused the grant: ``{error, error_description}``."""

    def __init__(self, error: str, description: str, *, status: int | None = None) -> None:
        words = token_error_words(error, description)
        super().__init__(explain_token_error(error, description), kind="auth", status=status, code=error,
                         words=words)
        self.error = error
        self.description = description


def token_error_words(error: str, description: str) -> tuple[str, dict[str, object]]:
    """Maskinporten's error as a words code (what is wrong and what to do) and its parameters."""
    text = f"{error} {description}".lower()
    params: dict[str, object] = {"description": description}
    if "signature" in text or "kid" in text or "unknown key" in text or "invalid_client" in text:
        return "altinn.token_wrong_key", params
    if "externalref" in text:
        return "altinn.token_no_external_ref", params
    if "systemuser" in text or "system user" in text or "authorization_details" in text:
        return "altinn.token_no_system_user", params
    if "lifetime" in text:
        return "altinn.token_too_long", params
    if "iat" in text or "clock" in text or "not yet valid" in text or "expired" in text:
        return "altinn.token_clock_skew", params
    if "scope" in text:
        return "altinn.token_missing_scope", params
    if "audience" in text or "aud" in text.split():
        return "altinn.token_wrong_audience", params
    if "jti" in text or "replay" in text:
        return "altinn.token_reused", params
    return "altinn.token_refused", {"error": error, **params}


def explain_token_error(error: str, description: str) -> str:
    """Maskinporten's error in words (the current language): what is wrong and what to do."""
    from byraa.core.words.errors import render

    return render(*token_error_words(error, description))
