"""a campaign may belong to an activity of the register (its check-ins count as the activity's participants)

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activity_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_campaign_activity_id'), ['activity_id'], unique=False)
        batch_op.create_foreign_key('fk_campaign_activity', 'activity', ['activity_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_constraint('fk_campaign_activity', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_campaign_activity_id'))
        batch_op.drop_column('activity_id')
