"""The words of every ``UserError`` code, in English (the msgid) and, via gettext, bokmål.

``MESSAGES`` maps a code to its English template (gathered from the per-domain modules
in ``byraa.core.words.messages``); ``{name}`` fields are filled from the
error's parameters. Templates are marked with ``N_`` so ``scripts/i18n.py`` extracts
them into ``locale/nb``; ``render`` translates at the moment of showing, so one error
object reads right whichever language the CLI or TUI runs in.

A code missing from ``MESSAGES`` is shown as it is (a test keeps every code raised in
``src/`` in this table, and every template translated).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from byraa.core.words.i18n import _


def _gather() -> dict[str, str]:
    import importlib
    import pkgutil

    from byraa.core.words import messages

    gathered: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(messages.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{messages.__name__}.{info.name}")
        for code, template in module.MESSAGES.items():
            if code in gathered:
                raise RuntimeError(f"error code {code} defined twice (words.messages.{info.name})")
            gathered[code] = template
    return gathered


MESSAGES: dict[str, str] = _gather()
"""Every code's English template, from the modules in ``byraa.core.words.messages``."""


def _param(value: object) -> str:
    from byraa.core.base.errors import Phrase, UserError
    from byraa.core.words import formatting as fmt

    if isinstance(value, Phrase):
        return _(value)
    if isinstance(value, UserError):
        return str(value)
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
