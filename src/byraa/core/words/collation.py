"""Names in Norwegian alphabetical order, the same on SQLite and PostgreSQL.

The databases sort names by their own collation: SQLite by code point (every capital
before every small letter, and Å before Æ and Ø), PostgreSQL by whatever its cluster was
set up with. A Norwegian list ends with Æ, Ø, Å in that order, puts "de Vries" among the
D's, and reads "Émile" as "Emile". ``sort_key`` gives that order: lists of names sort on
it in Python (a few hundred or thousand rows; the screens' sort keys use it too).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Protocol, TypeVar

_LAST_LETTERS = str.maketrans({"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"})
"""Æ, Ø and Å after Z (``{``, ``|`` and ``}`` follow ``z``), with the Swedish and German
forms beside them as Norwegian dictionaries have them."""


def sort_key(text: str | None) -> str:
    """``"Zahl" < "Ærlig" < "Øyvind" < "Åse"``, ``"Dahl" < "de Vries" < "Eva"``; accents
    other than the Norwegian letters do not count (``"Émile"`` sorts as ``"emile"``)."""
    if not text:
        return ""
    folded = text.casefold().translate(_LAST_LETTERS)
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))


class _Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def id(self) -> int | None: ...


_T = TypeVar("_T", bound=_Named)


def by_name(rows: Iterable[_T]) -> list[_T]:
    """Stored rows with a ``name`` (clients, employees, groups) in Norwegian order; the id
    keeps rows of the same name in a fixed order. The query needs no ``ORDER BY``."""
    return sorted(rows, key=lambda r: (sort_key(r.name), r.id or 0))
