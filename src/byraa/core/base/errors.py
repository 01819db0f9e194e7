"""Errors the core raises for the user to read.

Every error the user caused (bad input, no access, unknown client) is a ``UserError``:
the CLI prints its message and exits 2, the TUI shows it in a notification. Anything
else is a bug and surfaces as such.
"""


class UserError(Exception):
    """Bad input or a refused request: one clear message, exit code 2, nothing changed."""

    exit_code = 2


class AccessDenied(UserError):
    """The current user may not do this (role or client access)."""


class NotFound(UserError):
    """A named thing (client, user, group) does not exist."""


class ConfigError(UserError):
    """Configuration or database location problems (unreachable URL, newer schema)."""
