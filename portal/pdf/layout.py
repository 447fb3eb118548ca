"""Pagination rule for xhtml2pdf (ReportLab): a heading kept with what follows must not push a
long table to the next page when there is room to start it here.

ReportLab groups a keep-with-next heading and the next flowable into a KeepTogether, which moves
the whole group to a new page whenever it does not fit in the remaining space, leaving most of a
page blank before every long table (seen in the minutes and the evaluation sheet). With room for
the heading, the header row and a few rows, the table starts where it is, splits and repeats its
header; only a heading near the foot of a page still moves on with its table.

LAYOUT_PROGRESS: while set (render_pdf's on_progress), ReportLab tells it how far the layout of
the story has gone (its progress callback: SIZE_EST, then PROGRESS per top-level flowable)."""
from __future__ import annotations

import functools
from contextvars import ContextVar

from reportlab.platypus.flowables import KeepTogether
from reportlab.platypus.tables import Table


class KeepHeadingWithTable(KeepTogether):
    ROOM = 150  # points: a heading, a header row and two or three body rows

    def split(self, aW, aH):
        last = self._content[-1] if self._content else None
        if isinstance(last, Table) and aH >= self.ROOM:
            return list(self._content)
        return super().split(aW, aH)


LAYOUT_PROGRESS: ContextVar = ContextVar("layout_progress", default=None)


@functools.cache
def install() -> None:
    from xhtml2pdf.xhtml2pdf_reportlab import PmlBaseDoc

    PmlBaseDoc._initArgs = dict(PmlBaseDoc._initArgs, keepTogetherClass=KeepHeadingWithTable)
    build = PmlBaseDoc.build

    def build_reporting(self, *args, **kwargs):
        hook = LAYOUT_PROGRESS.get()
        if hook is not None:
            self.setProgressCallBack(hook)
        return build(self, *args, **kwargs)

    PmlBaseDoc.build = build_reporting
