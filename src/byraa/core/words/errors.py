"""The words of every ``UserError`` code, in English (the msgid) and, via gettext, bokmål.

``MESSAGES`` maps a code to its English template; ``{name}`` fields are filled from the
error's parameters. Templates are marked with ``N_`` so ``scripts/i18n.py`` extracts
them into ``locale/nb``; ``render`` translates at the moment of showing, so one error
object reads right whichever language the CLI or TUI runs in.

A code missing from ``MESSAGES`` is shown as it is (a test keeps every code raised in
``src/`` in this table, and every template translated).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from byraa.core.words.i18n import N_, _

MESSAGES: dict[str, str] = {
    # Lookups shared by every domain
    "client.not_found": N_("no client with the organisation number {org}"),
    "group.not_found": N_("no group named {name}"),
    "staff.not_found": N_("no staff user with the login {login}"),
    "job.not_found": N_("no job {job}"),
    # Files
    "file.missing": N_("{path}: no such file or folder"),
    "file.unreadable": N_("{path}: cannot be read ({reason})"),
}


def _param(value: object) -> str:
    from byraa.core.words import formatting as fmt

    if isinstance(value, datetime):
        return fmt.timestamp(value)
    if isinstance(value, date):
        return fmt.day(value)
    return str(value)


def render(code: str, params: Mapping[str, object]) -> str:
    """The sentence for ``code`` in the current language, its fields filled in."""
    template = MESSAGES.get(code)
    if template is None:
        return code
    try:
        return _(template).format(**{k: _param(v) for k, v in params.items()})
    except (KeyError, IndexError):  # a translation naming a field the code lacks: fall back to English
        return template.format(**{k: _param(v) for k, v in params.items()})
