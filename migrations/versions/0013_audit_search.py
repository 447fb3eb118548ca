"""change log: an accent-free search key, so the log can be searched without diacritics

Revision ID: 0013_audit_search
Revises: 0012_documents
"""
import json
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0013_audit_search'
down_revision = '0012_documents'
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    # A frozen copy of portal.text.search_key: a migration must not change when the app does.
    text = (text or "").translate(str.maketrans({"đ": "d", "Đ": "d"}))
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()
    return " " + " ".join("".join(c if c.isalnum() else " " for c in text).split())


def upgrade():
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    log = sa.table('change_log', sa.column('id', sa.Integer), sa.column('summary', sa.String),
                   sa.column('changes', sa.JSON), sa.column('search_text', sa.Text))
    conn = op.get_bind()
    for row in conn.execute(sa.select(log.c.id, log.c.summary, log.c.changes)).all():
        changes = row.changes if isinstance(row.changes, dict) else json.loads(row.changes or "{}")
        words = [row.summary or ""] + [str(v) for v in changes.values()]
        conn.execute(log.update().where(log.c.id == row.id).values(search_text=_fold(" ".join(words))[:4000]))


def downgrade():
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_column('search_text')
