"""ISO: procedure registry (versions, steps, forms), holidays, sample checks of dossiers

Revision ID: 0006_iso
Revises: 0005_audit_action
Create Date: 2026-11-25 11:48:17.772982

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_iso'
down_revision = '0005_audit_action'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday')),
    sa.UniqueConstraint('date', name=op.f('uq_holiday_date'))
    )
    op.create_table('procedure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('search_text', sa.String(length=400), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_procedure_unit_id_unit'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure')),
    sa.UniqueConstraint('code', name=op.f('uq_procedure_code'))
    )
    with op.batch_alter_table('procedure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_unit_id'), ['unit_id'], unique=False)

    op.create_table('procedure_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_procedure_version_procedure_id_procedure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_version')),
    sa.UniqueConstraint('procedure_id', 'number', name=op.f('uq_procedure_version_procedure_id_number'))
    )
    with op.batch_alter_table('procedure_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_version_procedure_id'), ['procedure_id'], unique=False)

    op.create_table('sample_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['completed_by_id'], ['user.id'], name=op.f('fk_sample_check_completed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_sample_check_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sample_check'))
    )
    with op.batch_alter_table('sample_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sample_check_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sample_check_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_sample_check_year'), ['year'], unique=False)

    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('handler_name', sa.String(length=120), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('sample_order', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['check_id'], ['sample_check.id'], name=op.f('fk_dossier_check_id_sample_check'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handler_id'], ['user.id'], name=op.f('fk_dossier_handler_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_dossier_procedure_id_procedure')),
    sa.ForeignKeyConstraint(['version_id'], ['procedure_version.id'], name=op.f('fk_dossier_version_id_procedure_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier')),
    sa.UniqueConstraint('check_id', 'code', name=op.f('uq_dossier_check_id_code'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_check_id'), ['check_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_procedure_id'), ['procedure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_version_id'), ['version_id'], unique=False)

    op.create_table('procedure_form',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['procedure_version.id'], name=op.f('fk_procedure_form_version_id_procedure_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_form'))
    )
    with op.batch_alter_table('procedure_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_form_version_id'), ['version_id'], unique=False)

    op.create_table('procedure_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=200), nullable=False),
    sa.Column('days_limit', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['procedure_version.id'], name=op.f('fk_procedure_step_version_id_procedure_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_step'))
    )
    with op.batch_alter_table('procedure_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_step_version_id'), ['version_id'], unique=False)

    op.create_table('sample_check_procedure',
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['sample_check.id'], name=op.f('fk_sample_check_procedure_check_id_sample_check'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_sample_check_procedure_procedure_id_procedure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('check_id', 'procedure_id', name=op.f('pk_sample_check_procedure'))
    )
    op.create_table('step_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['user.id'], name=op.f('fk_step_check_checked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_step_check_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['step_id'], ['procedure_step.id'], name=op.f('fk_step_check_step_id_procedure_step')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step_check')),
    sa.UniqueConstraint('dossier_id', 'step_id', name=op.f('uq_step_check_dossier_id_step_id'))
    )
    with op.batch_alter_table('step_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_check_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_step_check_step_id'), ['step_id'], unique=False)



def downgrade():
    with op.batch_alter_table('step_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_step_check_step_id'))
        batch_op.drop_index(batch_op.f('ix_step_check_dossier_id'))

    op.drop_table('step_check')
    op.drop_table('sample_check_procedure')
    with op.batch_alter_table('procedure_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_step_version_id'))

    op.drop_table('procedure_step')
    with op.batch_alter_table('procedure_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_form_version_id'))

    op.drop_table('procedure_form')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_version_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_procedure_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_handler_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_check_id'))

    op.drop_table('dossier')
    with op.batch_alter_table('sample_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sample_check_year'))
        batch_op.drop_index(batch_op.f('ix_sample_check_status'))
        batch_op.drop_index(batch_op.f('ix_sample_check_round_id'))

    op.drop_table('sample_check')
    with op.batch_alter_table('procedure_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_version_procedure_id'))

    op.drop_table('procedure_version')
    with op.batch_alter_table('procedure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_unit_id'))

    op.drop_table('procedure')
    op.drop_table('holiday')
