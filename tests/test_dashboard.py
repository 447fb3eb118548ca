"""The dashboard: figures on a seeded round with known numbers, every number equal to the length
of the list behind it, access (leaders and the secretariat only), htmx drill-down, flat queries."""
import re

import pytest

from portal.dashboard import figures as F
from portal.dashboard import sources
from portal.extensions import db
from portal.timeutil import today
from tests.reports_seed import (EXPECTED, EXPECTED_FINDINGS, EXPECTED_PERSON, EXPECTED_RATINGS,
                                seeded_round)
from tests.rounds_factory import make_round, person
from tests.support import HTMX, count_queries, login_as


def _drill_count(client, url) -> int:
    response = client.get(url, headers=HTMX)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    assert "<html" not in html  # a fragment for htmx
    return html.count('class="drill-row"')


# -- figures (unit) ----------------------------------------------------------------------------
def test_round_totals_and_ratings(app):
    rnd = seeded_round()
    total = F.round_totals([rnd.id])[rnd.id]
    assert {k: getattr(total, k) for k in EXPECTED} == EXPECTED
    assert F.ratings(rnd.id) == EXPECTED_RATINGS
    assert total.pct("submitted") == 62  # 5 of 8


def test_progress_by_person_and_area(app):
    rnd = seeded_round()
    rows = {r.label: r for r in F.progress(rnd.id, "person")}
    for username, expected in EXPECTED_PERSON.items():
        label = person(username).full_name if username else F.UNASSIGNED
        assert {k: getattr(rows[label], k) for k in expected} == expected, username
    areas = F.progress(rnd.id, "area")
    assert sum(a.total for a in areas) == 8 and sum(a.late for a in areas) == 2
    assert areas[0].label.startswith("1.1")
    units = F.progress(rnd.id, "unit")
    assert sum(u.submitted for u in units) == 5
    assert units[-1].label == F.UNASSIGNED and units[-1].total == 1


def test_finding_figures_and_the_remedied_or_escalated_rule(app):
    rnd = seeded_round()
    fig = F.findings_for_year(rnd.year, today())
    got = {k: getattr(fig, k) for k in EXPECTED_FINDINGS if k != "rate"} | {"rate": fig.rate}
    assert got == EXPECTED_FINDINGS


class _R:
    def __init__(self, status, confirmed=None):
        self.status, self.confirmed_at = status, confirmed


class _F:
    def __init__(self, *remedies):
        self.remedies = list(remedies)


@pytest.mark.parametrize("remedies, settled", [
    ([], False),
    ([_R("done", "x")], True),
    ([_R("done")], False),                      # done but not confirmed by the team
    ([_R("escalated")], True),
    ([_R("escalated"), _R("done", "x")], True),
    ([_R("escalated"), _R("doing")], False),
    ([_R("todo")], False),
])
def test_finding_settled_rule(remedies, settled):
    assert F.finding_settled(_F(*remedies)) is settled


def test_no_findings_means_no_rate(app):
    assert F.finding_figures([], today()).rate is None


