"""A page at a time: of a select (the database counts), or of rows a page has loaded anyway
for its figures (no second query). Both give the same object the shared pager macro reads."""
from math import ceil

from flask import request
from sqlalchemy import func, select
from flask_sqlalchemy.pagination import Pagination, SelectPagination

from portal.extensions import db
from portal.web.params import db_int

PER_PAGE = 50


def page_number(param: str = "page") -> int:
    """?page= as a number ≥ 1; a bad value is page 1, never an error."""
    try:
        return max(1, db_int(request.args.get(param, 1)))
    except ValueError:
        return 1


def paginate(stmt, per_page: int = PER_PAGE, param: str = "page", total: int | None = None, make=None):
    """A page of a select; a bad ?page= falls back to page 1 instead of an error. `total`: the
    number of rows when the page has counted them already (no count query). `make`: the select
    is of columns, not of one model; each row of the page becomes make(row) (light rows)."""
    if total is None:
        page = _page(stmt, page_number(param), per_page, make, count=True)
        if page.page > page.pages >= 1:  # past the end (an old link, a shrunk list): the last page
            return paginate(stmt, per_page, param, total=page.total, make=make)
        return page
    number = min(page_number(param), max(1, ceil(total / per_page)))  # past the end: the last page
    page = _page(stmt, number, per_page, make, count=False)
    page.total = total
    return page


class RowPagination(SelectPagination):
    """A page of a select of columns: rows, each made into make(row)."""

    def _query_items(self):
        stmt = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        make = self._query_args["make"]
        return [make(row) for row in self._query_args["session"].execute(stmt)]

    def _query_count(self) -> int:
        sub = self._query_args["select"].order_by(None).subquery()
        return self._query_args["session"].execute(select(func.count()).select_from(sub)).scalar()


def _page(stmt, number: int, per_page: int, make, count: bool):
    if make is None:
        return db.paginate(stmt, page=number, per_page=per_page, error_out=False, count=count)
    return RowPagination(select=stmt, session=db.session(), make=make, page=number, per_page=per_page,
                         error_out=False, count=count)


class ListPagination(Pagination):
    def _query_items(self):
        rows = self._query_args["rows"]
        return list(rows[self._query_offset:self._query_offset + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def paginate_list(rows, per_page: int = PER_PAGE, param: str = "page") -> ListPagination:
    """A page of a list; a page number past the end shows the last page."""
    last = max(1, ceil(len(rows) / per_page))
    return ListPagination(page=min(page_number(param), last), per_page=per_page, error_out=False, rows=rows)
