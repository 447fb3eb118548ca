"""The round page at ten times the demo ward: what blocks closing comes a page at a time, with
its count and the shared pager (htmx fragment, real links without JavaScript), and the figures
read from light rows equal the ones computed from the reports themselves."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from benchmarks.scale import scale_up
from portal.extensions import db
from portal.rounds import overview
from portal.rounds import services as S
from portal.rounds.models import Round
from tests.rounds_factory import make_round
from tests.support import HTMX, login_as


def _open_round():
    return db.session.scalar(select(Round).where(Round.state != "closed").order_by(Round.start_on.desc()))


def _links(html):
    section = html.split('id="blockers"')[1].split("</ul>")[0]
    return [int(i) for i in re.findall(r'href="/dot-kiem-tra/bao-cao/(\d+)"', section)]


@pytest.fixture()
def big(app):
    scale_up(10)
    rnd = _open_round()
    return rnd, [b.report.id for b in S.close_blockers(rnd)]


def test_blockers_come_fifty_at_a_time_with_a_count_and_links(app, big):
    rnd, blockers = big
    assert len(blockers) > 100  # enough for three pages
    client = login_as(app, "vhxh.nhung")
    html = client.get(f"/dot-kiem-tra/{rnd.id}").get_data(as_text=True)
    total = f"{len(blockers):,}".replace(",", ".")
    assert f"Hiển thị 1–50 / {total} báo cáo" in html
    assert _links(html) == blockers[:50]  # each an item link, in catalogue order
    assert f'href="/dot-kiem-tra/{rnd.id}?page=2" rel="next"' in html  # a real link without JS
    assert f'hx-get="/dot-kiem-tra/{rnd.id}?page=2" hx-target="#blockers"' in html
    page2 = client.get(f"/dot-kiem-tra/{rnd.id}?page=2").get_data(as_text=True)
    assert f"Hiển thị 51–100 / {total} báo cáo" in page2 and _links(page2) == blockers[50:100]
    assert 'rel="prev"' in page2 and "<html" in page2


def test_an_htmx_page_is_the_list_alone(app, big):
    rnd, blockers = big
    client = login_as(app, "vhxh.nhung")
    frag = client.get(f"/dot-kiem-tra/{rnd.id}?page=3", headers={**HTMX, "HX-Target": "blockers"})
    text = frag.get_data(as_text=True)
    assert frag.status_code == 200 and "<html" not in text and text.lstrip().startswith('<div id="blockers">')
    assert _links(text) == blockers[100:150] and 'tabindex="-1"' in text  # the count takes the focus
    assert "HX-Request" in frag.headers.get("Vary", "")


def test_a_bad_page_number_is_never_an_error(app, big):
    rnd, blockers = big
    client = login_as(app, "vhxh.nhung")
    for page in ("abc", "0", "-3", "99999999999999", "1e3", ""):
        r = client.get(f"/dot-kiem-tra/{rnd.id}?page={page}")
        assert r.status_code == 200 and _links(r.get_data(as_text=True)) == blockers[:50], page


def test_a_page_past_the_end_shows_the_last_page(app, big):
    rnd, blockers = big
    html = login_as(app, "vhxh.nhung").get(f"/dot-kiem-tra/{rnd.id}?page=999").get_data(as_text=True)
    last = (len(blockers) - 1) // 50 * 50
    assert _links(html) == blockers[last:]


def test_the_area_drill_down_pages_too_and_the_pagers_keep_each_other(app, big):
    rnd, _ = big
    rows = overview.overview(rnd)
    area = max({x.area_id for x in rows.lines}, key=lambda a: len(rows.in_area(a)))
    in_area = [x.id for x in rows.in_area(area)]
    assert len(in_area) > 50
    client = login_as(app, "vhxh.nhung")
    frag = client.get(f"/dot-kiem-tra/{rnd.id}?linh_vuc={area}", headers=HTMX).get_data(as_text=True)
    assert frag.lstrip().startswith('<div id="drill">') and f"Hiển thị 1–50 / {len(in_area)} nội dung" in frag
    assert f'?linh_vuc={area}&amp;page_lv=2" rel="next"' in frag and 'hx-target="#drill"' in frag
    frag2 = client.get(f"/dot-kiem-tra/{rnd.id}?linh_vuc={area}&page_lv=2",
                       headers={**HTMX, "HX-Target": "drill"}).get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'href="/dot-kiem-tra/bao-cao/(\d+)"', frag2)]
    assert ids == in_area[50:100]
    # the whole page with the area open: the blockers' pager keeps the area (the filter)
    html = client.get(f"/dot-kiem-tra/{rnd.id}?linh_vuc={area}&page_lv=2").get_data(as_text=True)
    assert f"?linh_vuc={area}&amp;page_lv=2&amp;page=2" in html and 'id="drill-rows"' in html


def test_who_may_see_the_round_page_is_unchanged(app, big):
    rnd, _ = big
    outsider = login_as(app, "vp.thu")  # a person in charge, not the team: sent to their own reports
    for url in (f"/dot-kiem-tra/{rnd.id}?page=2", f"/dot-kiem-tra/{rnd.id}?linh_vuc=1&page_lv=2"):
        r = outsider.get(url, headers={**HTMX, "HX-Target": "blockers"})
        assert r.status_code == 302 and r.headers["Location"].endswith(f"/dot-kiem-tra/{rnd.id}/cua-toi")
    assert login_as(app, "chutich").get(f"/dot-kiem-tra/{rnd.id}?page=2").status_code == 200


def test_a_closed_round_has_no_blockers_to_page(app):
    rnd = make_round(state="closed", deadline=date(2026, 1, 5), start=date(2026, 1, 10))
    client = login_as(app, "vhxh.nhung")
    r = client.get(f"/dot-kiem-tra/{rnd.id}?page=2", headers={**HTMX, "HX-Target": "blockers"})
    assert r.status_code == 200 and 'id="close-blockers"' not in r.get_data(as_text=True)


def _as_reports(rnd):
    """The figures as the pages computed them before: from the round's reports as objects."""
    reports = S.round_reports(rnd.id)
    scores = None
    if any(r.item.max_points is not None for r in reports):
        own_areas, own = S.round_scores(reports)
        appraised_areas, appraised = S.round_scores(reports, appraised=True)
        scores = {"own_areas": own_areas, "own": own, "appraised_areas": appraised_areas, "appraised": appraised}
    return (S.area_progress(reports), S.unit_progress(reports), scores,
            [(b.report.id, b.reason) for b in S.close_blockers(rnd)],
            [r.item.code for r in reports if r.author_id is None])


