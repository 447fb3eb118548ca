"""Year-end ranking over two rounds with weights and coordinators, equal to a hand
computation; the PDF and the Excel hold the same numbers."""
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from portal.accounts.models import User
from portal.assignments.models import Assignment, AssignmentCoordinator
from portal.catalogue import fileformat, services
from portal.extensions import db
from portal.rounds import services as RS
from portal.rounds.models import Review
from portal.scoring import ranking_service as RK
from portal.scoring.models import RankingDecision
from tests.support import login_as

DATA = Path(__file__).resolve().parent.parent / "portal" / "catalogue" / "data" / "thanh_sen_2026.yaml"


def person(username):
    return db.session.scalar(select(User).where(User.username == username))


def _two_rounds():
    spec = fileformat.parse(DATA.read_text(encoding="utf-8").replace("year: 2026", "year: 2027").encode())[0]
    cat, errors, _ = services.import_catalogue(spec)
    assert not errors
    db.session.flush()
    crit = {c.code: c for a in cat.areas for c in a.criteria}
    a, b, c = crit["1.1.1"], crit["1.1.2"], crit["1.1.3"]
    thu, khoa = person("vp.thu"), person("vp.khoa")
    # Coordinators: khoa coordinates B, thu coordinates C.
    for criterion, lead, coordinator in ((a, thu, None), (b, thu, khoa), (c, khoa, thu)):
        assignment = Assignment(criterion_id=criterion.id, lead_person_id=lead.id, lead_unit_id=lead.unit_id)
        if coordinator:
            assignment.coordinators = [AssignmentCoordinator(person_id=coordinator.id)]
        db.session.add(assignment)
    rounds = []
    ratings = [{"1.1.1": "dat", "1.1.2": "mot_phan", "1.1.3": "chua_dat"},
               {"1.1.1": "dat", "1.1.2": "dat", "1.1.3": "mot_phan"}]
    for n, (start, rating) in enumerate(zip((date(2027, 7, 1), date(2027, 10, 20)), ratings), start=1):
        rnd = RS.create_round(cat, name=f"Đợt {n} năm 2027", kind="6thang" if n == 1 else "cuoinam",
                              start_on=start, end_on=start.replace(day=start.day + 5))
        db.session.flush()
        RS.open_round(rnd, assignees={a.id: thu, b.id: thu, c.id: khoa}, criteria=[a, b, c])
        rnd.state = "closed"
        for r in RS.round_reports(rnd.id):
            r.status, r.state, r.done_text = "done", "submitted", "x"
            r.review = Review(rating=rating[r.criterion.code], reviewer_id=person("vp.viet").id)
        rounds.append(rnd)
    db.session.commit()
    return rounds


def _setup(client, rounds, **extra):
    data = {f"trong_so_{rounds[0].id}": "1", f"trong_so_{rounds[1].id}": "2", "he_so_phoi_hop": "0,5",
            "xuat_sac": "90", "tot": "70", "hoan_thanh": "50", **extra}
    return client.post("/cham-diem/xep-loai/2027/cach-tinh", data=data)


def test_ranking_equals_the_hand_computation(app):
    rounds = _two_rounds()
    assert _setup(login_as(app, "vhxh.ha"), rounds).status_code == 303
    result = RK.ranking(2027)
    r1, r2 = (r.id for r in rounds)
    rows = {result.names[("person", row.subject_id)]: row for row in result.persons}
    thu, khoa = rows["Phạm Thị Thu"], rows["Trần Đình Khoa"]
    # Thu. Round 1: leads A 100 and B 50, coordinates C 0 at 0.5 → (100 + 50 + 0) / 2.5 = 60.
    # Round 2: leads A 100, B 100, coordinates C 50 → (100 + 100 + 25) / 2.5 = 90.
    # Year: (1 × 60 + 2 × 90) / 3 = 80 → Hoàn thành tốt nhiệm vụ (70 ≤ 80 < 90).
    assert thu.round_scores == {r1: Decimal("60.00"), r2: Decimal("90.00")}
    assert (thu.score, thu.proposed, thu.leads, thu.coordinates) == (Decimal("80.00"), "tot", 4, 2)
    # Khoa. Round 1: leads C 0, coordinates B 50 → 25 / 1.5 = 16.67. Round 2: C 50, B 100 →
    # (50 + 50) / 1.5 = 66.67. Year: (16.67 + 2 × 66.67) / 3 = 50.00 → Hoàn thành nhiệm vụ.
    assert khoa.round_scores == {r1: Decimal("16.67"), r2: Decimal("66.67")}
    assert (khoa.score, khoa.proposed) == (Decimal("50.00"), "hoan_thanh")
    assert [r.rank for r in result.persons] == [1, 2]
    # The unit (both in Văn phòng) leads all three: round 1 (100 + 50 + 0) / 3 = 50,
    # round 2 (100 + 100 + 50) / 3 = 83.33; year (50 + 2 × 83.33) / 3 = 72.22.
    (unit,) = result.units
    assert unit.round_scores == {r1: Decimal("50.00"), r2: Decimal("83.33")}
    assert (unit.score, unit.proposed) == (Decimal("72.22"), "tot")


