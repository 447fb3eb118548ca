"""Every report ends with a decision: a late submission the secretariat allows by name

Revision ID: 0010_report_decisions
Revises: 0009_reports
Create Date: 2026-11-25 22:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_report_decisions'
down_revision = '0009_reports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_allowed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('late_allowed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_report_late_allowed_by_id_user'), 'user',
                                    ['late_allowed_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_report_late_allowed_by_id_user'), type_='foreignkey')
        batch_op.drop_column('late_allowed_by_id')
        batch_op.drop_column('late_allowed_at')
