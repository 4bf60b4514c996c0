"""the plan's activity register (issue 16): activities per fiscal year and their responsible bureaus

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'activity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fy', sa.Integer(), nullable=False),
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('measure', sa.Text(), nullable=False),
        sa.Column('sub_measure', sa.Text(), nullable=False),
        sa.Column('indicator', sa.Text(), nullable=False),
        sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('target', sa.Float(), nullable=True),
        sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('budget', sa.Float(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('fy', 'code', name='uq_activity_fy_code'),
    )
    op.create_index('ix_activity_fy', 'activity', ['fy'])
    op.create_table(
        'activitybureau',
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('bureau_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['activity.id']),
        sa.ForeignKeyConstraint(['bureau_id'], ['bureau.id']),
        sa.PrimaryKeyConstraint('activity_id', 'bureau_id'),
    )
    op.create_index('ix_activitybureau_bureau_id', 'activitybureau', ['bureau_id'])


def downgrade() -> None:
    op.drop_table('activitybureau')
    op.drop_table('activity')
