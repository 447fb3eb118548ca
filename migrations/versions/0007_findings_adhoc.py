"""findings: search key, remedy progress reports and re-inspections; the ad-hoc inspection log

Revision ID: 0007_findings_adhoc
Revises: 0006_iso
Create Date: 2026-11-25 11:45:27.274365

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_findings_adhoc'
down_revision = '0006_iso'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('adhoc_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('subject_kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('trigger_ref', sa.String(length=300), nullable=False),
    sa.Column('trigger_by', sa.String(length=300), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('inspected_other', sa.String(length=300), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('violations', sa.Text(), nullable=False),
    sa.Column('handling', sa.Text(), nullable=False),
    sa.Column('unit_representative', sa.String(length=200), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_adhoc_entry_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_id'], ['user.id'], name=op.f('fk_adhoc_entry_lead_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['user.id'], name=op.f('fk_adhoc_entry_person_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_adhoc_entry_unit_id_unit'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adhoc_entry'))
    )
    with op.batch_alter_table('adhoc_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adhoc_entry_inspected_on'), ['inspected_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_adhoc_entry_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adhoc_entry_subject_kind'), ['subject_kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_adhoc_entry_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adhoc_entry_year'), ['year'], unique=False)

    op.create_table('adhoc_entry_file',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['adhoc_entry.id'], name=op.f('fk_adhoc_entry_file_entry_id_adhoc_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_adhoc_entry_file_file_id_stored_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', 'file_id', name=op.f('pk_adhoc_entry_file'))
    )
    op.create_table('adhoc_team_member',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['adhoc_entry.id'], name=op.f('fk_adhoc_team_member_entry_id_adhoc_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_adhoc_team_member_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', 'user_id', name=op.f('pk_adhoc_team_member'))
    )
    op.create_table('re_inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('remedy_id', sa.Integer(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], name=op.f('fk_re_inspection_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['remedy_id'], ['remedy.id'], name=op.f('fk_re_inspection_remedy_id_remedy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_re_inspection'))
    )
    with op.batch_alter_table('re_inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_re_inspection_remedy_id'), ['remedy_id'], unique=False)

    op.create_table('remedy_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('remedy_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['remedy_id'], ['remedy.id'], name=op.f('fk_remedy_update_remedy_id_remedy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user.id'], name=op.f('fk_remedy_update_reported_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remedy_update'))
    )
    with op.batch_alter_table('remedy_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remedy_update_remedy_id'), ['remedy_id'], unique=False)

    op.create_table('remedy_update_file',
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_remedy_update_file_file_id_stored_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['update_id'], ['remedy_update.id'], name=op.f('fk_remedy_update_file_update_id_remedy_update'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('update_id', 'file_id', name=op.f('pk_remedy_update_file'))
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        # Existing findings (recorded by other areas) get an empty key until next saved.
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_column('search_text')

    op.drop_table('remedy_update_file')
    with op.batch_alter_table('remedy_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remedy_update_remedy_id'))

    op.drop_table('remedy_update')
    with op.batch_alter_table('re_inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_re_inspection_remedy_id'))

    op.drop_table('re_inspection')
    op.drop_table('adhoc_team_member')
    op.drop_table('adhoc_entry_file')
    with op.batch_alter_table('adhoc_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adhoc_entry_year'))
        batch_op.drop_index(batch_op.f('ix_adhoc_entry_unit_id'))
        batch_op.drop_index(batch_op.f('ix_adhoc_entry_subject_kind'))
        batch_op.drop_index(batch_op.f('ix_adhoc_entry_person_id'))
        batch_op.drop_index(batch_op.f('ix_adhoc_entry_inspected_on'))

    op.drop_table('adhoc_entry')
