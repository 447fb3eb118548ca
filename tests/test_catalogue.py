from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.catalogue import fileformat, services
from portal.catalogue.models import Area, Catalogue, Criterion
from portal.extensions import db
from portal.text import fold
from tests.support import HTMX, login_as

DATA = Path(__file__).resolve().parent.parent / "portal" / "catalogue" / "data" / "thanh_sen_2026.yaml"


def _counts():
    rows = db.session.execute(
        select(Area.code, func.count(Criterion.id)).join(Criterion).group_by(Area.code).order_by(Area.code)
    ).all()
    return dict(rows)


def test_shipped_catalogue_has_69_criteria_in_the_areas_of_the_plan(app):
    assert _counts() == {"1.1": 7, "1.2": 11, "1.3": 10, "1.4": 10, "1.5": 7, "1.6": 12, "1.7": 12}
    cat = services.catalogue_for_year(2026)
    groups = {a.code: [g.name for g in a.groups] for a in cat.areas}
    assert groups["1.6"] == ["Tổ chức thực hiện công tác tài chính - ngân sách",
                             "Công tác quản lý, sử dụng tài sản công",
                             "Thực hiện cơ chế tự chủ tài chính tại các đơn vị sự nghiệp công lập (SNCL)"]
    assert groups["1.7"] == ["Đổi mới sáng tạo", "Áp dụng hệ thống quản lý chất lượng ISO (ISO 9001:2015)"]
    assert [len(g.criteria) for a in cat.areas for g in a.groups] == [6, 3, 3, 7, 5]
    assert [s.name for s in cat.adhoc_subjects] == [
        "Kiểm tra việc thực hiện kỷ luật, kỷ cương hành chính (cơ quan, đơn vị thuộc thẩm quyền quản lý của UBND phường).",
        "Các nội dung khác theo phản ánh, kiến nghị của người dân, tổ chức."]


@pytest.mark.parametrize("code,text", [
    ("1.1.1", "Việc xây dựng, ban hành kế hoạch và các văn bản chỉ đạo của cấp có thẩm quyền; công tác đôn đốc tổ chức thực hiện kế hoạch cải cách hành chính."),
    ("1.3.7", "Kết quả tỷ lệ dịch vụ công trực tuyến toàn trình, tỷ lệ hồ sơ trực tuyến, thực hiện thanh toán trực tuyến (số liệu đến thời điểm kiểm tra)."),
    ("1.6.1.1", "Thực hiện giải ngân kế hoạch vốn đầu tư ngân sách nhà nước (NSNN)"),
    ("1.7.b.5", "Đánh giá mức độ tuân thủ các quy trình nội bộ giải quyết công việc tại cơ quan UBND cấp phường (thông qua kiểm tra, bóc mẫu hồ sơ tại đơn vị để đánh giá)"),
])
def test_full_texts_as_in_the_plan(app, code, text):
    assert db.session.scalar(select(Criterion.text).where(Criterion.code == code)) == text


def test_export_then_import_gives_the_same_catalogue(app):
    cat = services.catalogue_for_year(2026)
    before = fileformat.dump(cat)
    spec, errors = fileformat.parse(before.encode("utf-8"))
    assert errors == [] and spec.criteria_count() == 69
    imported, errors, stats = services.import_catalogue(spec)
    assert errors == [] and stats == {"created": 0, "updated": 0, "removed": 0}
    db.session.commit()
    assert fileformat.dump(services.catalogue_for_year(2026)) == before
    # and the shipped file itself parses to the same thing that was exported
    assert fileformat.parse(DATA.read_bytes())[0] == spec


def test_import_as_new_year_then_update_by_code(app):
    text = DATA.read_text(encoding="utf-8").replace("year: 2026", "year: 2027")
    spec, errors = fileformat.parse(text.encode())
    cat, errors, stats = services.import_catalogue(spec)
    assert not errors and stats["created"] == 69
    db.session.commit()
    changed = text.replace("Hồ sơ đối thoại của lãnh đạo cấp phường với người dân, doanh nghiệp",
                           "Hồ sơ đối thoại của lãnh đạo phường với người dân")
    cat, errors, stats = services.import_catalogue(fileformat.parse(changed.encode())[0])
    assert stats == {"created": 0, "updated": 1, "removed": 0}


