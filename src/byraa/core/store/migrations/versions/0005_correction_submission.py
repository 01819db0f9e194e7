"""recon_correction: the forsendelse a correction went out as, and when

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22

A submitted a-melding correction keeps a-ordningen's ``forsendelseId`` so its feedback
(tilbakemelding) can be fetched later, also by the next ``byraa reconcile submit``.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('recon_correction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forsendelse_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('recon_correction', schema=None) as batch_op:
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('forsendelse_id')
