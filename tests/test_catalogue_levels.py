"""Another province's catalogue (seed 004, Lào Cai) with its a)–f) level, sub-criteria of any
depth, and several catalogues in one year, the round naming the one it uses."""
from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal.catalogue import excelformat, fileformat, services
from portal.catalogue.models import Catalogue, Criterion
from portal.extensions import db
from portal.rounds import services as RS
from portal.rounds.models import Round
from tests.support import login_as

LAO_CAI = Path(__file__).resolve().parent / "fixtures" / "lao_cai_2026.yaml"


def _import(text: str):
    spec, errors = fileformat.parse(text.encode())
    assert errors == [], errors
    cat, errors, _ = services.import_catalogue(spec)
    assert errors == [], errors
    db.session.commit()
    return cat


def _lao_cai(year=2027):
    return _import(LAO_CAI.read_text(encoding="utf-8").replace("year: 2026", f"year: {year}"))


def test_lao_cai_catalogue_imports_with_its_a_to_f_level(app):
    cat = _lao_cai()
    assert [a.code for a in cat.areas] == ["1.1", "1.2", "1.3"]
    assert [g.label for g in cat.areas[0].groups] == [
        "a) Công tác chỉ đạo, điều hành CCHC", "b) Công tác cải cách thể chế",
        "c) Cải cách thủ tục hành chính và hoạt động kiểm soát thủ tục hành chính",
        "d) Cải cách tổ chức bộ máy hành chính nhà nước", "đ) Cải cách chế độ công vụ",
        "e) Cải cách tài chính công", "f) Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"]
    crit = db.session.scalar(select(Criterion).where(Criterion.catalogue_id == cat.id, Criterion.code == "1.1.d.3"))
    assert crit.text.startswith("Việc thực hiện phân cấp, phân quyền trong quản lý nhà nước: Việc")
    assert crit.level_label == "d) Cải cách tổ chức bộ máy hành chính nhà nước"
    assert len([c for a in cat.areas for c in a.criteria]) == 41


def _lao_cai_round(app):
    cat = _lao_cai()
    crits = db.session.scalars(select(Criterion).where(Criterion.catalogue_id == cat.id)).all()
    rnd = RS.create_round(cat, name="Đợt thử Lào Cai", kind="6thang", start_on=date(2027, 7, 1),
                          end_on=date(2027, 7, 10))
    db.session.flush()
    from portal.accounts.models import User

    author = db.session.scalar(select(User).where(User.username == "vp.thu"))
    RS.open_round(rnd, assignees={c.id: author for c in crits})
    rnd.state = "open"
    db.session.commit()
    return cat, rnd


def test_level_on_the_assignments_list(app):
    cat = _lao_cai()
    html = login_as(app, "vhxh.ha").get("/phan-cong/", query_string={"nam": cat.year}).get_data(as_text=True)
    assert "a) Công tác chỉ đạo, điều hành CCHC" in html
    assert "đ) Cải cách chế độ công vụ" in html and 'class="group-row"' in html


def test_level_on_the_round_page_and_summary(app):
    cat, rnd = _lao_cai_round(app)
    client = login_as(app, "vhxh.ha")
    area = cat.areas[0]
    html = client.get(f"/dot-kiem-tra/{rnd.id}", query_string={"linh_vuc": area.id}).get_data(as_text=True)
    assert "b) Công tác cải cách thể chế" in html
    report = next(r for r in RS.round_reports(rnd.id) if r.criterion.code == "1.1.f.4")
    html = client.get(f"/dot-kiem-tra/bao-cao/{report.id}").get_data(as_text=True)
    assert "f) Xây dựng và phát triển Chính quyền điện tử, Chính quyền số" in html


def test_round_summary_pdf_shows_the_level(app):
    from io import BytesIO

    from pypdf import PdfReader

    from portal.reports.documents import render, summary_context

    _cat, rnd = _lao_cai_round(app)
    with app.test_request_context():
        data = render("summary", summary_context(rnd.id))
    text = " ".join("".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).split())
    assert "c) Cải cách thủ tục hành chính và hoạt động kiểm soát thủ tục hành chính: đã báo cáo 0/5 nội dung" in text
    assert "đ) Cải cách chế độ công vụ: đã báo cáo 0/2 nội dung" in text


SUB = """year: 2028
kind: index
title: "Bộ tiêu chí Chỉ số CCHC 2028"
areas:
  - code: "1"
    name: "Công tác chỉ đạo, điều hành CCHC"
    criteria:
      - code: "1.1"
        text: "Kế hoạch CCHC năm"
        criteria:
          - code: "1.1.1"
            text: "Ban hành kế hoạch kịp thời"
            max_points: 1
          - code: "1.1.2"
            text: "Mức độ hoàn thành kế hoạch"
            criteria:
              - code: "1.1.2.1"
                text: "Hoàn thành 100% kế hoạch"
                max_points: 1.5
"""


