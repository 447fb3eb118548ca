"""Several catalogues per year (kind), sub-criteria (parent_id), catalogue version for edits

Revision ID: 0014_catalogue_levels
Revises: 0013_audit_search
"""
from alembic import op
import sqlalchemy as sa

revision = '0014_catalogue_levels'
down_revision = '0013_audit_search'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('catalogue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='inspection', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.drop_constraint('uq_catalogue_year', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_catalogue_year_kind'), ['year', 'kind'])
        batch_op.create_index(batch_op.f('ix_catalogue_year'), ['year'], unique=False)
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_criterion_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_criterion_parent_id_criterion'), 'criterion',
                                    ['parent_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_criterion_parent_id_criterion'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_criterion_parent_id'))
        batch_op.drop_column('parent_id')
    with op.batch_alter_table('catalogue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_year'))
        batch_op.drop_constraint(batch_op.f('uq_catalogue_year_kind'), type_='unique')
        batch_op.create_unique_constraint('uq_catalogue_year', ['year'])
        batch_op.drop_column('version')
        batch_op.drop_column('kind')
