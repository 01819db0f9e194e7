"""altinn_connection: contact details, the system user's externalRef, idempotensid switch

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

Tax-card orders always carry ``kontaktinformasjon`` (agency settings); a system user
requested with an ``externalRef`` needs it in the grant's ``authorization_details``; the
tax-card order's ``?idempotensid=`` is off unless switched on per connection. A
correction keeps its receipt's Dialogporten ``dialogId``: feedback is found through it.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('altinn_connection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('contact_phone', sqlmodel.sql.sqltypes.AutoString(length=20),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('external_ref', sqlmodel.sql.sqltypes.AutoString(length=100),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('taxcard_idempotency', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('recon_correction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dialog_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('recon_correction', schema=None) as batch_op:
        batch_op.drop_column('dialog_id')
    with op.batch_alter_table('altinn_connection', schema=None) as batch_op:
        batch_op.drop_column('taxcard_idempotency')
        batch_op.drop_column('external_ref')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_email')
