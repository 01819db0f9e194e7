"""each sub-unit's last comparison with Enhetsregisteret (read by the AGA check)

Revision ID: 0015_zoneflag
Revises: 0014_seed000
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0015_zoneflag'
down_revision = '0014_seed000'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sub_unit_register',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('sub_unit_id', sa.Integer(), nullable=False),
    sa.Column('org_number', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('municipality', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('register_municipality', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('register_municipality_number', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('found', sa.Boolean(), nullable=False),
    sa.Column('compared_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('compared_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ),
    sa.ForeignKeyConstraint(['sub_unit_id'], ['sub_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sub_unit_id')
    )
    with op.batch_alter_table('sub_unit_register', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sub_unit_register_client_id'), ['client_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sub_unit_register', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sub_unit_register_client_id'))
    op.drop_table('sub_unit_register')