def test_sub_criteria_of_any_depth_round_trip_yaml_and_excel(app):
    cat = _import(SUB)
    assert cat.kind == "index" and cat.label == "Bộ tiêu chí Chỉ số CCHC năm 2028"
    deep = db.session.scalar(select(Criterion).where(Criterion.catalogue_id == cat.id, Criterion.code == "1.1.2.1"))
    assert deep.depth == 2 and deep.level_path == ["1.1. Kế hoạch CCHC năm", "1.1.2. Mức độ hoàn thành kế hoạch"]
    dumped = fileformat.dump(cat)
    assert fileformat.parse(dumped.encode())[0] == fileformat.parse(SUB.encode())[0]
    assert fileformat.parse(excelformat.build_xlsx(cat))[0] == fileformat.parse(SUB.encode())[0]


def test_two_catalogues_in_one_year_and_the_round_names_its_own(app):
    index = _import(SUB.replace("2028", "2026"))
    plan = services.catalogue_for_year(2026)
    assert plan.kind == "inspection" and index.kind == "index" and plan.id != index.id
    assert services.current_catalogue().id == plan.id
    client = login_as(app, "vhxh.ha")
    html = client.get("/bo-noi-dung/", query_string={"nam": 2026, "bo": "index"}).get_data(as_text=True)
    assert "Bộ tiêu chí Chỉ số CCHC năm 2026" in html and "Mức độ hoàn thành kế hoạch" in html
    assert "Kế hoạch kiểm tra CCHC năm 2026" in html  # the picker offers both
    form = client.get("/dot-kiem-tra/moi").get_data(as_text=True)
    assert "Bộ tiêu chí Chỉ số CCHC năm 2026" in form
    response = client.post("/dot-kiem-tra/moi", data={"confirm_warnings": "1", 
        "name": "Tự chấm điểm Chỉ số CCHC 2026", "kind": "cuoinam",
        "catalogue_id": index.id, "start_on": "2026-10-20", "end_on": "2026-10-25",
        "leader_id": 0, "previous_id": 0})
    assert response.status_code in (302, 303)
    rnd = db.session.scalar(select(Round).where(Round.name == "Tự chấm điểm Chỉ số CCHC 2026"))
    assert rnd.catalogue_id == index.id


def test_same_year_same_kind_is_an_update_not_a_second_catalogue(app):
    _import(SUB)
    _import(SUB.replace("Ban hành kế hoạch kịp thời", "Ban hành kế hoạch đúng hạn"))
    assert db.session.scalar(select(db.func.count(Catalogue.id)).where(Catalogue.year == 2028)) == 1


def test_unknown_kind_is_refused(app):
    errors = fileformat.parse(SUB.replace("kind: index", "kind: lạ").encode())[1]
    assert errors == ["Dòng 1: “kind” “lạ” không hợp lệ (dùng: Kế hoạch kiểm tra CCHC, Bộ tiêu chí Chỉ số CCHC)."]


NESTED = """
year: 2029
title: "Bộ nội dung có tiêu chí thành phần"
areas:
  - code: "1.1"
    name: "Công tác chỉ đạo, điều hành"
    criteria:
      - code: "1.1.1"
        text: "Kế hoạch CCHC"
        criteria:
          - code: "1.1.1.1"
            text: "Ban hành kế hoạch đúng hạn"
            criteria:
              - code: "1.1.1.1.1"
                text: "Kế hoạch có đủ nội dung"
    groups:
      - code: "1.1.a"
        name: "Công tác kiểm tra"
        criteria:
          - code: "1.1.2"
            text: "Kiểm tra CCHC"
            criteria:
              - code: "1.1.2.1"
                text: "Kiểm tra đột xuất"
"""


def _light_levels(cat) -> dict:
    from portal.assignments import lines

    rows = [lines.make(r) for r in db.session.execute(lines.lines_select(cat))]
    return {x.code: x.level_label for x in lines.complete(cat, rows)}


def test_the_assignments_light_rows_read_each_level_as_the_criterion_does(app):
    """portal.assignments.lines builds the level from columns; it must say what
    Criterion.level_label says, for sub-criteria of any depth, in groups or not."""
    nested = _import(NESTED)
    for cat in (nested, _lao_cai(), services.catalogue_for_year(2026)):
        want = {c.code: c.level_label for c in db.session.scalars(select(Criterion).where(Criterion.catalogue_id == cat.id))}
        assert _light_levels(cat) == want
    levels = _light_levels(nested)
    assert levels["1.1.1.1.1"] == "1.1.1. Kế hoạch CCHC › 1.1.1.1. Ban hành kế hoạch đúng hạn"
    assert levels["1.1.2.1"] == "a) Công tác kiểm tra › 1.1.2. Kiểm tra CCHC"
    html = login_as(app, "vhxh.ha").get("/phan-cong/", query_string={"nam": 2029}).get_data(as_text=True)
    assert "1.1.1. Kế hoạch CCHC › 1.1.1.1. Ban hành kế hoạch đúng hạn" in html
