"""A small round with known figures for the dashboard and reports tests (built by hand, so the
expected numbers below are independent of the code under test)."""
from datetime import datetime, timedelta

from sqlalchemy import delete

from portal.extensions import db
from portal.findings.models import Finding, Remedy
from portal.rounds.models import Review
from portal.timeutil import today
from tests.rounds_factory import make_round, person, reports_of

# index -> (author, submitted?, late?, rating)
PLAN = [
    ("vp.thu", True, False, "dat"),
    ("vp.thu", True, True, "mot_phan"),
    ("vp.thu", True, False, ""),
    ("vp.thu", False, False, ""),
    ("vp.khoa", True, False, "chua_dat"),
    ("vp.khoa", True, True, ""),
    ("vp.khoa", False, False, ""),
    (None, False, False, ""),
]
EXPECTED = {"total": 8, "submitted": 5, "on_time": 3, "late": 2, "pending": 3, "reviewed": 3}
EXPECTED_PERSON = {"vp.thu": {"total": 4, "submitted": 3, "on_time": 2, "late": 1, "reviewed": 2},
                   "vp.khoa": {"total": 3, "submitted": 2, "on_time": 1, "late": 1, "reviewed": 1},
                   None: {"total": 1, "submitted": 0, "on_time": 0, "late": 0, "reviewed": 0}}
EXPECTED_RATINGS = {"dat": 1, "mot_phan": 1, "chua_dat": 1, "none": 5}
# findings: 6 in all, 2 settled, 4 open, 2 overdue; 7 remedies, 3 open, 2 overdue; rate 33 %
EXPECTED_FINDINGS = {"total": 6, "settled": 2, "open": 4, "overdue": 2, "remedies": 7,
                     "remedies_open": 3, "remedies_overdue": 2, "rate": 33}


def seeded_round(state="review"):
    authors = [p[0] or "vp.thu" for p in PLAN]
    rnd = make_round(state=state, count=len(PLAN), authors=authors, name="Đợt thử số liệu")
    reports = reports_of(rnd)
    reviewer = person("vp.viet")
    for report, (author, submitted, late, rating) in zip(reports, PLAN):
        if author is None:
            report.author_id, report.unit_id = None, None
        if submitted:
            report.state, report.status = "submitted", "done"
            report.done_text = "Đã thực hiện."
            report.submitted_at = datetime(2026, 9, 6 if late else 4, 2, 0)
            report.late = late
        if rating:
            report.review = Review(rating=rating, reviewer_id=reviewer.id, comment="Đã xem.",
                                   reviewed_at=datetime(2026, 9, 11, 2, 0))
    db.session.flush()
    db.session.execute(delete(Remedy))
    db.session.execute(delete(Finding))
    day = today()
    past, future = day - timedelta(days=5), day + timedelta(days=30)
    owner = person("vp.thu")
    confirmed = datetime(2026, 9, 20)

    def finding(i, remedies):
        r = reports[i]
        f = Finding(source="round", source_id=r.id, round_id=rnd.id, year=rnd.year, found_on=day,
                    area_id=r.criterion.area_id, criterion_id=r.criterion_id, unit_id=r.unit_id,
                    person_id=r.author_id, description=f"Tồn tại số {i}", cause="chu_quan" if i % 2 else "khach_quan",
                    recommendation=f"Kiến nghị khắc phục {i}")
        f.remedies = [Remedy(action=f"Biện pháp {i}.{k}", owner_id=owner.id, deadline=d, status=s,
                             confirmed_at=c) for k, (s, d, c) in enumerate(remedies)]
        db.session.add(f)

    finding(0, [("done", past, confirmed)])                       # settled
    finding(1, [("escalated", past, None)])                       # settled
    finding(2, [("done", past, None)])                            # open, overdue (not confirmed)
    finding(3, [])                                                # open, no remedy yet
    finding(4, [("done", past, confirmed), ("todo", future, None)])  # open, not overdue
    finding(5, [("todo", past, None), ("escalated", past, None)])    # open, overdue
    db.session.commit()
    return rnd
