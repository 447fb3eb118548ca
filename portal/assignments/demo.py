"""Demo assignments: every criterion of the demo catalogue but three has a person in charge,
so the "chưa phân công" counter has something to show."""
from portal.extensions import db

from .models import Assignment, AssignmentCoordinator, AssignmentHistory
from .services import parse_timeframe

LEFT_UNASSIGNED = ("1.2.11", "1.5.7", "1.7.b.5")

# criterion code prefix -> (lead person, coordinator units, coordinator people, product, time frame)
PLAN = [
    ("1.1", "vp.thu", ["VHXH"], ["vhxh.ha"], "Kế hoạch, báo cáo CCHC; văn bản chỉ đạo", "Thường xuyên"),
    ("1.2", "vp.khoa", [], ["vp.viet"], "Báo cáo công tác xây dựng, kiểm tra, rà soát văn bản QPPL",
     "Trước 30/6/2026"),
    ("1.3", "tt.mai", ["VP"], ["tt.tam"], "Báo cáo tình hình giải quyết TTHC; số liệu trên Hệ thống",
     "Hằng tháng; tổng hợp trước 15/12/2026"),
    ("1.4", "vhxh.ha", ["VP"], ["vp.viet"], "Báo cáo tổ chức bộ máy, biên chế", "Trước 30/11/2026"),
    ("1.5", "vp.viet", ["VHXH"], ["vhxh.ha"], "Báo cáo chế độ công vụ, kỷ luật, kỷ cương", "Trước 15/12/2026"),
    ("1.6", "kt.lan", ["VP"], ["kt.duc"], "Báo cáo tài chính công, tự chủ tài chính", "Trước 30/9/2026"),
    ("1.7.a", "vp.thu", ["TTPVHCC"], ["tt.tam"], "Báo cáo chuyển đổi số, đổi mới sáng tạo", "Thường xuyên"),
    ("1.7.b", "vhxh.nhung", ["VP"], ["vp.viet"], "Hồ sơ ISO 9001:2015, báo cáo đánh giá nội bộ",
     "Trước 31/12/2026"),
]


def _plan_for(code):
    best = None
    for entry in PLAN:
        if code.startswith(entry[0] + ".") and (best is None or len(entry[0]) > len(best[0])):
            best = entry
    return best


def seed(context):
    units, people, catalogue = context["units"], context["people"], context["catalogue"]
    if catalogue is None:
        return
    for area in catalogue.areas:
        for criterion in area.criteria:
            if criterion.code in LEFT_UNASSIGNED or (entry := _plan_for(criterion.code)) is None:
                continue
            _prefix, lead, coord_units, coord_people, product, timeframe = entry
            # 1.3 is shared at the one-stop centre: alternate its lead between the two officers.
            if _prefix == "1.3" and criterion.position % 2 == 0:
                lead, coord_people = "tt.tam", ["tt.mai"]
            person = people[lead]
            # Built directly (no per-row flush or history lookup): the seed runs before every test
            # on PostgreSQL, so it must stay fast.
            coordinators = [AssignmentCoordinator(unit_id=units[u].id) for u in coord_units
                            if units[u].id != person.unit_id]
            coordinators += [AssignmentCoordinator(person_id=people[p].id) for p in coord_people]
            db.session.add(Assignment(criterion=criterion, lead_unit_id=person.unit_id,
                                      lead_person_id=person.id, product=product, timeframe=timeframe,
                                      due_date=parse_timeframe(timeframe), coordinators=coordinators))
            start = _start(catalogue.year)
            db.session.add(AssignmentHistory(criterion=criterion, person_id=person.id, role="lead",
                                             from_date=start, reason="Phân công đầu năm"))
            for p in coord_people:
                db.session.add(AssignmentHistory(criterion=criterion, person_id=people[p].id,
                                                 role="coordinator", from_date=start,
                                                 reason="Phân công đầu năm"))
    db.session.flush()


def _start(year):
    from datetime import date

    return date(year, 1, 15)
