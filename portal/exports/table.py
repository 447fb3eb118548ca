"""Every list page exports what it shows through one path.

A list view builds its rows with its usual query and filters, then hands them to
`export_if_asked(...)`: with ``?xuat=xlsx`` in the URL the same rows come back as an .xlsx file
(Vietnamese headers, widths, a frozen header row), otherwise the view renders its page as usual.
The page offers the download with the `export_link()` macro, which repeats the page's own URL
and filters, so the file always holds what the page shows, in the same order (all pages of it).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from flask import request

from portal.timeutil import to_local, today

from .xlsx import Sheet, build_workbook, xlsx_response

EXPORT_ARG, EXPORT_VALUE = "xuat", "xlsx"


@dataclass
class Column:
    header: str
    value: Callable[[object], object]  # row -> cell (str, number, date, datetime or None)
    width: float | None = None


@dataclass
class TableSpec:
    title: str  # sheet name and the heading's first line
    columns: Sequence[Column]
    rows: Iterable
    filename: str = ""
    subtitle: Sequence[str] = field(default_factory=tuple)  # e.g. the filters in words

    def sheet(self) -> Sheet:
        def cell(col, row):
            v = col.value(row)
            if isinstance(v, dt.datetime):
                return to_local(v).replace(tzinfo=None)  # Excel has no zones: Vietnam time
            return v

        return Sheet(
            title=self.title[:31],
            headers=[c.header for c in self.columns],
            rows=([cell(c, r) for c in self.columns] for r in self.rows),
            widths=[c.width for c in self.columns],
            heading=[self.title.upper(), *self.subtitle, f"Xuất ngày {today():%d/%m/%Y}"],
        )


def wants_export() -> bool:
    return request.args.get(EXPORT_ARG) == EXPORT_VALUE


def export_response(specs: TableSpec | Sequence[TableSpec], filename: str = ""):
    """One sheet per table (a page with several tables gives a workbook of several sheets)."""
    specs = [specs] if isinstance(specs, TableSpec) else list(specs)
    name = filename or specs[0].filename or specs[0].title
    return xlsx_response(build_workbook([s.sheet() for s in specs]), f"{name} {today():%d-%m-%Y}.xlsx")


def export_if_asked(spec_builder: Callable[[], TableSpec | Sequence[TableSpec]], filename: str = ""):
    """The .xlsx response when the URL asks for it, else None (the view renders its page)."""
    if not wants_export():
        return None
    return export_response(spec_builder(), filename)
