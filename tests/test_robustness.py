"""No input gives a 500: every POST route of the URL map, fed hostile payloads by a manager and by
staff, answers with anything but a server error.

Routes come from the URL map, so each new form is covered as it lands. Ids are filled with real
demo ids where the argument name is known (else 1). The fields each route's forms really carry
are read from the demo pages (every GET page, as the secretariat and as the admin), so the
payloads reach the form code, not just the CSRF-free shell of the view.
"""
import io
import logging
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from tests.support import HTMX, login_as

_probe = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True, "SECRET_KEY": "x"})
POST_RULES = sorted(
    (rule for rule in _probe.url_map.iter_rules() if "POST" in rule.methods),
    key=lambda rule: rule.rule,
)
GET_RULES = [rule for rule in _probe.url_map.iter_rules()
             if "GET" in rule.methods and rule.endpoint != "static"
             and not re.search(r"\.(pdf|xlsx|yaml)$", rule.rule) and "/tep/" not in rule.rule]

LONG = "Ư" * 10_000
PAYLOADS = {
    "empty": None,  # no fields at all
    "long": LONG,
    "html": '<script>alert("x")</script><b onmouseover=alert(1)>&amp;',
    "bad-date": "31/02/2026",
    "not-a-number": "abc",
    "negative": "-5",
    "huge-number": "99999999999999999999999",
}
# Fields posted when no page shows a form for the route (e.g. a button only some states show).
GENERIC_FIELDS = ["id", "version", "status", "note", "comment", "text", "title", "name", "date",
                  "due_date", "unit_id", "user_id", "criterion_id", "year", "q", "action"]


def _demo_ids() -> dict[str, int]:
    from portal.accounts.models import Unit, User
    from portal.adhoc.models import AdhocEntry
    from portal.catalogue.models import Catalogue, Criterion
    from portal.evidence.models import StoredFile
    from portal.findings.models import Finding, Remedy, RemedyUpdate
    from portal.iso.models import Dossier, Holiday, Procedure, ProcedureStep, SampleCheck
    from portal.notifications.models import Notification
    from portal.rounds.models import Report, ReportDocument, Round

    models = {
        "round_id": Round.id, "report_id": Report.id, "file_id": StoredFile.id,
        "doc_id": ReportDocument.id, "check_id": SampleCheck.id, "dossier_id": Dossier.id,
        "step_id": ProcedureStep.id, "holiday_id": Holiday.id, "proc_id": Procedure.id,
        "entry_id": AdhocEntry.id, "criterion_id": Criterion.id, "unit_id": Unit.id,
        "user_id": User.id, "notification_id": Notification.id, "finding_id": Finding.id,
        "remedy_id": Remedy.id, "update_id": RemedyUpdate.id, "year": Catalogue.year,
    }
    return {name: db.session.scalar(select(func.max(col))) or 1 for name, col in models.items()}


def _url(rule, ids) -> str:
    return _probe.url_map.bind("localhost").build(
        rule.endpoint, {arg: ids.get(arg, 1) for arg in rule.arguments}, method="POST"
        if "POST" in rule.methods else "GET")


class _FormFields(HTMLParser):
    """Field names (and which are file inputs) of every POST form on a page, by form action."""

    def __init__(self, page_path):
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, dict[str, str]] = {}
        self._current = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._current = self.forms.setdefault(a.get("action") or self.page_path, {})
        elif tag in ("input", "select", "textarea", "button") and self._current is not None:
            name = a.get("name")
            if name and name != "csrf_token":
                self._current[name] = a.get("type") or tag

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


_FIELDS_BY_ENDPOINT: dict[str, dict[str, str]] = {}


def _fields_by_endpoint(app) -> dict[str, dict[str, str]]:
    """Crawl the GET pages once per session (every test starts from the same demo ward)."""
    if _FIELDS_BY_ENDPOINT:
        return _FIELDS_BY_ENDPOINT
    ids = _demo_ids()
    adapter = _probe.url_map.bind("localhost")
    for username in ("vhxh.nhung", "admin", "vp.thu"):
        client = login_as(app, username)
        for rule in GET_RULES:
            path = _url(rule, ids)
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response.content_type:
                continue
            parser = _FormFields(path)
            parser.feed(response.get_data(as_text=True))
            for action, fields in parser.forms.items():
                try:
                    endpoint, _ = adapter.match(urlsplit(action).path, method="POST")
                except Exception:  # an action outside the app, or not a POST route
                    continue
                _FIELDS_BY_ENDPOINT.setdefault(endpoint, {}).update(fields)
    return _FIELDS_BY_ENDPOINT


