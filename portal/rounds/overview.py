"""The round page at a glance without loading the round's reports: one light row per report
(columns only, no ORM objects), from which the page draws its progress per area and unit, its
scores, what blocks closing and who is not yet in charge of what. At ten times the demo ward a
round has 660 reports; loading them as objects with their criteria, people and reviews was most
of the page's time (80 of its 90 ms).

A row reads the report's criterion as the round judged it: the frozen copy once the round has
opened (Report.item), else the live catalogue row."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import bindparam, case, select
from sqlalchemy.orm import aliased

from portal.accounts.models import Unit, User
from portal.catalogue.models import Area, Criterion
from portal.extensions import db

from .decisions import blocker_reason
from .models import RATINGS, REPORT_STATES, REPORT_STATUSES, Report, Review, Round, RoundCriterion
from .progress import Progress, _report_options, area_progress, filter_reports, phase_of, unit_progress
from .scoring import ScoreLine, ScoreTotal, score_totals


class Line(NamedTuple):
    id: int
    criterion_id: int
    code: str
    area_id: int | None
    area_code: str
    area_label: str
    unit_id: int | None
    unit_name: str | None
    author_id: int | None
    author_name: str | None
    state: str
    status: str
    late: bool
    rating: str | None
    self_score: Decimal | None
    appraised_score: Decimal | None
    max_points: Decimal | None
    phase: str  # progress.report_phase


_phase = attrgetter("phase")


class BlockerLine(NamedTuple):
    line: Line
    reason: str
    hint: str


def _item(frozen_column, live_column):
    """The criterion's column as Report.item reads it: the round's frozen copy when there is one."""
    return case((RoundCriterion.id.is_not(None), frozen_column), else_=live_column)


def _from_reports(stmt, round_id: int):
    """Join a select over Report to its criterion as the round judged it, in catalogue order."""
    return (stmt.join(Criterion, Criterion.id == Report.criterion_id).join(Area, Area.id == Criterion.area_id)
            .outerjoin(RoundCriterion, (RoundCriterion.round_id == Report.round_id)
                       & (RoundCriterion.criterion_id == Report.criterion_id))
            .where(Report.round_id == round_id).order_by(Area.position, Criterion.position, Report.id))


@cache
def _author():
    """An alias of User made once (one costs more to make than the query takes to run), when
    first used: making one configures the mappers, which needs every model imported."""
    return aliased(User, name="author")


def sent_choices(round_id: int) -> list:
    """(id, code, author's name) of a round's sent reports, in catalogue order: light rows for a
    picker (the results page's good-practice mark)."""
    author = _author()
    stmt = select(Report.id, _item(RoundCriterion.code, Criterion.code).label("code"),
                  author.full_name.label("author"))
    return db.session.execute(_from_reports(stmt, round_id).outerjoin(author, author.id == Report.author_id)
                              .where(Report.state.in_(("submitted", "clarify")))).all()


class QueueLine(NamedTuple):
    """One row of the review queue; reads like a Report (and its review) to the badge macros."""
    id: int
    code: str
    text: str
    levels: list | None
    author_id: int | None
    author_name: str | None
    unit_short_name: str | None
    status: str
    state: str
    late: bool
    rating: str | None

    @property
    def level_label(self) -> str:
        return " › ".join(self.levels or [])

    @property
    def status_label(self) -> str:
        return REPORT_STATUSES.get(self.status, "Chưa chọn")

    @property
    def state_label(self) -> str:
        return REPORT_STATES.get(self.state, self.state)

    @property
    def rating_label(self) -> str:
        return RATINGS.get(self.rating or "", "")


def queue_select(round_id: int, **filters):
    """The review queue as light rows (QueueLine), filtered, in catalogue order: a page of them
    costs a third of the same page of Report objects with their criteria, people and reviews."""
    author = _author()
    stmt = select(Report.id, _item(RoundCriterion.code, Criterion.code), _item(RoundCriterion.text, Criterion.text),
                  RoundCriterion.level_path, Report.author_id, author.full_name, Unit.short_name, Report.status,
                  Report.state, Report.late, Review.rating)
    stmt = (_from_reports(stmt, round_id).outerjoin(Review, Review.report_id == Report.id)
            .outerjoin(author, author.id == Report.author_id).outerjoin(Unit, Unit.id == Report.unit_id))
    return filter_reports(stmt, **filters)


@cache
def _lines_select():
    """round_lines' select, made once with the round as a parameter: building it each time cost
    a tenth of reading a round of 660 reports."""
    author = _author()
    stmt = select(
        Report.id, Report.criterion_id, _item(RoundCriterion.code, Criterion.code), _item(RoundCriterion.area_id, Criterion.area_id),
        _item(RoundCriterion.area_code, Area.code),
        _item(RoundCriterion.area_code + ". " + RoundCriterion.area_name, Area.code + ". " + Area.name),
        Report.unit_id, Unit.name, Report.author_id, author.full_name, Report.state, Report.status, Report.late,
        Review.rating, Report.self_score, Review.appraised_score,
        _item(RoundCriterion.max_points, Criterion.max_points))
    return (_from_reports(stmt, bindparam("round_id")).outerjoin(Review, Review.report_id == Report.id)
            .outerjoin(author, author.id == Report.author_id).outerjoin(Unit, Unit.id == Report.unit_id))


def round_lines(round_id: int) -> list[Line]:
    """One row per report of the round, in catalogue order (one query). Columns only, so the
    session's connection runs it as a plain Core select: the ORM's result wrapping would add a
    fifth for nothing (no objects come back)."""
    db.session.flush()  # as session.execute would: changes not yet written are part of the answer
    rows = db.session.connection().execute(_lines_select(), {"round_id": round_id})
    return [Line(*row, phase_of(row[8], row[10], row[13])) for row in rows]


@dataclass
class Overview:
    lines: list[Line]

    @property
    def areas(self) -> list[Progress]:
        return area_progress(self.lines, key=lambda x: (x.area_id, x.area_label), phase=_phase)

    @property
    def units(self) -> list[Progress]:
        return unit_progress(self.lines, key=lambda x: (x.unit_id, x.unit_name), phase=_phase)

    def scores(self) -> dict | None:
        """Self and appraised points per area code and overall (round_scores), when any counts."""
        if all(x.max_points is None for x in self.lines):
            return None
        out = {}
        for name, appraised in (("own", False), ("appraised", True)):
            areas, total = _totals(self.lines, appraised)
            out[name + "_areas"], out[name] = areas, total
        return out

    @property
    def blockers(self) -> list[BlockerLine]:
        """What keeps the round from closing (decisions.close_blockers), in catalogue order."""
        out = []
        for x in self.lines:
            why = blocker_reason(x.author_id, x.state, x.rating)
            if why:
                out.append(BlockerLine(x, *why))
        return out

    @property
    def unassigned_codes(self) -> list[str]:
        return [x.code for x in self.lines if x.author_id is None]

    def in_area(self, area_id: int) -> list[Line]:
        return [x for x in self.lines if x.area_id == area_id]


def _totals(lines: list[Line], appraised: bool) -> tuple[dict[str, ScoreTotal], ScoreTotal]:
    return score_totals([ScoreLine(area=x.area_code, max_points=x.max_points,
                                   score=x.appraised_score if appraised else x.self_score,
                                   not_applicable=x.status == "na") for x in lines])


def overview(rnd: Round) -> Overview:
    return Overview(round_lines(rnd.id))


def reports_by_id(ids: list[int]) -> list[Report]:
    """The reports of one page of rows, loaded for display, in the order given."""
    found = {r.id: r for r in db.session.scalars(
        select(Report).where(Report.id.in_(ids)).options(*_report_options())).unique()}
    return [found[i] for i in ids if i in found]
