"""Pages whose lists grow with the year's findings cost the same number of SQL queries with 100
more findings (each with remedies) as with the demo's handful."""
from datetime import date

import pytest

from portal.accounts.services import find_user
from portal.extensions import db
from portal.findings.models import Finding, Remedy
from tests.support import HTMX, count_queries, login_as


def _add_findings(n):
    owner = find_user("tt.tam")
    for i in range(n):
        finding = Finding(source="higher", year=2026, found_on=date(2026, 3, 1), source_ref=f"CV {i}",
                          description=f"Tồn tại thử {i}", unit_id=owner.unit_id, person_id=owner.id)
        finding.remedies = [Remedy(action="Khắc phục", owner_id=owner.id, deadline=date(2026, 4, 1)),
                            Remedy(action="Báo cáo", owner_id=owner.id, deadline=date(2026, 12, 31),
                                   status="doing")]
        db.session.add(finding)
    db.session.commit()


@pytest.mark.parametrize("username,url", [
    ("vhxh.nhung", "/"), ("chutich", "/"), ("tt.tam", "/"),
    ("vhxh.nhung", "/ton-tai/"), ("vhxh.nhung", "/ton-tai/?trang_thai=all"), ("chutich", "/bang-dieu-khien/"),
])
def test_query_count_is_flat_as_findings_grow(app, username, url):
    client = login_as(app, username)
    _add_findings(20)  # every panel and list has rows to show, so what follows measures growth
    client.get(url)  # warm-up: first-request work (settings row, caches) is not what we measure
    db.session.remove()  # each measured request starts with an empty session, as in production
    before = count_queries(client, url)
    _add_findings(100)
    db.session.remove()
    after = count_queries(client, url)
    assert after == before, (url, before, after)


# -- every main page, at the demo ward's size and at ten times it ---------------------------------
MAX_QUERIES = 15
# a page listed with this ending is asked for as htmx asks (HX-Request): the fragment alone
HX_SUFFIX = "#htmx"


def _main_pages():
    """(user, url) of every main page, on the demo ward's records."""
    from sqlalchemy import select

    from portal.adhoc.models import AdhocEntry
    from portal.iso.models import SampleCheck
    from portal.rounds.models import Report, Round

    rnd = db.session.scalar(select(Round).where(Round.state != "closed").order_by(Round.start_on.desc()))
    report = db.session.scalar(select(Report).where(Report.round_id == rnd.id).order_by(Report.id))
    check = db.session.scalar(select(SampleCheck.id).order_by(SampleCheck.id))
    entry = db.session.scalar(select(AdhocEntry.id).order_by(AdhocEntry.id))
    finding, remedy = db.session.execute(select(Finding.id, Remedy.id).join(Finding.remedies)
                                         .order_by(Finding.id, Remedy.id)).first()
    return [
        ("vhxh.nhung", "/"), ("chutich", "/"), ("vp.thu", "/"), ("vp.viet", "/"),
        ("chutich", "/bang-dieu-khien/"),
        ("vhxh.nhung", "/bo-noi-dung/"),
        ("vhxh.nhung", "/phan-cong/"), ("vp.thu", "/phan-cong/cua-toi"),
        ("vhxh.nhung", "/dot-kiem-tra/"), ("vhxh.nhung", f"/dot-kiem-tra/{rnd.id}"),
        ("vhxh.nhung", f"/dot-kiem-tra/{rnd.id}/tham-dinh"), ("vp.thu", f"/dot-kiem-tra/{rnd.id}/cua-toi"),
        ("vhxh.nhung", f"/dot-kiem-tra/bao-cao/{report.id}"),
        ("vhxh.nhung", "/ton-tai/"), ("vhxh.nhung", f"/ton-tai/{finding}"),
        ("vhxh.nhung", "/kiem-tra-dot-xuat/"), ("vhxh.nhung", f"/kiem-tra-dot-xuat/{entry}"),
        ("vhxh.nhung", "/iso/boc-mau/"), ("vhxh.nhung", f"/iso/boc-mau/{check}"), ("vhxh.nhung", "/iso/quy-trinh/"),
        ("vhxh.nhung", "/thong-bao/"),
        ("vhxh.nhung", "/bao-cao-ket-qua/"), ("vhxh.nhung", f"/bao-cao-ket-qua/dot/{rnd.id}"),
        ("admin", "/quan-tri/nguoi-dung"),
        # not the change log (/nhat-ky/): it names the records of the page's entries, one query
        # per kind of record shown, so its count follows the mix of kinds on the page, not the size
    ] + [
        # the record pages' change-history panels: as they load when opened (htmx), and as the
        # page their link opens without JavaScript
        ("vhxh.nhung", url + asked) for url in (
            f"/dot-kiem-tra/bao-cao/{report.id}/lich-su", f"/ton-tai/{finding}/lich-su",
            f"/ton-tai/bien-phap/{remedy}/lich-su", f"/kiem-tra-dot-xuat/{entry}/lich-su",
            f"/iso/boc-mau/{check}/lich-su")
        for asked in (HX_SUFFIX, "")
    ]


def _get(client, url, count=False):
    path, htmx = url.removesuffix(HX_SUFFIX), url.endswith(HX_SUFFIX)
    headers = HTMX if htmx else {}
    return count_queries(client, path, headers=headers) if count else client.get(path, headers=headers)


def _counts(clients, pages):
    out = {}
    for user, url in pages:
        db.session.remove()  # each request starts with an empty session, as in production
        out[(user, url)] = _get(clients[user], url, count=True)
    return out


def test_every_main_page_within_15_queries_the_same_at_1x_and_10x(app):
    """The 10× ward comes from the benchmark's own builder: criteria, assignments, reports (with
    reviews), findings and remedies, ad-hoc entries, ISO sample checks, notifications and the
    change log all ten times over."""
    from benchmarks.scale import scale_up

    pages = _main_pages()
    db.session.commit()
    clients = {user: login_as(app, user) for user in {u for u, _ in pages}}
    for user, url in pages:  # warm-up: first-request work is not what we measure
        _get(clients[user], url)
    small = _counts(clients, pages)
    sizes = scale_up(10)
    assert sizes["report"] >= 10 * 130 and sizes["criterion"] == 690 and sizes["assignment"] >= 600
    assert min(sizes[t] for t in ("finding", "adhoc_entry", "sample_check", "notification")) >= 10
    big = _counts(clients, pages)
    problems = [(page, small[page], big[page]) for page in pages
                if small[page] != big[page] or big[page] > MAX_QUERIES]
    assert problems == [], problems
