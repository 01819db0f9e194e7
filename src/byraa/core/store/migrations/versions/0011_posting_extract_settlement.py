"""posting: settlement of open items after posting, pay type on journal lines, extract rights, register access

Revision ID: 0011_posting
Revises: 0010
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0011_posting'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('posting_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settle_accounts', sqlmodel.sql.sqltypes.AutoString(length=500),
                                      nullable=False, server_default=''))
    with op.batch_alter_table('posting_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pay_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
    with op.batch_alter_table('posted_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_amount', sa.BigInteger(), nullable=True))
    op.create_table('posting_settlement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('posting_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('settled_line_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('settled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ),
    sa.ForeignKeyConstraint(['line_id'], ['posted_line.id'], ),
    sa.ForeignKeyConstraint(['posting_id'], ['posting.id'], ),
    sa.ForeignKeyConstraint(['settled_line_id'], ['posted_line.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('posting_settlement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posting_settlement_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_settlement_posting_id'), ['posting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_settlement_settled_line_id'), ['settled_line_id'],
                              unique=False)
    op.create_table('extract_right',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('low', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('high', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'kind', 'low', name='uq_extract_right_from')
    )
    with op.batch_alter_table('extract_right', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extract_right_user_id'), ['user_id'], unique=False)
    op.create_table('extract_control',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_control', sa.Boolean(), nullable=False),
    sa.Column('department_control', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('register_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('population_register', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('register_access')
    op.drop_table('extract_control')
    with op.batch_alter_table('extract_right', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extract_right_user_id'))
    op.drop_table('extract_right')
    with op.batch_alter_table('posting_settlement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posting_settlement_settled_line_id'))
        batch_op.drop_index(batch_op.f('ix_posting_settlement_posting_id'))
        batch_op.drop_index(batch_op.f('ix_posting_settlement_client_id'))
    op.drop_table('posting_settlement')
    with op.batch_alter_table('posted_line', schema=None) as batch_op:
        batch_op.drop_column('open_amount')
    with op.batch_alter_table('posting_line', schema=None) as batch_op:
        batch_op.drop_column('pay_type')
    with op.batch_alter_table('posting_settings', schema=None) as batch_op:
        batch_op.drop_column('settle_accounts')
