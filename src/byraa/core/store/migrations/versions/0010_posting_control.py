"""posting control: journals, control list, freeze, post once, error account, checklist

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('posting_settings',
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('error_account', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('error_customer', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('subledger_accounts', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('open_years', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ),
    sa.PrimaryKeyConstraint('client_id')
    )
    op.create_table('posting_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('pay_form', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('off_cycle', sa.Boolean(), nullable=False),
    sa.Column('archive_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('frozen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('frozen_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['archive_id'], ['archive_file.id'], ),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('client_id', 'pay_form', 'period', 'off_cycle', name='uq_posting_run_key')
    )
    with op.batch_alter_table('posting_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posting_run_client_id'), ['client_id'], unique=False)

    op.create_table('posting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('posted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('posted_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('voucher_from', sa.Integer(), nullable=False),
    sa.Column('voucher_to', sa.Integer(), nullable=False),
    sa.Column('archive_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['archive_id'], ['archive_file.id'], ),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['posting_run.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id')
    )
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posting_client_id'), ['client_id'], unique=False)

    op.create_table('posting_check',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('point', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('done_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['posting_run.id'], ),
    sa.PrimaryKeyConstraint('run_id', 'point')
    )
    op.create_table('posting_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('national_id', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=True),
    sa.Column('employee_no', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('department', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('project', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('fiscal_year', sa.Integer(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['posting_run.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('posting_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posting_line_run_id'), ['run_id'], unique=False)

    op.create_table('posted_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('posting_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('voucher', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('customer', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
    sa.Column('to_error', sa.Boolean(), nullable=False),
    sa.Column('cleared_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('cleared_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ),
    sa.ForeignKeyConstraint(['posting_id'], ['posting.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('posted_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posted_line_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posted_line_posting_id'), ['posting_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('posted_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posted_line_posting_id'))
        batch_op.drop_index(batch_op.f('ix_posted_line_client_id'))

    op.drop_table('posted_line')
    with op.batch_alter_table('posting_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posting_line_run_id'))

    op.drop_table('posting_line')
    op.drop_table('posting_check')
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posting_client_id'))

    op.drop_table('posting')
    with op.batch_alter_table('posting_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posting_run_client_id'))

    op.drop_table('posting_run')
    op.drop_table('posting_settings')
