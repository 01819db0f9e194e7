"""payroll side from imports: derived rows point at the a-melding they come from

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

The cockpit's ``payroll_run``, ``amelding_submission`` and ``client_activity`` rows are
derived from imported a-meldinger. ``source_id`` names the ``recon_source`` a row was
derived from (NULL: written by something else, e.g. a correction's feedback), so a
replacing a-melding replaces exactly the derived rows. ``payslips_manual`` becomes
nullable: an a-melding carries no mark of hand-made payslips, so the degree of
automation is unknown, not 100 %. ``recon_source`` keeps per-file counts that only the
file can give (employees with an employment in the month, leaves active in the month).
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payroll_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_id', sa.Integer(), nullable=True))
        batch_op.alter_column('payslips_manual', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('amelding_submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=True))
    with op.batch_alter_table('recon_source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employees_active', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('leaves_active', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('recon_source', schema=None) as batch_op:
        batch_op.drop_column('leaves_active')
        batch_op.drop_column('employees_active')
    with op.batch_alter_table('amelding_submission', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('source_id')
    with op.batch_alter_table('payroll_run', schema=None) as batch_op:
        batch_op.alter_column('payslips_manual', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('source_id')
