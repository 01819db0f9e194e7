"""an a-melding's leveringstidspunkt on its source (the a-melding list's "submitted")

Revision ID: 0016_delivered
Revises: 0015_zoneflag
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0016_delivered'
down_revision = '0015_zoneflag'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('recon_source') as batch:
        batch.add_column(sa.Column('delivered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('recon_source') as batch:
        batch.drop_column('delivered_at')
