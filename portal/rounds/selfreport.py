"""The self-inspection report (báo cáo tự kiểm tra) built from a round's reports, following the
outline of seed 004's Đề cương: per area "Kết quả đạt được" and "Tồn tại, hạn chế", then
"Phương hướng, nhiệm vụ" and "Kiến nghị, đề xuất"."""
from portal.accounts.models import Unit
from portal.extensions import db
from portal.pdf import render_pdf
from portal.settings.models import get_settings
from portal.timeutil import today

from . import services as S

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def build_context(rnd, unit_id: int | None = None) -> dict:
    """Plain data only (no ORM objects), so rendering needs no open transaction."""
    reports = S.round_reports(rnd.id, unit_id=unit_id)
    findings = [f for f in S.findings_for_round(rnd.id) if unit_id is None or f.unit_id == unit_id]
    unit = db.session.get(Unit, unit_id) if unit_id else None
    areas = []
    for area in rnd.catalogue.areas:
        rows = [r for r in reports if r.item.area_id == area.id]
        if not rows:
            continue
        results = [{"code": r.item.code, "status": r.status_label, "text": r.done_text,
                    "value": r.indicator_value, "unit": r.item.indicator_unit,
                    "target": r.item.indicator_target}
                   for r in rows if r.done_text or r.status in ("done", "na")]
        issues = [f"{r.item.code}: {r.difficulties}" for r in rows if r.difficulties]
        issues += [f"{f.description} (nguyên nhân {'chủ quan' if f.cause == 'chu_quan' else 'khách quan'})"
                   for f in findings if f.area_id == area.id]
        areas.append({"label": area.name, "results": results, "issues": issues})
    directions = [f"{r.item.code}. Tiếp tục thực hiện: {r.item.text}"
                  for r in reports if r.status in ("doing", "todo")]
    proposals = [f"{r.item.code}: {r.proposals}" for r in reports if r.proposals]
    ward = get_settings()
    doc = {"issuer_parent": ward.issuer_parent, "issuer_name": ward.issuer_name,
           "number": f"/BC-{ward.issuer_short}", "place": ward.place_name, "date": today(),
           "title": "Báo cáo", "subtitle": f"Kết quả tự kiểm tra công tác cải cách hành chính — {rnd.name}"
           + (f" ({unit.name})" if unit else ""),
           "recipients": ["Đoàn kiểm tra CCHC phường"] + ward.recipients[:2],
           "sign_lines": ward.sign_lines, "signer_name": ward.signer_name}
    total = len(reports)
    submitted = sum(1 for r in reports if r.submitted_at)
    return {"doc": doc, "areas": areas, "directions": directions, "proposals": proposals,
            "round_name": rnd.name, "total": total, "submitted": submitted,
            "late": sum(1 for r in reports if r.late), "deadline": rnd.report_deadline}


def render(context: dict) -> bytes:
    return render_pdf("rounds/pdf_self_report.html", **context)
