"""reconciliation folder: ledger sub-ledger ids and dimensions, a-melding deductions

Revision ID: 0012_folder
Revises: 0011_posting
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0012_folder'
down_revision = '0011_posting'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('recon_ledger') as batch:
        batch.add_column(sa.Column('party', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch.add_column(sa.Column('dimension', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))
    op.create_table('recon_deduction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('side', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('national_id', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['recon_source.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_recon_deduction_client_period', 'recon_deduction', ['client_id', 'period'], unique=False)
    op.create_index(op.f('ix_recon_deduction_source_id'), 'recon_deduction', ['source_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_recon_deduction_source_id'), table_name='recon_deduction')
    op.drop_index('ix_recon_deduction_client_period', table_name='recon_deduction')
    op.drop_table('recon_deduction')
    with op.batch_alter_table('recon_ledger') as batch:
        batch.drop_column('dimension')
        batch.drop_column('party')