def test_team_confirms_or_changes_with_a_reason(app):
    rounds = _two_rounds()
    _setup(login_as(app, "vhxh.ha"), rounds)
    khoa = person("vp.khoa")
    viet = login_as(app, "vp.viet")  # inspector
    form = {"subject": "person", "subject_id": khoa.id, "level": "tot", "reason": ""}
    response = viet.post("/cham-diem/xep-loai/2027/quyet-dinh", data=form)
    assert response.status_code == 422 and "vui lòng ghi lý do" in response.get_data(as_text=True)
    assert db.session.scalar(select(RankingDecision)) is None
    form["reason"] = "Hoàn thành vượt tiến độ Đề án 06"
    assert viet.post("/cham-diem/xep-loai/2027/quyet-dinh", data=form).status_code == 303
    decision = db.session.scalar(select(RankingDecision))
    assert (decision.level, decision.proposed, decision.reason) == ("tot", "hoan_thanh", "Hoàn thành vượt tiến độ Đề án 06")
    # a stale version is a 409, not a silent overwrite
    stale = {**form, "version": decision.version - 1 or 99}
    assert viet.post("/cham-diem/xep-loai/2027/quyet-dinh", data=stale).status_code == 409
    # confirming the proposed level needs no reason
    thu = {"subject": "person", "subject_id": person("vp.thu").id, "level": "tot", "reason": ""}
    assert viet.post("/cham-diem/xep-loai/2027/quyet-dinh", data=thu).status_code == 303


def test_pdf_and_excel_hold_the_same_numbers(app):
    from pypdf import PdfReader

    rounds = _two_rounds()
    client = login_as(app, "vhxh.ha")
    _setup(client, rounds)
    ws = load_workbook(BytesIO(client.get("/cham-diem/xep-loai/2027/bang-xep-loai.xlsx").data))["Cá nhân"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    body = [row for row in values if row[0] in ("1", "2")]
    assert [row[1] for row in body] == ["Phạm Thị Thu", "Trần Đình Khoa"]
    assert [row[5:8] for row in body] == [["60", "90", "80"], ["16,67", "66,67", "50"]]
    assert body[0][8] == "Hoàn thành tốt nhiệm vụ" and body[1][8] == "Hoàn thành nhiệm vụ"
    pdf = client.get("/cham-diem/xep-loai/2027/bang-xep-loai.pdf")
    assert pdf.status_code == 200
    text = " ".join("".join(p.extract_text() for p in PdfReader(BytesIO(pdf.data)).pages).split())
    for row in body:
        for value in row[5:8]:
            assert value in text
    assert "72,22" in text and "Phạm Thị Thu" in text


def test_setup_validation_and_permissions(app):
    rounds = _two_rounds()
    manager = login_as(app, "vhxh.ha")
    response = _setup(manager, rounds, tot="95")
    assert response.status_code == 422 and "giảm dần" in response.get_data(as_text=True)
    response = _setup(manager, rounds, he_so_phoi_hop="nhiều")
    assert response.status_code == 422 and "Hệ số phối hợp phải là một số" in response.get_data(as_text=True)
    assert _setup(login_as(app, "vp.viet"), rounds).status_code == 403        # inspector: not the setup
    assert login_as(app, "vp.thu").get("/cham-diem/xep-loai/2027").status_code == 403  # staff
    assert login_as(app, "vp.thu").get("/cham-diem/xep-loai/2027/bang-xep-loai.xlsx").status_code == 403
    form = {"subject": "person", "subject_id": person("vp.thu").id, "level": "tot"}
    assert login_as(app, "vp.thu").post("/cham-diem/xep-loai/2027/quyet-dinh", data=form).status_code == 403
    bad = {"subject": "person", "subject_id": "99999999999999", "level": "tot"}
    assert manager.post("/cham-diem/xep-loai/2027/quyet-dinh", data=bad).status_code == 404
    assert manager.get("/cham-diem/xep-loai/1800").status_code == 404


def test_year_without_rated_rounds_shows_empty_state(app):
    html = login_as(app, "vhxh.ha").get("/cham-diem/xep-loai/2030").get_data(as_text=True)
    assert "Chưa có kết quả nào để xếp loại" in html
