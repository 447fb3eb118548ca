"""commit_or_conflict: the one place where a save that lost a race becomes a 409, not a 500."""
import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.findings.models import Finding
from portal.notifications.models import Notification
from portal.web.concurrency import EditConflict, commit_or_conflict


def test_a_stale_version_is_an_edit_conflict_and_nothing_is_saved(app):
    finding = db.session.scalars(select(Finding)).first()
    old_text = finding.description
    # someone else saves in between: the row's version moves on under our loaded object
    db.session.execute(update(Finding).where(Finding.id == finding.id).values(version=Finding.version + 1),
                       execution_options={"synchronize_session": False})
    finding.description = "mine"
    with pytest.raises(EditConflict):
        commit_or_conflict()
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).description == old_text


def _clash():
    first = db.session.scalars(select(Notification)).first()
    db.session.add(Notification(user_id=first.user_id, key=first.key, title="again"))


def test_a_unique_clash_is_a_conflict_only_where_the_caller_says_it_can_race(app):
    _clash()
    with pytest.raises(EditConflict):
        commit_or_conflict(unique_clash=True)
    _clash()
    with pytest.raises(IntegrityError):
        commit_or_conflict()
    db.session.rollback()