def _as_rows(rnd):
    ov = overview.overview(rnd)
    return ov.areas, ov.units, ov.scores(), [(b.line.id, b.reason) for b in ov.blockers], ov.unassigned_codes


def test_the_light_rows_give_the_figures_the_reports_give(app):
    scale_up(3)
    for rnd in db.session.scalars(select(Round)):
        assert _as_rows(rnd) == _as_reports(rnd), rnd.name


def test_the_light_rows_score_as_the_reports_do(app):
    from tests.test_scoring_round import _scored_round

    rnd, _ = _scored_round()
    figures = _as_rows(rnd)
    assert figures[2] is not None and figures[2]["own"].scaled is not None
    assert figures == _as_reports(rnd)


def test_assignment_changes_from_light_rows_name_whom_each_assignment_names(app):
    """The round page asks for the changes with its light rows; each named person is the one
    lifecycle.answerer reads off the assignment itself (lead person, else the unit's one head)."""
    from portal.accounts.models import Unit, User
    from portal.assignments.models import Assignment
    from portal.rounds.lifecycle import answerer

    rnd = _open_round()
    assignments = db.session.scalars(select(Assignment).order_by(Assignment.id)).all()
    people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).all()
    units = [u for u in db.session.scalars(select(Unit)) if len(u.heads) == 1]
    for i, a in enumerate(assignments[:30]):  # moved to someone else, or to a unit with one head
        if i % 3:
            a.lead_person_id = people[i % len(people)].id
        else:
            a.lead_person_id, a.lead_unit_id = None, units[i % len(units)].id
    db.session.commit()
    rows = overview.overview(rnd)
    found = [(line.id, user.id) for line, user in S.assignment_changes(rnd, rows.lines)]
    expected = []
    for r in S.round_reports(rnd.id):
        named = answerer(db.session.scalar(select(Assignment).where(Assignment.criterion_id == r.criterion_id)))
        if r.state in ("draft", "clarify") and named is not None and named.active and named.id != r.author_id:
            expected.append((r.id, named.id))
    assert found and sorted(found) == sorted(expected)
    assert sorted((r.id, u.id) for r, u in S.assignment_changes(rnd)) == sorted(expected)
    html = login_as(app, "vhxh.nhung").get(f"/dot-kiem-tra/{rnd.id}").get_data(as_text=True)
    assert f"{len(expected)} báo cáo chưa gửi đang ghi người phụ trách khác" in html


def test_the_light_rows_see_changes_not_yet_written(app):
    """round_lines reads through the session's connection, past the ORM: it writes pending
    changes first, as a query through the session would, so it never reads an older round."""
    from portal.rounds.models import Report

    rnd = _open_round()
    report = db.session.scalar(select(Report).where(Report.round_id == rnd.id, Report.state == "draft")
                               .order_by(Report.id))
    report.state = "not_submitted"  # not flushed
    line = next(x for x in overview.round_lines(rnd.id) if x.id == report.id)
    assert (line.state, line.phase) == ("not_submitted", "not_submitted")
