"""assignments: responsibility lists, coordinators, history

Revision ID: 0008_assignments
Revises: 0007_findings_adhoc
Create Date: 2026-11-25 11:49:29.545778

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_assignments'
down_revision = '0007_findings_adhoc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('lead_unit_id', sa.Integer(), nullable=True),
    sa.Column('lead_person_id', sa.Integer(), nullable=True),
    sa.Column('product', sa.Text(), nullable=False),
    sa.Column('timeframe', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_assignment_criterion_id_criterion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_person_id'], ['user.id'], name=op.f('fk_assignment_lead_person_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_unit_id'], ['unit.id'], name=op.f('fk_assignment_lead_unit_id_unit'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    sa.UniqueConstraint('criterion_id', name=op.f('uq_assignment_criterion_id'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_lead_person_id'), ['lead_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_lead_unit_id'), ['lead_unit_id'], unique=False)

    op.create_table('assignment_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=False),
    sa.Column('to_date', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('end_reason', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_assignment_history_criterion_id_criterion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['user.id'], name=op.f('fk_assignment_history_person_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_history'))
    )
    with op.batch_alter_table('assignment_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_history_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_history_person_id'), ['person_id'], unique=False)

    op.create_table('assignment_coordinator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_assignment_coordinator_assignment_id_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['user.id'], name=op.f('fk_assignment_coordinator_person_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_assignment_coordinator_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_coordinator'))
    )
    with op.batch_alter_table('assignment_coordinator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_coordinator_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_coordinator_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_coordinator_unit_id'), ['unit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('assignment_coordinator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_coordinator_unit_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_coordinator_person_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_coordinator_assignment_id'))

    op.drop_table('assignment_coordinator')
    with op.batch_alter_table('assignment_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_history_person_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_history_criterion_id'))

    op.drop_table('assignment_history')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_lead_unit_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_lead_person_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_due_date'))

    op.drop_table('assignment')
