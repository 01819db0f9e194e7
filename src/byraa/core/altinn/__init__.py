"""The shared Altinn client: Maskinporten, Skatteetaten's tax cards, A07 and a-melding.

One ``AltinnClient`` for the whole app (``client.py``), configured by ``AltinnSettings``
(``settings.py``: every uncertain URL, scope and path is a setting with a documented
default). Heavy imports (httpx, jwt) happen inside the modules that need them, so
``import byraa.core.altinn`` stays cheap.
"""

from byraa.core.altinn.errors import AltinnError, MaskinportenError
from byraa.core.altinn.settings import ENVIRONMENTS, SANDBOX_ISSUER, AltinnSettings, settings_for

__all__ = ["ENVIRONMENTS", "SANDBOX_ISSUER", "AltinnError", "AltinnSettings", "MaskinportenError", "settings_for"]
