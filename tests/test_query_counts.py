"""Pages whose lists grow with the year's findings cost the same number of SQL queries with 100
more findings (each with remedies) as with the demo's handful."""
from datetime import date

import pytest

from portal.accounts.services import find_user
from portal.extensions import db
from portal.findings.models import Finding, Remedy
from tests.support import count_queries, login_as


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
