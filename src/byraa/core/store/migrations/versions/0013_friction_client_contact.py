"""client bank accounts and contact fields (validated on every edit path)

Revision ID: 0013_friction
Revises: 0012_folder
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0013_friction'
down_revision = '0012_folder'
branch_labels = None
depends_on = None

COLUMNS = (
    ('bank_account', 11),
    ('tax_deduction_account', 11),
    ('address', 200),
    ('postal_code', 4),
    ('city', 100),
    ('phone', 20),
    ('email', 254),
)


def upgrade() -> None:
    with op.batch_alter_table('client') as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('client') as batch:
        for name, _length in reversed(COLUMNS):
            batch.drop_column(name)
