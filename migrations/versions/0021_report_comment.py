"""reports: working notes by the author and the coordinators (ý kiến phối hợp)

Revision ID: 0021_report_comment
Revises: 0020_adhoc_client_id
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_report_comment"
down_revision = "0020_adhoc_client_id"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_report_comment_author_id_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name=op.f("fk_report_comment_report_id_report"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_comment")),
    )
    with op.batch_alter_table("report_comment") as batch_op:
        batch_op.create_index(batch_op.f("ix_report_comment_report_id"), ["report_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_comment") as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_comment_report_id"))
    op.drop_table("report_comment")
