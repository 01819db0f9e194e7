"""Errors of the Altinn client, each with a message a clerk can act on."""

from __future__ import annotations


class AltinnError(Exception):
    """A call to Maskinporten, Altinn or Skatteetaten failed (after any retries).

    ``kind``: ``timeout``, ``connection``, ``http``, ``auth``, ``malformed``, ``config``.
    """

    def __init__(self, message: str, *, kind: str = "http", status: int | None = None, code: str | None = None,
                 archive_id: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.status = status
        self.code = code
        self.archive_id = archive_id


class MaskinportenError(AltinnError):
    """Maskinporten refused the grant: ``{error, error_description}``."""

    def __init__(self, error: str, description: str, *, status: int | None = None) -> None:
        super().__init__(explain_token_error(error, description), kind="auth", status=status, code=error)
        self.error = error
        self.description = description


def explain_token_error(error: str, description: str) -> str:
    """Maskinporten's error in words: what is wrong and what to do."""
    text = f"{error} {description}".lower()
    if "signature" in text or "kid" in text or "unknown key" in text or "invalid_client" in text:
        return ("wrong key: Maskinporten could not verify the assertion with the key registered for this key id "
                f"({description}); check the key file and key id")
    if "externalref" in text:
        return (f"no system user with this externalRef: {description}; enter the externalRef the system user "
                "was requested with in the connection settings")
    if "systemuser" in text or "system user" in text or "authorization_details" in text:
        return (f"no system user: {description}; create the system user for client relationships "
                "and have it approved in Altinn")
    if "lifetime" in text:
        return f"the assertion lives too long ({description})"
    if "iat" in text or "clock" in text or "not yet valid" in text or "expired" in text:
        return (f"clock skew: Maskinporten rejected the assertion's time ({description}); "
                "check this machine's clock (NTP)")
    if "scope" in text:
        return (f"missing scope: the Maskinporten client is not granted the scope ({description}); "
                "ask for it in Samarbeidsportalen")
    if "audience" in text or "aud" in text.split():
        return f"wrong audience: {description}; check the environment setting"
    if "jti" in text or "replay" in text:
        return f"the assertion was already used ({description})"
    return f"Maskinporten refused the token: {error}: {description}"
