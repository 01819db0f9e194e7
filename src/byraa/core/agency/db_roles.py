"""PostgreSQL roles for staff: one database role per staff login, never the schema owner.

On a team server each person connects as their own role (peer authentication over the
Unix socket maps the OS login to the role of the same name), and byraa reads who they
are from ``current_user``. The schema owner (who runs ``byraa db upgrade``) grants
staff roles what the app needs and nothing more: read and write the working tables,
but only INSERT and SELECT the audit trail. Without ownership a staff role can neither
TRUNCATE nor ALTER (``DISABLE TRIGGER``) any table, and row-level security
(``row_security``) answers it only with the rows of its own clients.
"""

from __future__ import annotations

import re

from sqlalchemy import text

from byraa.core.agency import row_security
from byraa.core.base.errors import UserError
from byraa.core.store import Store

_ROLE = re.compile(r"^[a-z_][a-z0-9_.\-]{0,62}$")


def _quoted(role: str) -> str:
    if not _ROLE.match(role):
        raise UserError("db.bad_role", role=role)
    return f'"{role}"'


def grant_staff(store: Store, roles: list[str], *, create: bool = False) -> list[str]:
    """Give each role the staff privileges (creating missing roles with ``create``); returns the roles."""
    if store.dialect != "postgresql":
        raise UserError("db.grant_staff_postgres_only")
    quoted = [(role, _quoted(role)) for role in roles]
    with store.engine.begin() as conn:
        for role, q in quoted:
            if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() is None:
                if not create:
                    raise UserError("db.no_such_role", role=role)
                conn.execute(text(f"CREATE ROLE {q} LOGIN"))
            conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {q}"))
            conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {q}"))
            conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {q}"))
            # The trail: append and read only. The chain head: no DELETE (it is one row).
            conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM {q}"))
            conn.execute(text(f"REVOKE DELETE, TRUNCATE ON audit_chain_head FROM {q}"))
            conn.execute(text(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {q}"))
        row_security.apply(conn)
    return [role for role, _ in quoted]
