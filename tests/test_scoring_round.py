"""A self-scoring round on a scored catalogue: self-scores, appraised scores with reasons, a
criterion not applicable, totals rescaled to 100 — equal to a hand computation."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.accounts.models import User
from portal.catalogue import fileformat, services
from portal.extensions import db
from portal.rounds import services as RS
from portal.rounds.models import Review
from portal.scoring.rules import suggested_points
from portal.scoring.totals import round_table
from tests.support import login_as

SCORED = """year: 2026
kind: index
title: "Bộ tiêu chí Chỉ số CCHC 2026 (thử)"
areas:
  - code: "1"
    name: "Công tác chỉ đạo, điều hành"
    criteria:
      - code: "1.1"
        text: "Ban hành kế hoạch CCHC"
        max_points: 2
      - code: "1.2"
        text: "Báo cáo CCHC định kỳ"
        max_points: 3
        scoring: {rule: rating, partial: 0.5}
      - code: "1.3"
        text: "Khen thưởng sáng kiến CCHC"
        max_points: 5
  - code: "2"
    name: "Cải cách thủ tục hành chính"
    criteria:
      - code: "2.1"
        text: "Tỷ lệ hồ sơ trực tuyến"
        indicator: {unit: "%", target: 60}
        max_points: 4
        scoring: {rule: proportional}
      - code: "2.2"
        text: "Tỷ lệ hồ sơ giải quyết đúng hạn"
        indicator: {unit: "%", target: 97}
        max_points: 6
        scoring: {rule: thresholds, thresholds: "97:6; 90:3"}
