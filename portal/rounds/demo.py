"""Demo rounds: Đợt 1 (6 tháng) closed and reviewed; Đợt 2 (cuối năm) under review with a mix
of submitted, draft and late reports and one clarification thread."""
from datetime import date, datetime

from sqlalchemy import select

from portal.extensions import db

from .models import ClarificationMessage, Evaluation, Report, Review, Round
from .services import freeze_criteria, person_in_charge

# Who answers for each area when the assignments area has nothing yet.
AREA_AUTHORS = {"1.1": "vp.thu", "1.2": "vp.khoa", "1.3": "tt.mai", "1.4": "vhxh.ha",
                "1.5": "vp.viet", "1.6": "kt.lan", "1.7": "vhxh.nhung"}
RATING_CYCLE = ["dat", "dat", "dat", "mot_phan", "dat", "chua_dat", "dat"]


def _author(criterion, people):
    """The person the responsibility list names; where the ward has no list at all, the area's
    usual person. A criterion the list leaves unassigned gets no report, as in a real round."""
    from portal.assignments.models import Assignment

    if db.session.scalar(select(Assignment.id).limit(1)) is not None:
        return person_in_charge(criterion)[0]
    return people.get(AREA_AUTHORS.get(criterion.area.code, ""))


def seed(context):
    people, catalogue = context["people"], context["catalogue"]
    criteria = [c for a in catalogue.areas for c in a.criteria]
    team = dict(leader=people["vhxh.nhung"], members=[people["vp.viet"], people["kt.duc"]])
    r1 = Round(catalogue_id=catalogue.id, year=catalogue.year, name="Đợt 1 - Kiểm tra 6 tháng đầu năm 2026",
               kind="6thang", period_from=date(2026, 1, 1), period_to=date(2026, 6, 30),
               start_on=date(2026, 7, 1), end_on=date(2026, 7, 10), report_deadline=date(2026, 6, 26),
               state="closed", closed_at=datetime(2026, 7, 12, 3, 0), **team)
    r2 = Round(catalogue_id=catalogue.id, year=catalogue.year, name="Đợt 2 - Kiểm tra cuối năm 2026",
               kind="cuoinam", period_from=date(2026, 1, 1), period_to=date(2026, 10, 15),
               start_on=date(2026, 10, 20), end_on=date(2026, 10, 25), report_deadline=date(2026, 10, 15),
               state="review", **team)
    db.session.add_all([r1, r2])
    db.session.flush()
    r2.previous_id = r1.id
    rows = []
    reviewer = people["vp.viet"]
    for i, c in enumerate(criteria):
        author = _author(c, people)
        if author is None:
            continue
        text = f"Đã triển khai thực hiện nội dung {c.code} theo kế hoạch CCHC năm 2026 của phường."
        value = 85 if c.is_indicator else None
        rep1 = Report(round_id=r1.id, criterion_id=c.id, author_id=author.id, unit_id=author.unit_id,
                      state="submitted", status="done" if i % 5 else "doing", done_text=text,
                      indicator_value=value, difficulties="" if i % 6 else "Thiếu nhân lực chuyên trách.",
                      proposals="" if i % 9 else "Đề nghị bổ sung kinh phí số hóa tài liệu.",
                      submitted_at=datetime(2026, 6, 24 + (1 if i % 11 == 0 else 0), 2, 0),
                      late=False)
        rep1.review = Review(rating=RATING_CYCLE[i % len(RATING_CYCLE)], reviewer_id=reviewer.id,
                             comment="Báo cáo đầy đủ, có tài liệu kiểm chứng." if i % 7 != 5
                             else "Chưa có tài liệu kiểm chứng kèm theo.",
                             reviewed_at=datetime(2026, 7, 5, 3, 0))
        # Đợt 2: pre-filled from Đợt 1; a mix of submitted (some late), drafts and one clarification.
        phase = i % 4
        rep2 = Report(round_id=r2.id, criterion_id=c.id, author_id=author.id, unit_id=author.unit_id,
                      done_text=text + " Tiếp tục duy trì trong 6 tháng cuối năm.", indicator_value=value,
                      state="draft", status="")
        if phase in (0, 1, 2):
            rep2.state, rep2.status = "submitted", "done"
            late = phase == 2 and i % 8 == 2
            rep2.submitted_at = datetime(2026, 10, 17 if late else 14, 2, 0)
            rep2.late = late
            if phase == 0 and i < 30:
                rep2.review = Review(rating=RATING_CYCLE[i % len(RATING_CYCLE)], reviewer_id=reviewer.id,
                                     comment="Đã kiểm tra hồ sơ.", reviewed_at=datetime(2026, 10, 21, 3, 0))
        rows += [rep1, rep2]
    db.session.add_all(rows)
    db.session.flush()
    freeze_criteria(r1)
    freeze_criteria(r2)
    # One clarification thread on a submitted report of Đợt 2.
    target = next(r for r in rows if r.round_id == r2.id and r.state == "submitted" and r.review is None)
    target.state = "clarify"
    db.session.add(ClarificationMessage(report_id=target.id, author_id=reviewer.id, kind="request",
                                        body="Đề nghị bổ sung văn bản chứng minh kết quả thực hiện.",
                                        created_at=datetime(2026, 10, 21, 4, 0)))
    area_1 = catalogue.areas[0]
    db.session.add(Evaluation(round_id=r1.id, area_id=area_1.id,
                              text="Lĩnh vực thực hiện tốt; văn bản chỉ đạo ban hành kịp thời."))
    db.session.flush()
    _round_one_findings(r1, [r for r in rows if r.round_id == r1.id], people)
    _evidence_files(rows, r2, people)


