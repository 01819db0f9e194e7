"""audit_event: a hash chain (prev_hash + audit_chain_head), and no UPDATE/DELETE/TRUNCATE for PUBLIC

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

Triggers alone did not keep the trail: SQLite's ``INSERT OR REPLACE`` replaces a row
without a DELETE trigger firing, and on PostgreSQL the table's owner may TRUNCATE or
disable triggers. Each event now stores the sha256 of the event before it (see
``byraa.core.agency.audit``), so any rewrite is found by ``byraa audit verify``; the
events already stored are chained here in id order. On PostgreSQL, PUBLIC loses UPDATE,
DELETE and TRUNCATE on the trail; staff roles get INSERT and SELECT only through
``byraa db grant-staff``.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from byraa.core.agency.audit_chain import canonical_hash

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    # Chain what is stored already: the append-only triggers are lifted for this one pass.
    if postgres:
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    events = sa.table('audit_event', sa.column('at', sqlmodel.sql.sqltypes.UTCDateTime()), *(sa.column(c) for c in (
        'id', 'actor', 'action', 'entity', 'entity_id', 'client_id', 'before', 'after', 'prev_hash')))
    previous, last_id = "", 0
    rows = bind.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    for row in rows:
        bind.execute(events.update().where(events.c.id == row['id']).values(prev_hash=previous))
        previous, last_id = canonical_hash({**row, 'prev_hash': previous}), row['id']
    bind.execute(sa.text("INSERT INTO audit_chain_head (id, last_id, last_hash) VALUES (1, :i, :h)"),
                 {"i": last_id, "h": previous})
    if postgres:
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")
        op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC")
        op.execute("REVOKE DELETE, TRUNCATE ON audit_chain_head FROM PUBLIC")
    else:
        op.execute("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                   "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END")


def downgrade() -> None:
    op.drop_table('audit_chain_head')
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('prev_hash')
    if bind.dialect.name != "postgresql":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                       "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END")
