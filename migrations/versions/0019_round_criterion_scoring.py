"""A round's frozen criteria keep their scoring too (maximum, rule, indicator unit and target)

Revision ID: 0019_round_criterion_scoring
Revises: 0018_notification_delivery
"""
from alembic import op
import sqlalchemy as sa

revision = '0019_round_criterion_scoring'
down_revision = '0018_notification_delivery'
branch_labels = None
depends_on = None

COLUMNS = ("indicator_unit", "indicator_target", "max_points", "scoring_rule", "partial_ratio", "thresholds")


def upgrade():
    with op.batch_alter_table('round_criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('indicator_unit', sa.String(length=30), server_default='', nullable=False))
        batch_op.add_column(sa.Column('indicator_target', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('max_points', sa.Numeric(precision=6, scale=2), nullable=True))
        batch_op.add_column(sa.Column('scoring_rule', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('partial_ratio', sa.Numeric(precision=4, scale=2), nullable=True))
        batch_op.add_column(sa.Column('thresholds', sa.String(length=300), server_default='', nullable=False))
    # Rounds frozen before this migration read these from the catalogue: copy them once.
    for column in COLUMNS:
        op.execute(f"UPDATE round_criterion SET {column} = (SELECT criterion.{column} FROM criterion "
                   f"WHERE criterion.id = round_criterion.criterion_id) WHERE criterion_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('round_criterion', schema=None) as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
