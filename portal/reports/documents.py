"""The three documents of a round, built as plain data (dicts, strings, numbers) so that the
database transaction can be closed before the slow PDF rendering starts:

- summary_context: Báo cáo kết quả kiểm tra công tác CCHC of a round (to the Chairman);
- minutes_context: Biên bản kiểm tra for one unit in a round;
- evaluation_context: the year-end evaluation sheet of one person (phiếu đánh giá), for ranking.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from portal.accounts import roles as R
from portal.accounts.models import Unit, User
from portal.extensions import db
from portal.findings.models import CAUSES, Finding
from portal.pdf import render_pdf
from portal.rounds.models import RATINGS, Evaluation, Round
from portal.rounds import services as S
from portal.settings.models import get_settings
from portal.text import clean
from portal.timeutil import today

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
TEMPLATES = {"summary": "pdf/bao_cao_ket_qua.html", "minutes": "pdf/bien_ban_kiem_tra.html",
             "evaluation": "pdf/phieu_danh_gia.html"}


def _doc(ward, *, number: str, kind: str, title: str, subtitle: str, recipients=None) -> dict:
    number = clean(number)[:40]
    return {"issuer_parent": ward.issuer_parent, "issuer_name": ward.issuer_name,
            "number": f"{number}/{kind}-{ward.issuer_short}" if number else f"/{kind}-{ward.issuer_short}",
            "place": ward.place_name, "date": today(), "title": title, "subtitle": subtitle,
            "recipients": recipients if recipients is not None else ward.recipients,
            "sign_lines": ward.sign_lines, "signer_name": ward.signer_name}


def _rating(report) -> str:
    return report.review.rating if report.review and report.review.rating else ""


def _num(value) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def _report_row(r) -> dict:
    level = r.criterion.level_label  # "a) Công tác chỉ đạo…": the plan's level between area and criterion
    return {"code": r.criterion.code, "text": f"{level} › {r.criterion.text}" if level else r.criterion.text,
            "author": r.author.full_name if r.author else "",
            "unit": r.unit.short_name if r.unit else "", "status": r.status_label if r.status else "",
            "state": "Đã gửi" if r.submitted_at else "Chưa gửi", "late": r.late,
            "rating": RATINGS.get(_rating(r), ""), "comment": r.review.comment if r.review else "",
            "done_text": r.done_text, "difficulties": r.difficulties, "proposals": r.proposals,
            "self_score": _num(r.self_score),
            "appraised": _num(r.review.appraised_score) if r.review else "",
            "max_points": _num(r.criterion.max_points)}


def _stats(reports) -> dict:
    out = {"total": len(reports), "submitted": 0, "on_time": 0, "late": 0, "reviewed": 0,
           **{k: 0 for k in RATINGS}}
    for r in reports:
        if r.submitted_at:
            out["submitted"] += 1
            out["late" if r.late else "on_time"] += 1
        rating = _rating(r)
        if rating:
            out["reviewed"] += 1
            out[rating] += 1
    out["submitted_pct"] = _pct(out["submitted"], out["total"])
    out["dat_pct"] = _pct(out["dat"], out["reviewed"])
    return out


def _finding_row(f) -> dict:
    return {"area": f.area.code if f.area else "", "description": f.description,
            "cause": CAUSES.get(f.cause, ""), "cause_detail": f.cause_detail,
            "recommendation": f.recommendation, "unit": f.unit.short_name if f.unit else "",
            "person": f.person.full_name if f.person else ""}


def _round_findings(round_id: int, unit_id: int | None = None) -> list[Finding]:
    rows = S.findings_for_round(round_id)
    return [f for f in rows if unit_id is None or f.unit_id == unit_id]


def _evidence(report_ids: list[int]) -> dict[int, str]:
    """Per report, its evidence in a few words: cited documents (số, ký hiệu) and the file count.
    Two queries whatever the number of reports."""
    from sqlalchemy import func

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
            parts.append(f"{files[rid]} tệp")
        out[rid] = "; ".join(parts)
    return out


def _team(rnd: Round) -> list[dict]:
    people = []
    if rnd.leader:
        people.append({"name": rnd.leader.full_name, "title": rnd.leader.position_title, "role": "Trưởng đoàn"})
    for m in rnd.members:
        if m.id != rnd.leader_id:
            people.append({"name": m.full_name, "title": m.position_title, "role": "Thành viên"})
    return people


def _round_info(rnd: Round) -> dict:
    return {"id": rnd.id, "name": rnd.name, "year": rnd.year, "start_on": rnd.start_on, "end_on": rnd.end_on,
            "deadline": rnd.report_deadline, "period_from": rnd.period_from, "period_to": rnd.period_to,
            "plan": f"Kế hoạch kiểm tra công tác cải cách hành chính năm {rnd.year}", "kind": rnd.kind, "state": rnd.state}


def summary_context(round_id: int, number: str = "") -> dict:
    """Báo cáo kết quả kiểm tra công tác CCHC for a whole round."""
    rnd = db.session.get(Round, round_id)
    reports = S.round_reports(rnd.id)
    findings = _round_findings(rnd.id)
    evals = db.session.scalars(select(Evaluation).where(Evaluation.round_id == rnd.id)).all()
    area_eval = {e.area_id: e.text for e in evals if e.area_id and not e.person_id and e.text}
    person_eval = {e.person_id: e.text for e in evals if e.person_id and e.text}
    ward = get_settings()
    by_area = defaultdict(list)
    for r in reports:
        by_area[r.criterion.area_id].append(r)
    areas = []
    for area in rnd.catalogue.areas:
        rows = by_area.get(area.id, [])
        if not rows:
            continue
        area_findings = [f for f in findings if f.area_id == area.id]
        areas.append({"code": area.code, "name": area.name, "stats": _stats(rows),
                      "evaluation": area_eval.get(area.id, ""),
                      "table": [[x["code"], x["text"], x["author"], x["status"] or x["state"], x["rating"],
                                 x["comment"]] for x in map(_report_row, rows)],
                      "findings": [_finding_row(f) for f in area_findings]})
    people = defaultdict(list)
    for r in reports:
        if r.author_id:
            people[r.author_id].append(r)
    open_findings = defaultdict(int)
    for f in findings:
        if f.person_id:
            open_findings[f.person_id] += 1
    persons = []
    for pid, rows in sorted(people.items(), key=lambda kv: kv[1][0].author.full_name):
        author = rows[0].author
        persons.append({"name": author.full_name, "unit": author.unit.short_name if author.unit else "",
                        "stats": _stats(rows), "findings": open_findings[pid],
                        "evaluation": person_eval.get(pid, "")})
    proposals = [f"{r.criterion.code}: {r.proposals}" for r in reports if r.proposals]
    recommendations = [f.recommendation for f in findings if f.recommendation]
    title_round = rnd.name
    finding_rows = [_finding_row(f) for f in findings]
    ctx = {
        "finding_table": [[i, f["area"], f["description"] + (f" ({f['cause_detail']})" if f["cause_detail"] else ""),
                           f["cause"], ", ".join(filter(None, [f["unit"], f["person"]]))]
                          for i, f in enumerate(finding_rows, start=1)],
        "person_table": [[i, p["name"], p["unit"], p["stats"]["total"], p["stats"]["submitted"], p["stats"]["late"],
                          p["stats"]["dat"], p["stats"]["mot_phan"], p["stats"]["chua_dat"], p["findings"]]
                         for i, p in enumerate(persons, start=1)],
        "doc": _doc(ward, number=number, kind="BC", title="Báo cáo",
                    subtitle=f"Kết quả kiểm tra công tác cải cách hành chính {title_round}",
                    recipients=["Chủ tịch, các Phó Chủ tịch UBND phường"] + [
                        x for x in ward.recipients if "Chủ tịch" not in x]),
        "round": _round_info(rnd), "team": _team(rnd), "stats": _stats(reports), "areas": areas,
        "findings": finding_rows,
        "causes": {label: sum(1 for f in findings if f.cause == key) for key, label in CAUSES.items()},
        "persons": persons, "proposals": proposals, "recommendations": recommendations,
        "ward_name": ward.ward_name, "roman": ROMAN, "year_end": rnd.kind == "cuoinam",
    }
    return ctx


def minutes_context(round_id: int, unit_id: int, opinion: str = "", number: str = "") -> dict:
    """Biên bản kiểm tra for one unit in a round."""
    rnd = db.session.get(Round, round_id)
    unit = db.session.get(Unit, unit_id)
    reports = S.round_reports(rnd.id, unit_id=unit.id)
    findings = _round_findings(rnd.id, unit.id)
    ward = get_settings()
    evidence = _evidence([r.id for r in reports])
    areas = []
    for area in rnd.catalogue.areas:
        rows = [r for r in reports if r.criterion.area_id == area.id]
        if rows:
            data = [_report_row(r) for r in rows]
            areas.append({"code": area.code, "name": area.name, "stats": _stats(rows),
                          "table": [[x["code"], x["text"], x["author"], x["status"] or x["state"], evidence[r.id]]
                                    for x, r in zip(data, rows)],
                          "reviews": [f"{x['code']}: {x['rating']}" + (f" — {x['comment']}" if x["comment"] else "")
                                      for x in data if x["rating"]]})
    representatives = sorted({r.author.full_name: r.author.position_title for r in reports if r.author}.items())
    # The unit's head signs for it: its Trưởng phòng / Chánh Văn phòng / Giám đốc (never the ward's
    # leaders, who sit in the Văn phòng but do not represent it).
    head = next((m for m in unit.members if m.active and not m.has_role(R.LEADER)
                 and m.position_title.lower().startswith(("trưởng", "chánh", "giám đốc"))), None)
    ctx = {
        "doc": _doc(ward, number=number, kind="BB", title="Biên bản kiểm tra",
                    subtitle="Công tác cải cách hành chính", recipients=[]),
        "round": _round_info(rnd), "team": _team(rnd),
        "unit": {"name": unit.name, "short_name": unit.short_name,
                 "head": head.full_name if head else (representatives[0][0] if representatives else ""),
                 "head_title": head.position_title if head else ""},
        "representatives": [{"name": n, "title": t} for n, t in representatives],
        "stats": _stats(reports), "areas": areas, "findings": [_finding_row(f) for f in findings],
        "proposals": [f"{r.criterion.code}: {r.proposals}" for r in reports if r.proposals],
        "opinion": clean(opinion), "ward_name": ward.ward_name, "roman": ROMAN,
        "leader": _team(rnd)[0]["name"] if rnd.leader else "",
    }
    return ctx


def evaluation_context(round_id: int, person_id: int) -> dict:
    """Phiếu đánh giá kết quả thực hiện nhiệm vụ CCHC of one person, for the year-end ranking."""
    rnd = db.session.get(Round, round_id)
    person = db.session.get(User, person_id)
    reports = S.round_reports(rnd.id, person_id=person.id)
    findings = [f for f in _round_findings(rnd.id) if f.person_id == person.id]
    text = db.session.scalar(select(Evaluation.text).where(
        Evaluation.round_id == rnd.id, Evaluation.person_id == person.id, Evaluation.area_id.is_(None))) or ""
    ward = get_settings()
    rows = [_report_row(r) for r in reports]
    own_areas, own = S.round_scores(reports)
    appraised_areas, appraised = S.round_scores(reports, appraised=True)
    has_points = any(r.criterion.max_points is not None for r in reports)
    doc = _doc(ward, number="", kind="PĐG", title="Phiếu đánh giá",
               subtitle=f"Kết quả thực hiện nhiệm vụ cải cách hành chính năm {rnd.year}", recipients=[])
    return {
        "doc": doc, "round": _round_info(rnd), "stats": _stats(reports),
        "table": [[i, x["code"], x["text"], x["status"] or x["state"], x["rating"], x["self_score"], x["appraised"]]
                  for i, x in enumerate(rows, start=1)],
        "person": {"name": person.full_name, "title": person.position_title,
                   "unit": person.unit.name if person.unit else ""},
        "findings": [_finding_row(f) for f in findings], "evaluation": text,
        "scores": {"max": _num(own.max_points), "own": _num(own.score), "appraised": _num(appraised.score),
                   "scaled": _num(appraised.scaled)} if has_points else None,
        "leader": rnd.leader.full_name if rnd.leader else "", "ward_name": ward.ward_name,
    }


def render(kind: str, context: dict) -> bytes:
    return render_pdf(TEMPLATES[kind], **context)
