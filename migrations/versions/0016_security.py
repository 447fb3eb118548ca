"""Security: login sessions and attempts, record versions, session limits in the ward settings

Revision ID: 0016_security
Revises: 0015_scoring
Create Date: 2026-11-25 22:22:17.171992

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_security'
down_revision = '0015_scoring'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempt_ip_at', ['ip', 'at'], unique=False)
        batch_op.create_index('ix_login_attempt_username_at', ['username', 'at'], unique=False)

    op.create_table('login_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_login_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_session_token_hash'))
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('holiday', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('ward_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_idle_minutes', sa.Integer(), nullable=False, server_default='60'))
        batch_op.add_column(sa.Column('session_max_hours', sa.Integer(), nullable=False, server_default='12'))
        batch_op.add_column(sa.Column('remember_days', sa.Integer(), nullable=False, server_default='14'))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))



def downgrade():
    with op.batch_alter_table('ward_settings', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('remember_days')
        batch_op.drop_column('session_max_hours')
        batch_op.drop_column('session_idle_minutes')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('holiday', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))

    op.drop_table('login_session')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempt_username_at')
        batch_op.drop_index('ix_login_attempt_ip_at')

    op.drop_table('login_attempt')