def _evidence_files(rows, r2, people):
    """Real files (PDF, photo, Word, Excel) on vp.thu's first submitted report of Đợt 2, so the
    preview beside a report has something to show in the demo."""
    from portal.evidence.demo_files import demo_uploads
    from portal.evidence.services import save_upload

    author = people["vp.thu"]
    report = next((r for r in rows if r.round_id == r2.id and r.author_id == author.id
                   and r.state == "submitted"), None)
    if report is None:
        return
    for upload in demo_uploads():
        report.files.append(save_upload(upload, author))
    db.session.flush()


def _round_one_findings(r1, reports, people):
    """Đợt 1's "Chưa đạt" ratings became findings, each with a remedy: two done and confirmed by
    the team, the others still open (one of them overdue), as the year would have left them."""
    from portal.findings.models import Finding
    from portal.findings.services import add_remedy, record_finding, refresh_closure

    failed = [r for r in reports if r.review and r.review.rating == "chua_dat"][:5]
    for n, rep in enumerate(failed):
        finding = record_finding(
            source="round", source_id=rep.id, round_id=r1.id, found_on=date(2026, 7, 10),
            criterion_id=rep.criterion_id, unit_id=rep.unit_id, person_id=rep.author_id,
            description=f"Nội dung {rep.criterion.code}: chưa có tài liệu kiểm chứng kèm theo báo cáo.",
            cause="chu_quan", recommendation="Bổ sung văn bản, hồ sơ chứng minh kết quả thực hiện.",
            created_by=people["vp.viet"])
        remedy = add_remedy(finding, action="Bổ sung đầy đủ tài liệu kiểm chứng và báo cáo Đoàn kiểm tra.",
                            owner_id=rep.author_id, deadline=date(2026, 9, 30) if n != 2 else date(2026, 8, 15))
        if n < 2:
            remedy.status, remedy.done_on = "done", date(2026, 9, 20)
            remedy.confirmed_by_id, remedy.confirmed_at = people["vp.viet"].id, datetime(2026, 9, 25, 3, 0)
        elif n == 3:
            remedy.status = "doing"
    db.session.flush()
    for finding in db.session.scalars(select(Finding).where(Finding.round_id == r1.id)):
        refresh_closure(finding)
