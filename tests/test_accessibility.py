"""Every page's form controls have a label, and its table headers say what they head.

Pages come from the URL map (ids filled with real demo ids, see test_robustness), so each new
page is covered as it lands; each is read as the secretariat, an inspector and staff.
"""
from html.parser import HTMLParser

import pytest

from tests.support import login_as
from tests.test_robustness import GET_RULES, _demo_ids, _url

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, dict]] = []  # (tag, attrs) needing a label
        self.headers_without_scope: list[str] = []
        self._label_depth = 0
        self._thead_depth = 0
        self._th: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and (a.get("type") or "text").lower() in UNLABELLED_TYPES:
                return
            if self._label_depth or a.get("aria-label") or a.get("aria-labelledby") or a.get("title"):
                return
            self.controls.append((tag, a))
        elif tag == "thead":
            self._thead_depth += 1
        elif tag == "th" and self._thead_depth and "scope" not in a:
            self._th = a
            self.headers_without_scope.append("")

    def handle_data(self, data):
        if self._th is not None:
            self.headers_without_scope[-1] += data.strip()

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth = max(0, self._label_depth - 1)
        elif tag == "thead":
            self._thead_depth = max(0, self._thead_depth - 1)
        elif tag == "th":
            self._th = None

    def unlabelled(self) -> list[str]:
        return [f"<{tag} name={a.get('name')!r} id={a.get('id')!r}>" for tag, a in self.controls
                if not (a.get("id") and a["id"] in self.label_for)]


def _audit_pages(app, username):
    client = login_as(app, username)
    ids = _demo_ids()
    for rule in GET_RULES:
        path = _url(rule, ids)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        audit = _Audit()
        audit.feed(response.get_data(as_text=True))
        yield path, audit


@pytest.mark.parametrize("username", ["vhxh.nhung", "vp.viet", "vp.thu", "admin"])
def test_every_form_control_has_a_label(app, username):
    missing = {path: audit.unlabelled() for path, audit in _audit_pages(app, username)}
    assert not {path: m for path, m in missing.items() if m}


@pytest.mark.parametrize("username", ["vhxh.nhung", "vp.thu"])
def test_every_column_header_has_a_scope(app, username):
    missing = {path: audit.headers_without_scope for path, audit in _audit_pages(app, username)}
    assert not {path: m for path, m in missing.items() if m}


def test_the_audit_sees_an_unlabelled_control():
    audit = _Audit()
    audit.feed('<label for="a">A</label><input id="a" name="a"><label>B <input name="b"></label>'
               '<input name="c" aria-label="C"><input type="hidden" name="d"><select name="e"></select>'
               '<table><thead><tr><th scope="col">x</th><th>y</th></tr></thead></table>')
    assert audit.unlabelled() == ["<select name='e' id=None>"]
    assert audit.headers_without_scope == ["y"]


@pytest.mark.parametrize("path", ["/bo-noi-dung/", "/phan-cong/", "/ton-tai/", "/kiem-tra-dot-xuat/",
                                  "/iso/quy-trinh/", "/quan-tri/nguoi-dung"])
def test_live_search_results_carry_an_announced_count(app, path):
    """A live filter form swaps its results in; the count they carry is what portal.js repeats
    in the page's persistent live region, so every such page needs one."""
    client = login_as(app, "admin")
    for headers in ({}, {"HX-Request": "true"}):
        html = client.get(path, query_string={"q": "a"}, headers=headers).get_data(as_text=True)
        assert 'class="count" aria-live="polite"' in html, (path, headers)
    assert 'role="search"' in client.get(path).get_data(as_text=True)


def test_year_picker_is_labelled_and_only_shown_with_a_choice(app):
    from flask import render_template_string

    template = '{% from "_macros.html" import year_picker %}{{ year_picker(years, 2026) }}'
    with app.test_request_context():
        assert render_template_string(template, years=[2026]).strip() == ""
        html = render_template_string(template, years=[2025, 2026])
    audit = _Audit()
    audit.feed(html)
    assert not audit.unlabelled() and 'value="2026" selected' in html and "<noscript>" in html
