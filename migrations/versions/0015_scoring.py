"""Scoring: a criterion's scoring rule (rating / proportional / thresholds), the author's
justification of a self-score and the team's reason for a different appraised score

Revision ID: 0015_scoring
Revises: 0014_catalogue_levels
"""
from alembic import op
import sqlalchemy as sa

revision = '0015_scoring'
down_revision = '0014_catalogue_levels'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scoring_rule', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('partial_ratio', sa.Numeric(precision=4, scale=2), nullable=True))
        batch_op.add_column(sa.Column('thresholds', sa.String(length=300), server_default='', nullable=False))
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('self_justification', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appraisal_reason', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_column('appraisal_reason')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('self_justification')
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_column('thresholds')
        batch_op.drop_column('partial_ratio')
        batch_op.drop_column('scoring_rule')