# -- the numbers match the lists behind them (HTTP) ----------------------------------------------
def test_every_dashboard_number_matches_its_list(app):
    rnd = seeded_round()
    client = login_as(app, "chutich")
    page = client.get(f"/bang-dieu-khien/?dot={rnd.id}").get_data(as_text=True)
    assert "Đợt thử số liệu" in page
    checked = 0
    for dimension in F.DIMENSIONS:
        for row in F.progress(rnd.id, dimension):
            key = row.key if row.key is not None else "none"
            for measure in F.MEASURES:
                url = f"/bang-dieu-khien/chi-tiet?loai=bao-cao&dot={rnd.id}&theo={dimension}&ma={key}&chi_so={measure}"
                assert _drill_count(client, url) == getattr(row, measure), (dimension, row.label, measure)
                checked += 1
            # the drill link of the bar is on the page
            assert f"theo={dimension}&amp;ma={key}" in page
    assert checked >= 3 * 2 * len(F.MEASURES)
    for rating, expected in EXPECTED_RATINGS.items():
        assert _drill_count(client, f"/bang-dieu-khien/chi-tiet?loai=bao-cao&dot={rnd.id}&danh_gia={rating}") == expected
    year = rnd.year
    for which, key in (("all", "total"), ("open", "open"), ("overdue", "overdue"), ("settled", "settled")):
        assert _drill_count(client, f"/bang-dieu-khien/chi-tiet?loai=ton-tai&nam={year}&loc={which}") == \
            EXPECTED_FINDINGS[key]
    for which, key in (("open", "remedies_open"), ("overdue", "remedies_overdue")):
        assert _drill_count(client, f"/bang-dieu-khien/chi-tiet?loai=bien-phap&nam={year}&loc={which}") == \
            EXPECTED_FINDINGS[key]


def test_dashboard_page_shows_the_figures_and_charts(app):
    rnd = seeded_round()
    html = login_as(app, "vhxh.ha").get(f"/bang-dieu-khien/?dot={rnd.id}").get_data(as_text=True)
    assert "5/8" in html  # reports submitted
    assert "33%" in html  # remedied or escalated
    assert html.count("<svg") >= 10 and "Xem số liệu" in html
    assert 'hx-target="#dash-drill"' in html
    # each chart's numbers are also in a table
    assert re.search(r"<table class=\"table compact\">\s*<caption class=\"sr-only\">Lĩnh vực", html)


def test_the_current_round_is_the_one_under_way(app):
    rnd = F.current_round()
    assert rnd is not None and rnd.state in ("open", "review")
    html = login_as(app, "chutich").get("/bang-dieu-khien/").get_data(as_text=True)
    assert rnd.name in html


def test_round_comparison_and_year_comparison(app):
    rnd = F.current_round()
    periods = F.compare_rounds(rnd)
    assert len(periods) == 2 and periods[0].label.startswith("Đợt 1")
    assert periods[0].counts.total == periods[1].counts.total
    years = F.compare_years(rnd.year, today())
    assert [p.label for p in years] == [f"Năm {rnd.year - 1}", f"Năm {rnd.year}"]
    assert years[0].rounds == 0 and years[1].rounds == 2


def test_iso_and_adhoc_panels_show_the_demo_year(app):
    from portal.adhoc.models import AdhocEntry
    from portal.iso.checks import compliance_by_period

    iso = sources.iso_compliance(2026)
    year_row = compliance_by_period(2026)[-1]
    assert iso[-1]["rate"] == round(year_row["rate"] * 100, 1) and iso[-1]["conforming"] == year_row["ok"]
    adhoc = sources.adhoc_by_subject(2026)
    assert sum(r["count"] for r in adhoc) == db.session.scalar(
        db.select(db.func.count(AdhocEntry.id)).where(AdhocEntry.year == 2026))
    html = login_as(app, "chutich").get("/bang-dieu-khien/").get_data(as_text=True)
    assert 'id="panel-iso"' in html and 'id="panel-adhoc"' in html
    assert sources.iso_compliance(2031) is None and sources.adhoc_by_subject(2031) is None


def test_iso_and_adhoc_panels_shown_when_sources_answer(app, monkeypatch):
    monkeypatch.setattr(sources, "iso_compliance", lambda year: [{"label": "Quý III", "rate": 92.5}])
    monkeypatch.setattr(sources, "adhoc_by_subject", lambda year: [{"subject": "Kỷ luật, kỷ cương", "count": 3}])
    html = login_as(app, "chutich").get("/bang-dieu-khien/").get_data(as_text=True)
    assert 'id="panel-iso"' in html and "Quý III" in html
    assert 'id="panel-adhoc"' in html and "Kỷ luật, kỷ cương" in html