BAD_FILES = {
    "missing code": ('year: 2026\ntitle: "T"\nareas:\n  - code: "1.1"\n    name: "A"\n    criteria:\n'
                     '      - text: "Không có mã"\n', "Dòng 7: Nội dung kiểm tra thiếu “code”."),
    "duplicate code": ('year: 2026\ntitle: "T"\nareas:\n  - code: "1.1"\n    name: "A"\n    criteria:\n'
                       '      - code: "1.1.1"\n        text: "Một"\n      - code: "1.1.1"\n        text: "Hai"\n',
                       "Dòng 9: Mã nội dung “1.1.1” bị trùng (đã có ở dòng 7)."),
    "unknown area": ('year: 2026\ntitle: "T"\nareas:\n  - code: "1.1"\n    name: "A"\n    criteria:\n'
                     '      - code: "9.9.1"\n        text: "Lạc"\n', "lĩnh vực không xác định"),
    "wrong encoding": ('year: 2026\ntitle: "Bộ nội dung"\n'.encode("cp1258", errors="replace")
                       if False else "year: 2026\ntitle: \"Hồ sơ\"\n".encode("utf-16"), "không được mã hóa UTF-8"),
    "empty file": ("", "Tệp rỗng"),
    "not yaml": ("year: [2026\n", "không đúng cú pháp YAML"),
    "unknown key": ('year: 2026\ntitle: "T"\nareas:\n  - code: "1.1"\n    name: "A"\n    critera:\n'
                    '      - code: "1.1.1"\n        text: "x"\n', "khóa “critera” không hợp lệ"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_catalogue_files_give_vietnamese_messages_and_change_nothing(app, runner, tmp_path, name):
    content, message = BAD_FILES[name]
    raw = content if isinstance(content, bytes) else content.encode("utf-8")
    spec, errors = fileformat.parse(raw)
    assert spec is None and any(message in e for e in errors), errors
    before = fileformat.dump(services.catalogue_for_year(2026))
    path = tmp_path / "bad.yaml"
    path.write_bytes(raw)
    result = runner.invoke(args=["catalogue", "import", str(path)])
    assert result.exit_code != 0 and message in result.output
    db.session.expire_all()
    assert fileformat.dump(services.catalogue_for_year(2026)) == before


def test_web_import_of_bad_file_changes_nothing_and_shows_errors(app):
    client = login_as(app, "vhxh.ha")
    from io import BytesIO

    content, message = BAD_FILES["duplicate code"]
    response = client.post("/bo-noi-dung/nhap", data={"file": (BytesIO(content.encode()), "bo.yaml")},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "bị trùng" in html and "Chưa nhập gì" in html
    assert db.session.scalar(select(func.count(Criterion.id))) == 69


def test_removing_a_criterion_in_use_is_refused(app):
    """A criterion referenced by another table is never deleted by an import."""
    from datetime import date

    from portal.findings.models import Finding

    crit = db.session.scalar(select(Criterion).where(Criterion.code == "1.1.7"))
    db.session.add(Finding(source="higher", year=2026, found_on=date(2026, 3, 1), description="x", criterion_id=crit.id))
    db.session.commit()
    text = DATA.read_text(encoding="utf-8")
    start = text.index('      - code: "1.1.7"')
    end = text.index('  - code: "1.2"')
    spec, errors = fileformat.parse((text[:start] + text[end:]).encode())
    assert errors == []
    cat, errors, _ = services.import_catalogue(spec)
    assert cat is None and "Không thể bỏ nội dung “1.1.7”" in errors[0]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Criterion.id))) == 69


def test_web_import_new_year(app):
    from io import BytesIO

    client = login_as(app, "vhxh.ha")
    raw = DATA.read_text(encoding="utf-8").replace("year: 2026", "year: 2027").encode()
    response = client.post("/bo-noi-dung/nhap", data={"file": (BytesIO(raw), "2027.yaml")}, follow_redirects=True)
    assert "Đã nhập bộ nội dung năm 2027: 69 nội dung" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Catalogue.id))) == 2


def test_staff_cannot_import(app):
    from io import BytesIO

    client = login_as(app, "vp.thu")
    response = client.post("/bo-noi-dung/nhap", data={"file": (BytesIO(b"year: 2027"), "x.yaml")})
    assert response.status_code == 403
    assert "Nhập bộ nội dung từ tệp" not in client.get("/bo-noi-dung/").get_data(as_text=True)


def test_catalogue_page_lists_areas_groups_and_criteria(app):
    html = login_as(app, "vp.thu").get("/bo-noi-dung/").get_data(as_text=True)
    assert "1.7. Xây dựng, phát triển chính quyền điện tử, chính quyền số" in html
    assert "Áp dụng hệ thống quản lý chất lượng ISO (ISO 9001:2015)" in html
    assert "69 nội dung" in html


