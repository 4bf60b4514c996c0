"""invite-code lockout keyed on a keyed hash of the LINE id (kept through erasure); user_id optional

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('registrationattempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_registrationattempt_line_hash'), ['line_hash'], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM registrationattempt WHERE user_id IS NULL")
    with op.batch_alter_table('registrationattempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrationattempt_line_hash'))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('line_hash')
