"""Scoring and year-end ranking: a criterion's scoring rule (rating / proportional / thresholds), the author's
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
    op.create_table('ranking_setup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('coordinator_weight', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.Column('excellent_from', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('good_from', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('done_from', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_setup')),
    sa.UniqueConstraint('year', name=op.f('uq_ranking_setup_year'))
    )
    op.create_table('ranking_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=10), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('proposed', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_ranking_decision_decided_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_decision')),
    sa.UniqueConstraint('year', 'subject', 'subject_id', name=op.f('uq_ranking_decision_year_subject_subject_id'))
    )
    with op.batch_alter_table('ranking_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ranking_decision_year'), ['year'], unique=False)
    op.create_table('ranking_round_weight',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('setup_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_ranking_round_weight_round_id_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['setup_id'], ['ranking_setup.id'], name=op.f('fk_ranking_round_weight_setup_id_ranking_setup'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_round_weight')),
    sa.UniqueConstraint('setup_id', 'round_id', name=op.f('uq_ranking_round_weight_setup_id_round_id'))
    )
    with op.batch_alter_table('ranking_round_weight', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ranking_round_weight_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_round_weight_setup_id'), ['setup_id'], unique=False)
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scoring_rule', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('partial_ratio', sa.Numeric(precision=4, scale=2), nullable=True))
        batch_op.add_column(sa.Column('thresholds', sa.String(length=300), server_default='', nullable=False))
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('self_justification', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appraisal_reason', sa.Text(), server_default='', nullable=False))


def downgrade():
    op.drop_table('ranking_round_weight')
    op.drop_table('ranking_decision')
    op.drop_table('ranking_setup')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_column('appraisal_reason')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('self_justification')
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_column('thresholds')
        batch_op.drop_column('partial_ratio')
        batch_op.drop_column('scoring_rule')