@pytest.mark.parametrize("query,expected_codes", [
    ("ho so", {"1.1.5", "1.1.6", "1.3.2", "1.3.3", "1.3.4", "1.3.7", "1.7.b.5"}),
    ("HỒ SƠ trực tuyến", {"1.3.7"}),
    ("dao tao boi duong", {"1.5.4"}),
])
def test_live_search_ignores_accents_and_case(app, query, expected_codes):
    response = login_as(app, "vp.thu").get("/bo-noi-dung/", query_string={"q": query}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="results"' in html  # the fragment only
    assert response.headers["Vary"] == "HX-Request" or "HX-Request" in response.headers["Vary"]
    found = {c.code for c in services.search_criteria(services.catalogue_for_year(2026), query)}
    assert found == expected_codes
    for code in expected_codes:
        assert f'<td class="code">{code}</td>' in html


def test_search_with_no_result_shows_empty_state(app):
    html = login_as(app, "vp.thu").get("/bo-noi-dung/?q=zzzz", headers=HTMX).get_data(as_text=True)
    assert "Không có nội dung nào khớp" in html


def test_unknown_year_is_404(app):
    assert login_as(app, "vp.thu").get("/bo-noi-dung/?nam=1999").status_code == 404


def test_cli_export_then_import(app, runner, tmp_path):
    out = tmp_path / "c.yaml"
    assert runner.invoke(args=["catalogue", "export", "2026", str(out)]).exit_code == 0
    result = runner.invoke(args=["catalogue", "import", str(out)])
    assert result.exit_code == 0 and "69 nội dung" in result.output


def test_fold():
    assert fold("Hồ sơ ĐẤT đai") == "ho so dat dai"
    assert fold("  Thủ   tục ") == "thu tuc"


def test_search_is_a_phrase_at_word_start():
    from portal.text import search_key

    assert search_key("ho so") in search_key("Bóc mẫu hồ sơ tại đơn vị")
    assert search_key("o so") not in search_key("hồ sơ")  # not from the middle of a word


def test_catalogue_page_query_count_stays_flat_as_the_catalogue_grows(app):
    """A 10× catalogue (690 criteria) costs the page no more queries than the 69 of 2026."""
    from tests.support import count_queries

    text = DATA.read_text(encoding="utf-8")
    spec, _ = fileformat.parse(text.replace("year: 2026", "year: 2030").encode())
    for area in spec.areas:
        extra = []
        for n in range(9):
            for c, _g in list(area.all_criteria()):
                extra.append(fileformat.CriterionSpec(code=f"{c.code}.x{n}", text=c.text))
        area.criteria.extend(extra)
    assert spec.criteria_count() == 690
    services.import_catalogue(spec)
    db.session.commit()
    client = login_as(app, "vp.thu")
    small = count_queries(client, "/bo-noi-dung/?nam=2026")
    large = count_queries(client, "/bo-noi-dung/?nam=2030")
    assert small == large, (small, large)


def _big_catalogue(year=2030):
    text = DATA.read_text(encoding="utf-8")
    spec, _ = fileformat.parse(text.replace("year: 2026", f"year: {year}").encode())
    for area in spec.areas:
        originals = list(area.all_criteria())
        area.criteria.extend([fileformat.CriterionSpec(code=f"{c.code}.x{n}", text=f"{c.text} (bản {n})")
                              for n in range(9) for c, _g in originals])
    services.import_catalogue(spec)
    db.session.commit()


def test_a_big_catalogue_pages_by_100_keeping_the_filter_and_its_export_holds_everything(app):
    import re

    from tests.support import HTMX

    _big_catalogue()
    client = login_as(app, "vhxh.ha")
    first = client.get("/bo-noi-dung/?nam=2030").get_data(as_text=True)
    assert "Hiển thị 1–100 / 690 nội dung" in first and "Trang 1 / 7" in first
    assert len(re.findall(r'<tr id="c-\d+"', first)) == 100
    nxt = re.search(r'<a href="([^"]+)" rel="next"[^>]*hx-get', first).group(1).replace("&amp;", "&")
    assert "nam=2030" in nxt and "page=2" in nxt
    # the htmx page change answers the results fragment only; the area heading repeats on the new page
    second = client.get(nxt, headers=HTMX).get_data(as_text=True)
    assert "<html" not in second and second.lstrip().startswith("<div id=\"results\">")
    assert "Hiển thị 101–200 / 690 nội dung" in second and 'class="area-row"' in second
    # a search filter is kept by the pager; a page past the end shows the last page, never a 500
    found = client.get("/bo-noi-dung/?nam=2030&q=bản 3").get_data(as_text=True)
    assert "69 nội dung phù hợp" in found and 'rel="next"' not in found
    last = client.get("/bo-noi-dung/?nam=2030&page=99")
    assert last.status_code == 200 and "Hiển thị 601–690 / 690 nội dung" in last.get_data(as_text=True)
    assert client.get("/bo-noi-dung/?nam=2030&page=abc").status_code == 200
    # the Excel export of the list holds every criterion, not the page
    from openpyxl import load_workbook
    from io import BytesIO

    xlsx = client.get("/bo-noi-dung/?nam=2030&xuat=xlsx")
    assert xlsx.status_code == 200
    rows = list(load_workbook(BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert sum(1 for r in rows if any(".x" in str(v) for v in r if v)) == 621  # the 9 × 69 copies


def test_the_years_catalogue_of_69_stays_one_page(app):
    page = login_as(app, "vhxh.ha").get("/bo-noi-dung/?nam=2026").get_data(as_text=True)
    assert "69 nội dung." in page and 'class="pager"' not in page
