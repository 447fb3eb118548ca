"""copy-year between two different catalogues (Thành Sen 2026 → Lào Cai's plan) copies nothing
whose text differs unless confirmed; the preview (web and CLI) writes nothing."""
from pathlib import Path

from sqlalchemy import func, select

from portal.assignments import copying
from portal.assignments.models import Assignment
from portal.catalogue import fileformat, services
from portal.catalogue.models import Criterion
from portal.extensions import db
from tests.support import login_as

LAO_CAI = Path(__file__).resolve().parent / "fixtures" / "lao_cai_2026.yaml"
OVERLAP = [f"1.2.{i}" for i in range(1, 9)] + [f"1.3.{i}" for i in range(1, 7)]


def _lao_cai():
    spec = fileformat.parse(LAO_CAI.read_text(encoding="utf-8").replace("year: 2026", "year: 2027").encode())[0]
    cat, errors, _ = services.import_catalogue(spec)
    assert not errors
    db.session.commit()
    return cat


def _assigned_in(cat) -> int:
    return db.session.scalar(select(func.count(Assignment.id)).join(Criterion)
                             .where(Criterion.catalogue_id == cat.id, Assignment.lead_person_id.is_not(None)))


def test_same_codes_with_other_texts_are_not_copied_unless_confirmed(app):
    target = _lao_cai()
    source = services.catalogue_for_year(2026)
    preview = copying.plan_copy(source, target)
    assert preview.matched == [] and sorted(p.source.code for p in preview.differs) == sorted(OVERLAP)
    assert all(p.ratio < copying.SIMILAR for p in preview.differs)
    result = copying.copy_year(source, target)
    db.session.commit()
    assert result.copied == 0 and _assigned_in(target) == 0
    # the office confirms one pair it knows to be the same work
    result = copying.copy_year(source, target, confirmed=["1.2.1"])
    db.session.commit()
    assert result.copied == 1 and result.confirmed == ["1.2.1"] and _assigned_in(target) == 1
    lao = db.session.scalar(select(Criterion).where(Criterion.catalogue_id == target.id, Criterion.code == "1.2.1"))
    ts = db.session.scalar(select(Criterion).where(Criterion.catalogue_id == source.id, Criterion.code == "1.2.1"))
    assert lao.assignment.lead_person_id == ts.assignment.lead_person_id


def test_web_preview_writes_nothing_then_copies_only_what_is_ticked(app):
    target = _lao_cai()
    source = services.catalogue_for_year(2026)
    client = login_as(app, "vhxh.ha")
    form = {"source": str(source.id), "target": str(target.id)}
    html = client.post("/phan-cong/sao-chep", data={**form, "buoc": "xem_truoc"}).get_data(as_text=True)
    assert "Cùng mã nhưng khác nội dung — không chép nếu không xác nhận (14)" in html
    assert "Chưa có gì được ghi" in html and 'name="xac_nhan" value="1.3.2"' in html
    assert _assigned_in(target) == 0
    html = client.post("/phan-cong/sao-chep", data={**form, "buoc": "chep", "xac_nhan": ["1.3.2"]}).get_data(as_text=True)
    assert "Đã sao chép <strong>1</strong>" in html and _assigned_in(target) == 1


def test_cli_dry_run_and_confirm(app, runner):
    target = _lao_cai()
    out = runner.invoke(args=["assignments", "copy-year", "2026", "2027", "--dry-run"])
    assert out.exit_code == 0, out.output
    assert "14 cùng mã nhưng khác nội dung" in out.output and "Chưa ghi gì" in out.output
    assert _assigned_in(target) == 0
    out = runner.invoke(args=["assignments", "copy-year", "2026", "2027"])
    assert "Đã sao chép 0 phân công" in out.output and _assigned_in(target) == 0
    out = runner.invoke(args=["assignments", "copy-year", "2026", "2027", "--confirm", "1.2.3"])
    assert "Đã sao chép 1 phân công" in out.output and _assigned_in(target) == 1
    bad = runner.invoke(args=["assignments", "copy-year", "2026", "2027:index"])
    assert bad.exit_code != 0 and "Chưa có bộ nội dung năm 2027 (index)" in bad.output


def test_renumbered_criterion_is_found_by_text_and_copied_when_confirmed(app):
    from portal.demo import CATALOGUE_FILE

    text = CATALOGUE_FILE.read_text(encoding="utf-8").replace("year: 2026", "year: 2027", 1)
    text = text.replace('code: "1.2.10"', 'code: "1.2.99"', 1)
    cat, errors, _ = services.import_catalogue(fileformat.parse(text.encode())[0])
    db.session.commit()
    preview = copying.plan_copy(services.catalogue_for_year(2026), cat)
    assert [(p.source.code, p.target.code, p.percent) for p in preview.by_text] == [("1.2.10", "1.2.99", 100)]
    result = copying.copy_year(services.catalogue_for_year(2026), cat, confirmed=["1.2.10"])
    assert "1.2.10" in result.confirmed
