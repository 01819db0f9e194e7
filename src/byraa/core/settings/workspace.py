"""One process's working context: settings, the store and who is using it.

The TUI and every headless command open the same ``Workspace``, so both go through the
same store, identity and access checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from byraa.core.agency import identity
from byraa.core.agency.identity import Identity
from byraa.core.base.errors import UserError
from byraa.core.settings.config import Settings
from byraa.core.store import Store, open_store
from byraa.core.words import i18n


@dataclass
class Workspace:
    settings: Settings
    store: Store
    who: Identity | None
    """``None`` only on a database with no agency yet (the TUI then shows how to start)."""

    def close(self) -> None:
        self.store.dispose()


def open_workspace(settings: Settings, *, interactive: bool = False) -> Workspace:
    """Open the store (schema checked) and resolve the current login to a staff user.

    Headless commands (``interactive=False``) never create a database and need a staff
    user. The TUI creates and migrates a brand-new database so that a first start can
    show how to get going; it still needs a staff user once an agency exists.
    """
    from byraa.core.agency import setup as agency

    i18n.set_language(settings.language)
    store = open_store(settings.database_url, create=interactive, upgrade_empty=interactive)
    try:
        who = None
        if not interactive or agency.info(store) is not None:
            if not interactive and agency.info(store) is None:
                raise UserError("db.no_agency", url=store.display_url)
            who = identity.resolve(store)
    except BaseException:
        store.dispose()
        raise
    return Workspace(settings, store, who)
