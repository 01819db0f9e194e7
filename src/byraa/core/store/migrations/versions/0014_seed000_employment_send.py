"""an employment sent from the employee card: a correction without a reconciliation run

Revision ID: 0014_seed000
Revises: 0013_friction
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa


revision = '0014_seed000'
down_revision = '0013_friction'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # An employment sent from the employee card has no run or row behind it.
    with op.batch_alter_table('recon_correction') as batch:
        batch.alter_column('run_id', existing_type=sa.Integer(), nullable=True)
        batch.alter_column('row_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM recon_correction WHERE run_id IS NULL OR row_id IS NULL")
    with op.batch_alter_table('recon_correction') as batch:
        batch.alter_column('row_id', existing_type=sa.Integer(), nullable=False)
        batch.alter_column('run_id', existing_type=sa.Integer(), nullable=False)
