"""parked flows: a menu action from the middle of a flow keeps the draft for "ทำรายการค้างต่อ"

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversationstate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parked', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('conversationstate', schema=None) as batch_op:
        batch_op.drop_column('parked')
