"""Unit tests of the round rules: state machine, scoring, deadlines, progress, reminders."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from portal.accounts import roles as R
from portal.extensions import db
from portal.rounds import services as S
from portal.rounds.models import Report, Review

from tests.rounds_factory import make_round, person

SEC = {R.SECRETARIAT}


@pytest.mark.parametrize("current,target,roles,ok", [
    ("draft", "open", SEC, True),
    ("open", "review", SEC, True),
    ("review", "closed", SEC, True),
    ("review", "open", SEC, True),
    ("draft", "closed", SEC, False),
    ("draft", "review", SEC, False),
    ("closed", "open", {R.ADMIN}, False),
    ("open", "review", {R.STAFF, R.INSPECTOR}, False),
    ("open", "review", {R.LEADER}, False),
    ("open", "review", {R.ADMIN}, True),
])
def test_transitions(current, target, roles, ok):
    assert (S.check_transition(current, target, roles=roles) is None) is ok


def test_closing_needs_everything_reviewed():
    assert "2 nội dung" in S.check_transition("review", "closed", roles=SEC, missing=["1.1.1", "1.1.2"])


def test_reopening_is_admin_only_with_a_reason():
    assert "quản trị" in S.check_transition("closed", "review", roles=SEC, reason="x")
    assert "lý do" in S.check_transition("closed", "review", roles={R.ADMIN}, reason="  ")
    assert S.check_transition("closed", "review", roles={R.ADMIN}, reason="Sai sót số liệu") is None


def test_back_to_draft_refused_once_reports_were_sent():
    assert S.check_transition("open", "draft", roles=SEC, has_reports=True)
    assert S.check_transition("open", "draft", roles=SEC, has_reports=False) is None


def test_default_deadline_is_days_before_start():
    assert S.default_deadline(date(2026, 7, 1), 5) == date(2026, 6, 26)


def test_score_totals_rescale_when_not_applicable():
    L = S.ScoreLine
    per_area, overall = S.score_totals([
        L("1.1", Decimal(2), Decimal("1.5")),
        L("1.1", Decimal(2), None, not_applicable=True),
        L("1.2", Decimal(4), Decimal(4)),
        L("1.2", None, Decimal(3)),  # no points in the catalogue: ignored
        L("1.2", Decimal(1), Decimal(5)),  # capped at its maximum
    ])
    assert per_area["1.1"].max_points == 4 and per_area["1.1"].applicable_max == 2
    assert per_area["1.1"].scaled == Decimal("3.00")  # 1.5 of 2 applicable -> 3 of 4
    assert per_area["1.2"].score == 5 and per_area["1.2"].scaled == Decimal("5.00")
    assert overall.max_points == 9 and overall.applicable_max == 7 and overall.score == Decimal("6.5")
    assert overall.scaled == Decimal("8.36")


def test_score_total_all_not_applicable_has_no_scaled_value():
    _, overall = S.score_totals([S.ScoreLine("1.1", Decimal(2), None, True)])
    assert overall.scaled is None


def test_round_scores_use_self_and_appraised(app):
    rnd = make_round()
    reports = S.round_reports(rnd.id)
    for r in reports:
        r.item.max_points = Decimal(2)  # the round's frozen copy of the criterion
        r.self_score = Decimal(2)
        r.status = "done"
        r.review = Review(rating="dat", appraised_score=Decimal(1))
    reports[0].status = "na"
    db.session.flush()
    _, own = S.round_scores(reports)
    _, appraised = S.round_scores(reports, appraised=True)
    assert own.scaled == Decimal("8.00") and appraised.scaled == Decimal("4.00")


def test_late_is_by_vietnam_date(app):
    rnd = make_round(deadline=date(2026, 9, 5))
    assert not S.is_late(rnd, datetime(2026, 9, 5, 16, 59))  # 23:59 in Hà Tĩnh
    assert S.is_late(rnd, datetime(2026, 9, 5, 17, 0))  # 00:00 next day


def test_progress_counts_phases(app):
    rnd = make_round(count=6, authors=("vp.thu", "vp.khoa", "vp.thu"))
    reports = S.round_reports(rnd.id)
    reports[0].state, reports[0].late = "submitted", True
    reports[1].state = "clarify"
    reports[2].state = "submitted"
    reports[2].review = Review(rating="dat")
    reports[3].author_id = None
    reports[4].state = "not_submitted"  # decided "Không gửi báo cáo": rated, but never sent
    reports[4].review = Review(rating="chua_dat")
    db.session.flush()
    (area,) = [p for p in S.area_progress(reports)]
    assert area.counts == {"unassigned": 1, "draft": 1, "submitted": 1, "clarify": 1, "reviewed": 1,
                           "not_submitted": 1}
    assert area.late == 1 and area.submitted == 3 and area.percent == 50


def test_due_reminders(app):
    rnd = make_round(deadline=date(2026, 9, 5))
    thu, khoa = person("vp.thu"), person("vp.khoa")
    keys = lambda day: sorted(r.key for r in S.due_reminders(day))  # noqa: E731
    assert keys(date(2026, 8, 29)) == sorted([f"round{rnd.id}-d7-user{thu.id}", f"round{rnd.id}-d7-user{khoa.id}"])
    assert keys(date(2026, 9, 2)) == sorted([f"round{rnd.id}-d3-user{thu.id}", f"round{rnd.id}-d3-user{khoa.id}"])
    assert keys(date(2026, 9, 4))[0].startswith(f"round{rnd.id}-d1-")
    assert keys(date(2026, 8, 31)) == [] and keys(date(2026, 9, 5)) == []
    late = S.due_reminders(date(2026, 9, 8))
    assert {r.key for r in late} == {f"round{rnd.id}-late-user{thu.id}", f"round{rnd.id}-late-user{khoa.id}"}
    assert all(r.url == f"/dot-kiem-tra/{rnd.id}/cua-toi" and "Quá hạn" in r.title for r in late)
    for r in S.my_reports(thu, rnd.id):
        r.submitted_at, r.state = datetime(2026, 9, 1), "submitted"
    db.session.flush()
    assert [r.user.username for r in S.due_reminders(date(2026, 9, 8))] == ["vp.khoa"]
    rnd.state = "review"
    db.session.flush()
    assert S.due_reminders(date(2026, 9, 8)) == []


def test_person_in_charge_without_assignments_area(app, monkeypatch):
    import sys

    from portal.catalogue.models import Criterion

    criterion = db.session.scalars(db.select(Criterion)).first()
    monkeypatch.setitem(sys.modules, "portal.assignments.models", None)  # import fails
    assert S.person_in_charge(criterion) == (None, None)


def test_opening_without_assignments_leaves_criteria_unassigned(app, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "portal.assignments.models", None)
    rnd = make_round(count=2, state="draft")
    S.move_round(rnd, "open", person("vhxh.ha"))
    reports = S.round_reports(rnd.id)
    assert len(reports) == len(S.round_criteria(rnd))
    assert sum(1 for r in reports if r.author_id is None) == len(reports) - 2
    # every undecided report blocks closing, those nobody answers for too (someone must be named)
    assert S.missing_for_close(rnd) == S.round_reports(rnd.id)


def test_new_round_starts_from_previous(app, client):
    first = make_round(state="closed")
    report = S.round_reports(first.id)[0]
    report.done_text, report.difficulties, report.status, report.state = "Đã ban hành kế hoạch.", "Ít người", "done", "submitted"
    from portal.evidence.models import StoredFile
    from portal.rounds.models import ReportDocument

    f = StoredFile(original_name="Kế hoạch.pdf", stored_name="x.pdf", content_type="application/pdf", size=1, sha256="0")
    report.files.append(f)
    report.documents.append(ReportDocument(number="12/KH-UBND", issued_on=date(2026, 1, 5), summary="Kế hoạch CCHC"))
    db.session.commit()
    second = make_round(name="Đợt sau", previous=first)
    copy = db.session.scalar(db.select(Report).where(Report.round_id == second.id,
                                                     Report.criterion_id == report.criterion_id))
    assert copy.done_text == "Đã ban hành kế hoạch." and copy.difficulties == "Ít người"
    assert [x.original_name for x in copy.files] == ["Kế hoạch.pdf"]
    assert copy.documents[0].number == "12/KH-UBND" and copy.documents[0].id != report.documents[0].id
    assert copy.status == "" and copy.state == "draft" and copy.submitted_at is None and copy.review is None
