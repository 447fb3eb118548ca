"""Who answers for which report of a round: the secretariat reassigns reports from the review
queue, and brings assignments made after the round opened to its open reports."""

from flask import request

from portal.accounts.models import User
from portal.extensions import db
from portal.web.params import db_int

from . import services as S
from .routes import bp
from .view_helpers import commit_and_return, refuse, round_button


def _manages(user, rnd) -> bool:
    return S.is_manager(user)


@bp.post("/<int:round_id>/tham-dinh/giao")
def reassign(round_id):
    """The secretariat gives the ticked reports to one person (history in the change log)."""
    rnd, back = round_button(round_id, _manages, "rounds.queue")
    person_id = request.form.get("person_id", type=db_int)
    person = db.session.get(User, person_id) if person_id else None
    try:
        count = S.reassign_many(rnd, request.form.getlist("report_ids", type=db_int), person,
                                reason=request.form.get("reason", ""))
    except S.RuleError as exc:
        return refuse(exc.message, back)
    return commit_and_return(f"Đã giao {count} báo cáo cho {person.full_name}.", back)


@bp.post("/<int:round_id>/cap-nhat-phan-cong")
def apply_assignments(round_id):
    """Assignments made after the round opened reach its open reports."""
    rnd, back = round_button(round_id, _manages)
    count = S.apply_assignments(rnd)
    return commit_and_return(f"Đã cập nhật người phụ trách cho {count} báo cáo theo phân công hiện hành.", back)
