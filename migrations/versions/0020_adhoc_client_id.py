"""ad-hoc log: client-generated id of an entry written offline (the server stores it once)

Revision ID: 0020_adhoc_client_id
Revises: 0019_round_criterion_scoring
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_adhoc_client_id"
down_revision = "0019_round_criterion_scoring"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("adhoc_entry") as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint("uq_adhoc_entry_client_id", ["client_id"])


def downgrade():
    with op.batch_alter_table("adhoc_entry") as batch_op:
        batch_op.drop_constraint("uq_adhoc_entry_client_id", type_="unique")
        batch_op.drop_column("client_id")
