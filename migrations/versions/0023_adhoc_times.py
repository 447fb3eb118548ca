"""ad-hoc log: the hour the check started and ended (the minutes' "vào hồi …"), both optional

Revision ID: 0023_adhoc_times
Revises: 0022_remedy_owner_unit
"""
import sqlalchemy as sa
from alembic import op

revision = "0023_adhoc_times"
down_revision = "0022_remedy_owner_unit"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("adhoc_entry") as batch_op:
        batch_op.add_column(sa.Column("start_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("end_time", sa.Time(), nullable=True))


def downgrade():
    with op.batch_alter_table("adhoc_entry") as batch_op:
        batch_op.drop_column("end_time")
        batch_op.drop_column("start_time")
