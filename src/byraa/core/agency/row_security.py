"""Row-level security on PostgreSQL: a staff role reads only its own clients' payroll rows.

byraa's access rules live in core (``access.can_see_client``), but a clerk on a team
server also holds a database role of her own and can open ``psql``. The database
itself must then refuse what the app would not show: with row-level security each
table that holds personal data or amounts answers a staff session only with the rows
of clients its login has access to (an active agency manager sees every client). The
staff login is the database role's name (``identity``: ``current_user`` on PostgreSQL).

The schema owner and superusers are not bound by these policies (PostgreSQL's rule
for owners without ``FORCE``), so migrations, ``byraa demo`` and the owner's own
sessions see everything. The policies are (re)applied by ``byraa db grant-staff``,
which must run after every upgrade anyway, so a table added by a later migration is
covered once it is listed here (a test fails for a table with a ``client_id`` that is
in neither list).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

CLIENT_TABLES: tuple[str, ...] = (
    "employee", "employment", "payroll_run", "amelding_submission", "client_activity", "archive_file",
    "tax_card", "taxcard_fetch_result", "altinn_connection",
    "posting_settings", "posting_run", "posting", "posted_line", "posting_settlement",
    "recon_source", "recon_employment", "recon_income", "recon_withholding", "recon_aga", "recon_ledger",
    "recon_deduction",
    "recon_setting", "recon_run", "recon_correction", "sub_unit_register",
)
"""Tables with a ``client_id`` whose rows only the client's staff may read or change."""

CHILD_TABLES: dict[str, tuple[str, str]] = {
    "leave": ("employment_id", "employment"),
    "archive_exchange": ("archive_id", "archive_file"),
    "posting_line": ("run_id", "posting_run"),
    "posting_check": ("run_id", "posting_run"),
    "recon_row": ("run_id", "recon_run"),
}
"""Tables without a ``client_id``: a row is visible when its parent row is (the parent's
own policy applies inside the policy's subquery)."""

AUDIT_TABLE = "audit_event"
"""The trail has policies of its own: any staff session appends to it (its rows name national
ids revealed and access changed, so a clerk reads only her own events, a manager all)."""

OPEN_TABLES: frozenset[str] = frozenset({"sub_unit", "client_access", "group_membership"})
"""Tables with a ``client_id`` that every staff member may read: the client register and who
works on what (the client list, groups and the access review show them to everyone)."""

POLICY = "byraa_client_access"

_FUNCTION = """
CREATE OR REPLACE FUNCTION byraa_may_see_client(cid integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM staff_user u
        WHERE u.login = current_user AND u.active
          AND (u.role = 'manager'
               OR EXISTS (SELECT 1 FROM client_access a WHERE a.user_id = u.id AND a.client_id = cid))
    )
$$;
CREATE OR REPLACE FUNCTION byraa_is_manager() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM staff_user u WHERE u.login = current_user AND u.active AND u.role = 'manager')
$$
"""


def apply(conn: Connection) -> None:
    """Enable row-level security with byraa's policy on every protected table (idempotent)."""
    conn.execute(text(_FUNCTION))
    for table in CLIENT_TABLES:
        _policy(conn, table, "byraa_may_see_client(client_id)")
    for table, (column, parent) in CHILD_TABLES.items():
        _policy(conn, table, f"EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {table}.{column})")
    conn.execute(text(f"ALTER TABLE {AUDIT_TABLE} ENABLE ROW LEVEL SECURITY"))
    for name, rule in (("byraa_audit_read", "FOR SELECT USING (actor = current_user OR byraa_is_manager())"),
                       ("byraa_audit_append", "FOR INSERT WITH CHECK (true)")):
        conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {AUDIT_TABLE}"))
        conn.execute(text(f"CREATE POLICY {name} ON {AUDIT_TABLE} {rule}"))


def _policy(conn: Connection, table: str, condition: str) -> None:
    # Names come from the constants above, never from input.
    conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    conn.execute(text(f"DROP POLICY IF EXISTS {POLICY} ON {table}"))
    conn.execute(text(f"CREATE POLICY {POLICY} ON {table} USING ({condition}) WITH CHECK ({condition})"))


__all__ = ["AUDIT_TABLE", "CHILD_TABLES", "CLIENT_TABLES", "OPEN_TABLES", "POLICY", "apply"]