"""


def person(username):
    return db.session.scalar(select(User).where(User.username == username))


def _scored_round():
    spec, errors = fileformat.parse(SCORED.encode())
    assert errors == []
    cat, errors, _ = services.import_catalogue(spec)
    db.session.flush()
    rnd = RS.create_round(cat, name="Tự chấm điểm Chỉ số CCHC 2026", kind="cuoinam",
                          start_on=date(2026, 10, 20), end_on=date(2026, 10, 25),
                          leader=person("vhxh.nhung"), members=[person("vp.viet")])
    db.session.flush()
    crits = {c.code: c for a in cat.areas for c in a.criteria}
    RS.open_round(rnd, assignees={c.id: person("vp.thu") for c in crits.values()})
    rnd.state = "review"
    reports = {r.criterion.code: r for r in RS.round_reports(rnd.id)}
    # (self-score, status, indicator value, appraised score or None, reason)
    data = {"1.1": (2, "done", None, Decimal("1.5"), "Kế hoạch ban hành chậm 10 ngày"),
            "1.2": (2, "done", None, None, ""),
            "1.3": (None, "na", None, None, ""),
            "2.1": (3, "done", Decimal(45), Decimal(3), ""),
            "2.2": (6, "done", Decimal(92), Decimal(3), "Tỷ lệ đúng hạn 92%, dưới ngưỡng 97%")}
    for code, (own, status, value, appraised, reason) in data.items():
        r = reports[code]
        r.self_score = None if own is None else Decimal(own)
        r.status, r.state, r.done_text, r.indicator_value = status, "submitted", "Đã thực hiện", value
        r.self_justification = f"Giải trình {code}"
        r.review = Review(rating="dat", appraised_score=appraised, appraisal_reason=reason,
                          reviewer_id=person("vp.viet").id)
    db.session.commit()
    return rnd, reports


def test_totals_equal_the_hand_computation(app):
    rnd, _ = _scored_round()
    table = round_table(rnd)
    # Hand computation. 1.3 is not applicable: its 5 points leave the maximum (20 → 15).
    # Self: 2 + 2 + 3 + 6 = 13 → 13/15 × 100 = 86.67. Appraised (1.2 has none: its self-score
    # stands): 1.5 + 2 + 3 + 3 = 9.5 → 9.5/15 × 100 = 63.33.
    o = table.overall
    assert (o.max_points, o.applicable_max, o.self_score, o.appraised) == (20, 15, 13, Decimal("9.5"))
    assert (o.self_100, o.appraised_100) == (Decimal("86.67"), Decimal("63.33"))
    assert o.not_applicable == 1
    # Area 1: max 10, applicable 5; self 4 → 80; appraised 3.5 → 70.
    a1, a2 = table.areas["1"], table.areas["2"]
    assert (a1.max_points, a1.applicable_max, a1.self_score, a1.appraised) == (10, 5, 4, Decimal("3.5"))
    assert (a1.self_100, a1.appraised_100) == (Decimal("80.00"), Decimal("70.00"))
    # Area 2: max 10; self 9 → 90; appraised 6 → 60.
    assert (a2.self_100, a2.appraised_100) == (Decimal("90.00"), Decimal("60.00"))


def test_suggested_points_follow_each_rule(app):
    rnd, _ = _scored_round()
    rows = {r.code: r for r in round_table(rnd).rows if r.kind == "criterion"}
    assert rows["1.1"].suggested == Decimal("2.00")          # rating Đạt: the maximum
    assert rows["2.1"].suggested == Decimal("3.00")          # 45/60 × 4
    assert rows["2.2"].suggested == Decimal("3.00")          # 92 reaches 90, not 97
    assert suggested_points(Decimal(3), "rating", rating="mot_phan", partial_ratio=Decimal("0.5")) == Decimal("1.50")
    assert suggested_points(Decimal(3), "rating", rating="chua_dat") == 0
    assert suggested_points(Decimal(4), "proportional", value=Decimal(90), target=Decimal(60)) == Decimal("4.00")  # capped
    assert suggested_points(Decimal(6), "thresholds", value=Decimal(80), thresholds="97:6; 90:3") == 0


def test_appraised_score_that_differs_needs_a_reason(app):
    rnd, reports = _scored_round()
    r = reports["1.2"]
    with pytest.raises(RS.RuleError, match="vui lòng ghi lý do"):
        RS.save_review(r, person("vp.viet"), rating="mot_phan", comment="", appraised_score="1.5")
    db.session.rollback()
    r = RS.round_reports(rnd.id)[1]
    RS.save_review(r, person("vp.viet"), rating="mot_phan", comment="", appraised_score="1.5",
                   appraisal_reason="Thiếu báo cáo quý III")
    db.session.commit()
    assert round_table(rnd).overall.appraised == Decimal(9)


def test_page_excel_and_pdf_hold_the_same_numbers(app):
    from pypdf import PdfReader

    rnd, _ = _scored_round()
    client = login_as(app, "vhxh.nhung")
    html = client.get(f"/cham-diem/dot/{rnd.id}").get_data(as_text=True)
    assert '<strong id="self-100">86,67</strong>' in html and '<strong id="appraised-100">63,33</strong>' in html
    assert "Kế hoạch ban hành chậm 10 ngày" in html and "Giải trình 2.2" in html
    response = client.get(f"/cham-diem/dot/{rnd.id}/bang-diem.xlsx")
    ws = load_workbook(BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = rows.index(["STT", "Lĩnh vực / tiêu chí / tiêu chí thành phần", "Điểm tối đa", "Điểm tự chấm",
                         "Điểm thẩm định", "Tài liệu kiểm chứng", "Giải trình"])
    body = {r[1]: r for r in rows[header + 1:]}
    assert body["TỔNG ĐIỂM QUY ĐỔI THANG ĐIỂM 100"][2:5] == ["100", "86,67", "63,33"]
    assert body["TỔNG ĐIỂM"][2:5] == ["20", "13", "9,5"]
    assert body["1.3. Khen thưởng sáng kiến CCHC"][3] == "Không phát sinh"
    pdf = client.get(f"/cham-diem/dot/{rnd.id}/bang-diem.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join("".join(p.extract_text() for p in PdfReader(BytesIO(pdf.data)).pages).split())
    assert "86,67" in text and "63,33" in text and "TỔNG ĐIỂM QUY ĐỔI THANG ĐIỂM 100" in text


def test_who_may_see_the_table(app):
    rnd, _ = _scored_round()
    assert login_as(app, "vp.viet").get(f"/cham-diem/dot/{rnd.id}").status_code == 200  # team member
    assert login_as(app, "tt.mai").get(f"/cham-diem/dot/{rnd.id}").status_code == 403
    assert login_as(app, "tt.mai").get(f"/cham-diem/dot/{rnd.id}/bang-diem.xlsx").status_code == 403
    assert login_as(app, "vhxh.nhung").get("/cham-diem/dot/999999").status_code == 404


def test_catalogue_without_points_shows_an_empty_state(app):
    rnd = RS.create_round(services.catalogue_for_year(2026), name="Đợt không điểm", kind="6thang",
                          start_on=date(2026, 7, 1), end_on=date(2026, 7, 10))
    db.session.commit()
    html = login_as(app, "vhxh.nhung").get(f"/cham-diem/dot/{rnd.id}").get_data(as_text=True)
    assert "chưa có điểm tối đa" in html


def test_scoring_rules_round_trip_and_bad_rules(app):
    spec = fileformat.parse(SCORED.encode())[0]
    cat, _, _ = services.import_catalogue(spec)
    db.session.commit()
    from portal.catalogue import excelformat

    assert fileformat.parse(fileformat.dump(cat).encode())[0] == spec
    assert fileformat.parse(excelformat.build_xlsx(cat))[0] == spec
    bad = SCORED.replace('thresholds: "97:6; 90:3"', 'thresholds: "97-6"')
    assert any("phải có dạng giá trị:điểm" in e for e in fileformat.parse(bad.encode())[1])
    bad = SCORED.replace("rule: proportional", "rule: magic")
    assert any("“magic” không hợp lệ" in e for e in fileformat.parse(bad.encode())[1])


def test_demo_targets_from_the_province_plan_and_the_labelled_example_scheme(app):
    from pathlib import Path

    plan = services.catalogue_for_year(2026)
    targets = {c.code: c.indicator_target for a in plan.areas for c in a.criteria if c.indicator_target is not None}
    assert targets["1.3.7"] == 60 and 97 in targets.values() and 100 in targets.values()
    example = Path(services.__file__).parent / "data" / "chi_so_cchc_2026_vi_du.yaml"
    spec, errors = fileformat.parse(example.read_bytes())
    assert errors == [] and spec.kind == "index" and spec.title.startswith("VÍ DỤ MINH HỌA")
    assert sum(c.max_points for a in spec.areas for c, _ in a.all_criteria()) == 100
    cat, errors, _ = services.import_catalogue(spec)
    db.session.commit()
    assert cat.label == "Bộ tiêu chí Chỉ số CCHC năm 2026" and services.current_catalogue().kind == "inspection"


def test_scores_come_from_the_rounds_frozen_copy_not_the_live_catalogue(app):
    rnd, reports = _scored_round()
    before = round_table(rnd).overall
    crit = reports["1.1"].criterion
    crit.max_points, crit.scoring_rule = Decimal(50), "thresholds"  # the office edits the catalogue later
    reports["2.1"].criterion.indicator_target = Decimal(90)
    db.session.commit()
    after = round_table(rnd)
    assert (after.overall.max_points, after.overall.self_100, after.overall.appraised_100) == (
        before.max_points, before.self_100, before.appraised_100)
    assert {r.code: r.suggested for r in after.rows if r.kind == "criterion"}["2.1"] == Decimal("3.00")  # 45/60 × 4


def test_indicators_against_targets_across_rounds(app):
    rnd, _ = _scored_round()
    client = login_as(app, "vhxh.nhung")
    html = client.get("/cham-diem/chi-tieu", query_string={"nam": 2026}).get_data(as_text=True)
    assert "Tỷ lệ hồ sơ trực tuyến" in html and rnd.name in html
    assert '45%</td>' not in html and "45% <span class=\"badge bad\">chưa đạt</span>" in html  # 45 < 60
    assert "92% <span class=\"badge bad\">chưa đạt</span>" in html  # 92 < 97
    assert "60%" in html and "97%" in html
    assert login_as(app, "vp.thu").get("/cham-diem/chi-tieu").status_code == 403
    assert client.get("/cham-diem/chi-tieu", query_string={"nam": "abc"}).status_code == 404
    assert "Chưa có giá trị chỉ tiêu" in client.get("/cham-diem/chi-tieu?nam=2040").get_data(as_text=True)
