"""The demo rounds: meaningful data, and every rounds page answers for every demo account."""
import pytest
from sqlalchemy import select

from portal.demo import PEOPLE
from portal.extensions import db
from portal.rounds import services as S
from portal.rounds.models import ClarificationMessage, Report, Round

from tests.support import login_as


def test_demo_rounds(app):
    r1, r2 = db.session.scalars(select(Round).order_by(Round.id)).all()
    assert r1.state == "closed" and r1.name == "Đợt 1 - Kiểm tra 6 tháng đầu năm 2026"
    assert (r1.start_on.isoformat(), r1.end_on.isoformat(), r1.report_deadline.isoformat()) == \
        ("2026-07-01", "2026-07-10", "2026-06-26")
    assert S.missing_for_close(r1) == []  # a closed round is fully reviewed
    assert r2.state == "review" and r2.previous_id == r1.id
    states = {r.state for r in S.round_reports(r2.id)}
    assert states == {"draft", "submitted", "clarify"}
    assert any(r.late for r in S.round_reports(r2.id))
    assert db.session.scalar(select(ClarificationMessage.id).join(Report).where(Report.round_id == r2.id))


@pytest.mark.parametrize("username", [p[0] for p in PEOPLE])
def test_every_rounds_page_answers(app, username):
    client = login_as(app, username)
    report_id = db.session.scalar(select(Report.id).where(Report.round_id == 2, Report.state == "clarify"))
    for page in ["/dot-kiem-tra/", "/dot-kiem-tra/1", "/dot-kiem-tra/2", "/dot-kiem-tra/2/cua-toi",
                 "/dot-kiem-tra/2/tham-dinh", "/dot-kiem-tra/1/nhan-xet", f"/dot-kiem-tra/bao-cao/{report_id}",
                 "/dot-kiem-tra/moi", "/dot-kiem-tra/2/sua", "/"]:
        response = client.get(page)
        assert response.status_code in (200, 302, 403), (page, response.status_code)