# -- access and bad input -----------------------------------------------------------------------
DASH_URLS = ["/bang-dieu-khien/", "/bang-dieu-khien/chi-tiet?loai=bao-cao&theo=area&ma=1",
             "/bang-dieu-khien/chi-tiet?loai=ton-tai&nam=2026&loc=open",
             "/bang-dieu-khien/chi-tiet?loai=bien-phap&nam=2026&loc=overdue"]


@pytest.mark.parametrize("url", DASH_URLS)
@pytest.mark.parametrize("username, status", [
    ("chutich", 200), ("phochutich", 200), ("vhxh.ha", 200), ("admin", 200),
    ("vp.thu", 403), ("kt.lan", 403), ("vp.viet", 403), ("kt.duc", 403),
])
def test_who_may_open_the_dashboard(app, url, username, status):
    assert login_as(app, username).get(url).status_code == status


def test_anonymous_is_sent_to_login(client):
    assert client.get("/bang-dieu-khien/").status_code == 302


@pytest.mark.parametrize("query", ["loai=x", "loai=bao-cao&theo=bogus", "loai=bao-cao&chi_so=bogus",
                                   "loai=ton-tai&loc=bogus", "loai=bien-phap&loc=all", "loai=bao-cao&dot=999"])
def test_bad_drill_parameters_answer_404_not_500(app, query):
    response = login_as(app, "chutich").get(f"/bang-dieu-khien/chi-tiet?{query}")
    assert response.status_code == 404
    assert "không" in response.get_data(as_text=True).lower()


def test_unknown_round_is_404(app):
    assert login_as(app, "chutich").get("/bang-dieu-khien/?dot=999").status_code == 404


def test_drill_without_htmx_is_a_whole_page(app):
    html = login_as(app, "chutich").get("/bang-dieu-khien/chi-tiet?loai=bao-cao&danh_gia=dat").get_data(as_text=True)
    assert "<html" in html and "Về bảng điều khiển" in html


# -- query count stays flat ---------------------------------------------------------------------
def test_dashboard_query_count_is_flat(app):
    small = make_round(count=3, name="Đợt nhỏ")
    big = F.current_round()  # the demo's Đợt 2: every criterion of the catalogue
    client = login_as(app, "chutich")
    client.get("/bang-dieu-khien/")  # warm-up (settings row, session)
    few = count_queries(client, f"/bang-dieu-khien/?dot={small.id}")
    many = count_queries(client, f"/bang-dieu-khien/?dot={big.id}")
    assert F.round_totals([big.id])[big.id].total > 20 * F.round_totals([small.id])[small.id].total
    assert many <= few + 2, (few, many)  # one more: the previous round of the comparison
    db.session.rollback()


def test_leaders_home_page_shows_the_round_at_a_glance(app):
    rnd = F.current_round()
    t = F.round_totals([rnd.id])[rnd.id]
    html = login_as(app, "chutich").get("/").get_data(as_text=True)
    assert 'id="leader-glance"' in html and f"{t.submitted}/{t.total}" in html and rnd.name in html
    assert 'id="leader-glance"' not in login_as(app, "vp.thu").get("/").get_data(as_text=True)


def test_every_number_shown_on_the_page_equals_the_rows_of_its_link(app):
    """Read the page as a user would: every drill-down link whose text is a number must open a
    list with exactly that many rows."""
    import html as html_lib

    rnd = seeded_round()
    client = login_as(app, "chutich")
    page = client.get(f"/bang-dieu-khien/?dot={rnd.id}").get_data(as_text=True)
    links = re.findall(r'<a href="(/bang-dieu-khien/chi-tiet\?[^"]+)"[^>]*>\s*(\d+)\s*</a>', page)
    assert len(links) >= 50  # 6 measures × (2 areas + 2 units + 3 people), 4 ratings, 6 findings figures
    for href, shown in links:
        assert _drill_count(client, html_lib.unescape(href)) == int(shown), href
