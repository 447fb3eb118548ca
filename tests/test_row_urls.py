"""portal.web.urls.row_url: a list's row links built once must equal url_for for every row."""
import pytest
from flask import url_for

from portal.web.urls import row_url


@pytest.mark.parametrize("endpoint, key, values", [
    ("assignments.detail", "criterion_id", {}),
    ("assignments.edit", "criterion_id", {}),
    ("rounds.report", "report_id", {}),
    ("dashboard.drill", "dot", {"loai": "bao-cao", "theo": "area", "nhan": "Cải cách thể chế & TTHC"}),
])
def test_row_url_equals_url_for(app, endpoint, key, values):
    with app.test_request_context("/"):
        make = row_url(endpoint, key, **values)
        for value in (1, 7, 42, 987654, 10**12 + 3):
            assert make(value) == url_for(endpoint, **values, **{key: value})


def test_row_url_is_built_once_a_request(app):
    with app.test_request_context("/"):
        assert row_url("rounds.report", "report_id") is row_url("rounds.report", "report_id")
        assert row_url("rounds.report", "report_id") is not row_url("assignments.edit", "criterion_id")
    with app.test_request_context("/"):  # a new request builds its own
        assert row_url("rounds.report", "report_id")(3) == "/dot-kiem-tra/bao-cao/3"


def test_row_url_takes_only_integers(app):
    with app.test_request_context("/"):
        make = row_url("assignments.detail", "criterion_id")
        assert make("12") == "/phan-cong/noi-dung/12"
        with pytest.raises(ValueError):
            make("12/../../xoa")
