"""Errors the core raises for the user to read: a code and its parameters.

Every error the user caused (bad input, no access, unknown client) is a ``UserError``
carrying a stable code (``"client.not_found"``) and named parameters
(``org="310000027"``). The words module (``byraa.core.words.errors``) renders it in the
user's language for the CLI and the TUI alike, so ``str(exc)`` is always a sentence in
bokmål or English. The CLI prints it and exits 2; the TUI shows it in a notification.
Anything else is a bug and surfaces as such.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused request: one clear message, exit code 2, nothing changed."""

    exit_code = 2

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        from byraa.core.words.errors import render

        return render(self.code, self.params)


class Phrase(str):
    """An English phrase (a msgid marked with ``N_``) carried as a parameter: rendered translated.

    For words a parameter holds that are ours, not the user's (a reason, an action), so
    they follow the language the error is shown in, as the template does.
    """

    __slots__ = ()


class AccessDenied(UserError):
    """The current user may not do this (role or client access)."""


class NotFound(UserError):
    """A named thing (client, user, group) does not exist."""


class ConfigError(UserError):
    """Configuration or database location problems (unreachable URL, newer schema)."""
