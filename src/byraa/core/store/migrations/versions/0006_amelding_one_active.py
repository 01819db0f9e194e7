"""recon_source: one active version of an a-melding per client, month and meldingsId

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

Three importers of the same file at once each read "not imported yet" and each wrote a
copy, so income counted twice or thrice. A partial unique index makes the database
refuse the second active copy; the importer catches that, re-reads and reports the file
unchanged (or replaced). Duplicates already stored are deactivated first (the newest
copy stays active).
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

WHERE = "kind = 'amelding' AND active"


def upgrade() -> None:
    key = "client_id, period, coalesce(message_id, '')"
    op.execute(sa.text(
        f"UPDATE recon_source SET active = false WHERE {WHERE} AND id NOT IN ("
        f"SELECT max(id) FROM recon_source WHERE {WHERE} GROUP BY {key})"
    ))
    op.execute(sa.text(
        f"CREATE UNIQUE INDEX uq_recon_source_active_amelding ON recon_source ({key}) WHERE {WHERE}"
    ))


def downgrade() -> None:
    op.execute(sa.text("DROP INDEX uq_recon_source_active_amelding"))