def _payload(fields: dict[str, str], value):
    if value is None:
        return {}
    data = {}
    for name, kind in fields.items():
        if kind == "file":
            data[name] = (io.BytesIO(b"%PDF-1.4 not really"), f"{value[:200]}.pdf")
        else:
            data[name] = value
    return data


@pytest.mark.parametrize("rule", POST_RULES, ids=lambda rule: rule.endpoint)
def test_no_input_gives_a_500(app, rule, caplog):
    fields = _fields_by_endpoint(app).get(rule.endpoint) or dict.fromkeys(GENERIC_FIELDS, "text")
    url = _url(rule, _demo_ids())
    failures = []
    # administration is the admin's alone: without them the payloads would stop at the 403
    admin = ("admin",) if rule.endpoint.startswith(("accounts.", "settings.")) else ()
    for username in ("vhxh.nhung", "vp.thu", *admin):
        client = login_as(app, username)
        for label, value in PAYLOADS.items():
            # htmx requests take other branches (fragments, 422s): worth a second pass for a few payloads
            for headers in ({}, HTMX) if label in ("empty", "long", "bad-date") else ({},):
                caplog.clear()
                with caplog.at_level(logging.ERROR):
                    response = client.post(url, data=_payload(fields, value), headers=headers,
                                           content_type="multipart/form-data")
                if response.status_code >= 500:
                    last = caplog.records[-1].exc_text.splitlines()[-1] if caplog.records and caplog.records[-1].exc_text else ""
                    failures.append((username, label, bool(headers), response.status_code, last))
                if rule.endpoint == "accounts.logout":
                    client = login_as(app, username)
    assert not failures, (url, sorted(fields), failures)


def test_the_crawl_found_the_forms(app):
    fields = _fields_by_endpoint(app)
    # A few forms every demo ward shows: without them the payloads would miss the form code.
    for endpoint in ("rounds.create", "findings.new", "adhoc.new", "iso.qt.procedure_new",
                     "accounts.user_new", "settings.edit"):
        assert fields.get(endpoint), endpoint
    assert len(POST_RULES) > 40


FILTER_NAMES = ["linh_vuc", "don_vi", "nguoi", "nam", "dot", "dot_xuat", "phien_ban", "trang_thai",
                "page", "q", "chua_phan_cong", "nguon", "han"]


@pytest.mark.parametrize("username", ["vhxh.nhung", "vp.thu"])
def test_no_query_string_gives_a_500(app, username):
    client = login_as(app, username)
    ids = _demo_ids()
    failures = []
    for rule in GET_RULES:
        for value in ("99999999999999999999999", "-5", "abc", LONG[:500], "<script>x</script>"):
            query = dict.fromkeys(FILTER_NAMES, value)
            response = client.get(_url(rule, ids), query_string=query)
            if response.status_code >= 500:
                failures.append((rule.rule, value[:20], response.status_code))
    assert not failures


def test_db_int_refuses_what_no_column_holds():
    from portal.web.params import db_int

    assert db_int(" 42 ") == 42 and db_int("-5") == -5 and db_int(2**31 - 1) == 2**31 - 1
    for bad in ("abc", "", "99999999999999999999999", 2**31, "1.5"):
        with pytest.raises(ValueError):
            db_int(bad)


def test_an_id_too_large_is_a_clear_error_not_a_500(app):
    client = login_as(app, "vhxh.nhung")
    response = client.post("/ton-tai/moi", data={"unit_id": "99999999999999999999999"})
    assert response.status_code == 422
    assert "Đơn vị" in response.get_data(as_text=True)


def test_a_huge_page_number_shows_the_first_page(app):
    client = login_as(app, "vhxh.nhung")
    response = client.get("/ton-tai/", query_string={"page": "99999999999999999999999"})
    assert response.status_code == 200


def test_editing_a_round_without_form_data_keeps_its_members(app):
    from portal.rounds.models import Round

    rnd = db.session.scalars(select(Round).where(Round.state != "closed")).first()
    members = {m.id for m in rnd.members}
    assert members, "the demo round should have members"
    client = login_as(app, "vhxh.nhung")
    response = client.post(f"/dot-kiem-tra/{rnd.id}/sua", data={})
    assert response.status_code < 500
    db.session.expire_all()
    assert {m.id for m in db.session.get(Round, rnd.id).members} == members
