"""The documents of a round, each built as one portal.pdf.model.Document (plain data, so the
database transaction can be closed before the slow rendering) and rendered to PDF or .docx:

- summary: Báo cáo kết quả kiểm tra of a round (the team's report, portal.reports.team_report);
- minutes: Biên bản kiểm tra for one unit (portal.reports.minutes);
- evaluation: the year-end evaluation sheet of one person (phiếu đánh giá), for ranking;
- self_report / conclusion / year: portal.reports.unit_documents and portal.reports.year_report.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.pdf import render_document_pdf
from portal.pdf.docx import render_docx
from portal.pdf.model import Document, Heading, Para, Signer, Table
from portal.pdf.vn import num, two
from portal.rounds import services as S
from portal.rounds.models import RATINGS, Evaluation, Round

from . import common as C


def evidence_summary(report_ids: list[int]) -> dict[int, str]:
    """Per report, its evidence in a few words: cited documents (số, ký hiệu) and the file count.
    Two queries whatever the number of reports."""
    from portal.rounds.models import ReportDocument, report_evidence

    if not report_ids:
        return {}
    docs = defaultdict(list)
    for rid, number in db.session.execute(select(ReportDocument.report_id, ReportDocument.number)
                                          .where(ReportDocument.report_id.in_(report_ids))
                                          .order_by(ReportDocument.id)):
        docs[rid].append(number)
    files = dict(db.session.execute(select(report_evidence.c.report_id, func.count())
                                    .where(report_evidence.c.report_id.in_(report_ids))
                                    .group_by(report_evidence.c.report_id)).all())
    out = {}
    for rid in report_ids:
        parts = []
        if docs.get(rid):
            parts.append("; ".join(docs[rid][:4]) + ("…" if len(docs[rid]) > 4 else ""))
        if files.get(rid):
            parts.append(f"{two(files[rid])} tệp")
        out[rid] = "; ".join(parts)
    return out


def summary_context(round_id: int, number: str = "", approval=None, on_progress=None) -> Document:
    from . import team_report

    return team_report.build(round_id, code_number=number, approval=approval, on_progress=on_progress)


def minutes_context(round_id: int, unit_id: int) -> Document:
    from . import minutes

    return minutes.build(round_id, unit_id)


def evaluation_context(round_id: int, person_id: int) -> Document:
    """Phiếu đánh giá kết quả thực hiện nhiệm vụ CCHC of one person, for the year-end ranking
    (an internal form: no number, no Nơi nhận)."""
    rnd = db.session.get(Round, round_id)
    person = db.session.get(User, person_id)
    reports = S.round_reports(rnd.id, person_id=person.id)
    findings = [f for f in S.findings_for_round(rnd.id) if f.person_id == person.id]
    text = db.session.scalar(select(Evaluation.text).where(
        Evaluation.round_id == rnd.id, Evaluation.person_id == person.id, Evaluation.area_id.is_(None))) or ""
    own_areas, own = S.round_scores(reports)
    appraised_areas, appraised = S.round_scores(reports, appraised=True)
    has_points = any(r.item.max_points is not None for r in reports)
    doc = C.document("evaluation", doc_type="team_report", type_code="", title="Phiếu đánh giá",
                     subtitle=f"Kết quả thực hiện nhiệm vụ cải cách hành chính năm {rnd.year}",
                     file_stem=f"Phiếu đánh giá CCHC - {person.full_name} - {rnd.name}", draft=C.is_draft(rnd))
    doc.recipients = None
    leader = rnd.leader
    doc.signers = [Signer(["NGƯỜI ĐƯỢC ĐÁNH GIÁ"], person.full_name),
                   Signer(["TRƯỞNG ĐOÀN KIỂM TRA"], leader.full_name if leader else "")]
    b = doc.blocks
    b.append(Para(f"Họ và tên: {C.person(person, title=False)}", indent=False))
    b.append(Para(f"Chức vụ: {person.position_title}", indent=False))
    b.append(Para(f"Đơn vị: {person.unit.name if person.unit else ''}", indent=False))
    b.append(Para(f"Đợt kiểm tra: {rnd.name}", indent=False))
    from .team_report import Tally

    t = Tally()
    for r in reports:
        t.add(r)
    b.append(Heading("I. KẾT QUẢ THỰC HIỆN CÁC NỘI DUNG ĐƯỢC PHÂN CÔNG CHỦ TRÌ"))
    rows = []
    for i, r in enumerate(reports, start=1):
        ok = C.decided(r)
        rows.append([two(i), r.item.code, r.item.text, r.status_label if ok else "Chưa báo cáo",
                     RATINGS.get(r.review.rating, "") if ok and r.review else "",
                     num(r.self_score) if ok else "", num(r.review.appraised_score) if ok and r.review else ""])
    b.append(Table(["STT", "Mã", "Nội dung", "Kết quả", "Đánh giá", "Tự chấm", "Thẩm định"], rows,
                   widths=["7%", "8%", "41%", "14%", "12%", "9%", "9%"],
                   aligns=["center", "center", "left", "left", "center", "right", "right"], font_pt=10))
    b.append(Heading("II. TỔNG HỢP"))
    b.append(Para(f"Tổng số nội dung chủ trì: {t.total}; đã gửi báo cáo: {t.sent} (đúng hạn {t.sent - t.late}, "
                  f"trễ hạn {t.late}); chưa gửi: {t.total - t.sent}."))
    b.append(Para(f"Kết quả thẩm định: đạt {t.dat}; đạt một phần {t.mot_phan}; chưa đạt {t.chua_dat}."))
    if has_points:
        b.append(Para(f"Tổng điểm tối đa {num(own.max_points)}; tự chấm {num(own.score)}; thẩm định "
                      f"{num(appraised.score)} (quy đổi {num(appraised.scaled)})."))
    b.append(Para("Tồn tại, hạn chế: " + ("; ".join(f.description.rstrip(".;") for f in findings)
                                          if findings else "không có") + "."))
    b.append(Heading("III. NHẬN XÉT, ĐÁNH GIÁ CỦA ĐOÀN KIỂM TRA"))
    b.append(Para(text or "Chưa có nhận xét."))
    return doc


def render(kind: str, document: Document, on_progress=None) -> bytes:
    """The PDF of a built document (`kind` kept for the callers' sake); on_progress: see
    portal.pdf.render_pdf."""
    return render_document_pdf(document, on_progress)


def render_word(document: Document) -> bytes:
    return render_docx(document)
