"""indexes for the console's overview over a year of live deeds (partial: deleted deeds are left out)

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")
# deleted_at last in each (always NULL there): SQLite reads an index alone only when it holds every column
# the query names, the partial WHERE's included
INDEXES = (
    ('ix_deed_live_date_user', ['deed_date', 'user_id', 'deleted_at']),               # weeks: count, distinct people
    ('ix_deed_live_bureau', ['bureau_id', 'deed_date', 'virtue', 'user_id', 'deleted_at']),  # by bureau; a bureau's own
    ('ix_deed_live_virtue', ['virtue', 'deed_date', 'deleted_at']),                   # by virtue: five ranges
)


def upgrade() -> None:
    for name, cols in INDEXES:
        op.create_index(name, 'deed', cols, sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade() -> None:
    for name, _cols in reversed(INDEXES):
        op.drop_index(name, table_name='deed')
