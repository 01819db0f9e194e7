"""Column references for queries, typed for the checker.

A model's field read on the class (``Client.name``) is typed as its Python value, so inside
``select()``/``where()`` it goes through ``sqlmodel.col`` to be seen as a column. Primary keys
are declared ``int | None`` (an object not yet saved has none), but a key read back from the
database always has a value: ``pk`` says so, and the rows it selects carry ``int``.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy.orm import Mapped
from sqlmodel import col


def pk(column: int | None) -> Mapped[int]:
    """``col()`` for a primary key whose selected values are never None."""
    return cast("Mapped[int]", col(column))
