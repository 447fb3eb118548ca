"""remedies owned by a unit (owner_unit_id, exactly one owner); ward setting for the first
remedy's default deadline

Revision ID: 0022_remedy_owner_unit
Revises: 0021_report_comment
"""
import sqlalchemy as sa
from alembic import op

revision = "0022_remedy_owner_unit"
down_revision = "0021_report_comment"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("remedy") as batch_op:
        batch_op.add_column(sa.Column("owner_unit_id", sa.Integer(), nullable=True))
        batch_op.alter_column("owner_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f("ix_remedy_owner_unit_id"), ["owner_unit_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_remedy_owner_unit_id_unit"), "unit", ["owner_unit_id"], ["id"])
        batch_op.create_check_constraint(op.f("ck_remedy_one_owner"), "(owner_id IS NULL) <> (owner_unit_id IS NULL)")
    with op.batch_alter_table("ward_settings") as batch_op:
        batch_op.add_column(sa.Column("remedy_deadline_days", sa.Integer(), server_default="30", nullable=False))


def downgrade():
    with op.batch_alter_table("ward_settings") as batch_op:
        batch_op.drop_column("remedy_deadline_days")
    # a unit's remedies have no person to fall back to: they cannot survive the downgrade
    op.execute("DELETE FROM remedy WHERE owner_id IS NULL")
    with op.batch_alter_table("remedy") as batch_op:
        batch_op.drop_constraint(op.f("ck_remedy_one_owner"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_remedy_owner_unit_id_unit"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_remedy_owner_unit_id"))
        batch_op.alter_column("owner_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("owner_unit_id")
