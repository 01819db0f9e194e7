"""The process's one TLS context for calls to the authorities (and to a sandbox).

httpx builds a new ``ssl.SSLContext`` for every client it makes and loads the whole CA
bundle into it: about 25 ms of CPU each time. byraa makes a client per job, per
connection test and per look at a sandbox, so a process paid that again and again for
the same certificates. One verifying context, made the way httpx makes its default (the
``SSL_CERT_FILE``/``SSL_CERT_DIR`` of the environment, else certifi's bundle), serves
them all: an ``SSLContext`` is shared safely between connections and threads.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl


@cache
def verified_context() -> ssl.SSLContext:
    """httpx's default verifying context, made once per process."""
    import httpx

    return httpx.create_ssl_context()
