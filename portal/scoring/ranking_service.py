"""Reading the year's rounds into the ranking, the secretariat's setup and the team's decisions."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import Unit, User
from portal.audit.recorder import log_event
from portal.extensions import db
from portal.text import clean
from portal.timeutil import now_utc

from .models import LEVELS, RankingDecision, RankingRoundWeight, RankingSetup
from .ranking import Contribution, RankRow, criterion_pct, rank


class RankingError(ValueError):
    """A refusal with a Vietnamese message."""


def year_rounds(year: int):
    from portal.rounds.models import Round

    return list(db.session.scalars(select(Round).where(Round.year == year, Round.state != "draft")
                                   .order_by(Round.start_on, Round.id)))


def setup_for(year: int) -> RankingSetup:
    """The year's setup; a new one (not yet saved) weighs every round 1."""
    setup = db.session.scalar(select(RankingSetup).where(RankingSetup.year == year))
    if setup is None:
        setup = RankingSetup(year=year, coordinator_weight=Decimal("0.5"), excellent_from=Decimal(90),
                             good_from=Decimal(70), done_from=Decimal(50))
    return setup


def round_weights(setup: RankingSetup, rounds) -> dict[int, Decimal]:
    saved = {w.round_id: w.weight for w in setup.weights}
    return {r.id: saved.get(r.id, Decimal(1)) for r in rounds}


def contributions(rounds) -> tuple[list[Contribution], list[Contribution]]:
    """(per person, per unit): each counted report once per lead and per coordinator."""
    from portal.assignments.models import Assignment
    from portal.rounds.models import Report

    ids = [r.id for r in rounds]
    if not ids:
        return [], []
    reports = db.session.scalars(select(Report).where(Report.round_id.in_(ids))
                                 .options(joinedload(Report.criterion), joinedload(Report.review))).all()
    crit_ids = {r.criterion_id for r in reports}
    coordinators = {a.criterion_id: a.coordinators for a in db.session.scalars(
        select(Assignment).where(Assignment.criterion_id.in_(crit_ids))
        .options(selectinload(Assignment.coordinators))) } if crit_ids else {}
    people, units = [], []
    for report in reports:
        pct = criterion_pct(report)
        if pct is None:
            continue
        if report.author_id:
            people.append(Contribution(report.author_id, report.round_id, pct, "lead"))
        if report.unit_id:
            units.append(Contribution(report.unit_id, report.round_id, pct, "lead"))
        for c in coordinators.get(report.criterion_id, ()):
            if c.person_id and c.person_id != report.author_id:
                people.append(Contribution(c.person_id, report.round_id, pct, "coordinator"))
            if c.unit_id and c.unit_id != report.unit_id:
                units.append(Contribution(c.unit_id, report.round_id, pct, "coordinator"))
    return people, units


@dataclass
class Ranking:
    year: int
    setup: RankingSetup
    rounds: list
    weights: dict[int, Decimal]
    persons: list[RankRow]
    units: list[RankRow]
    names: dict[tuple[str, int], str]
    unit_of: dict[int, str]
    decisions: dict[tuple[str, int], RankingDecision]

    def final(self, subject: str, row: RankRow) -> str:
        d = self.decisions.get((subject, row.subject_id))
        return d.level if d else ""


def ranking(year: int) -> Ranking:
    setup = setup_for(year)
    rounds = year_rounds(year)
    weights = round_weights(setup, rounds)
    people, units = contributions(rounds)
    thresholds = (setup.excellent_from, setup.good_from, setup.done_from)
    persons = rank(people, weights, setup.coordinator_weight, thresholds)
    unit_rows = rank(units, weights, setup.coordinator_weight, thresholds)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r.subject_id for r in persons]))
                                                 .options(joinedload(User.unit)))}
    unit_objs = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_([r.subject_id for r in unit_rows])))}
    names = {("person", i): u.full_name for i, u in users.items()}
    names.update({("unit", i): u.name for i, u in unit_objs.items()})
    unit_of = {i: (u.unit.short_name or u.unit.name) if u.unit else "" for i, u in users.items()}
    decisions = {(d.subject, d.subject_id): d for d in db.session.scalars(
        select(RankingDecision).where(RankingDecision.year == year))}
    return Ranking(year, setup, rounds, weights, persons, unit_rows, names, unit_of, decisions)


def _decimal(raw, what: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise RankingError(f"{what} phải là một số.") from None
    if not low <= value <= high:
        raise RankingError(f"{what} phải từ {low} đến {high}.")
    return value.quantize(Decimal("0.01"))


def save_setup(year: int, data: dict, rounds, user) -> RankingSetup:
    """The secretariat's weights and thresholds. Raises RankingError (Vietnamese)."""
    setup = setup_for(year)
    if setup.id is None:
        db.session.add(setup)
    setup.coordinator_weight = _decimal(data.get("he_so_phoi_hop"), "Hệ số phối hợp", Decimal(0), Decimal(1))
    excellent = _decimal(data.get("xuat_sac"), "Ngưỡng hoàn thành xuất sắc", Decimal(0), Decimal(100))
    good = _decimal(data.get("tot"), "Ngưỡng hoàn thành tốt", Decimal(0), Decimal(100))
    done = _decimal(data.get("hoan_thanh"), "Ngưỡng hoàn thành", Decimal(0), Decimal(100))
    if not excellent > good > done:
        raise RankingError("Các ngưỡng phải giảm dần: xuất sắc > tốt > hoàn thành.")
    setup.excellent_from, setup.good_from, setup.done_from = excellent, good, done
    existing = {w.round_id: w for w in setup.weights}
    for rnd in rounds:
        weight = _decimal(data.get(f"trong_so_{rnd.id}", "1"), f"Trọng số của {rnd.name}", Decimal(0), Decimal(100))
        row = existing.get(rnd.id)
        if row is None:
            setup.weights.append(RankingRoundWeight(round_id=rnd.id, weight=weight))
        else:
            row.weight = weight
    db.session.flush()
    log_event(db.session, setup, "ranking_setup", {"year": year})
    return setup


def decide(year: int, subject: str, subject_id: int, level: str, reason: str, proposed: str, user,
           version=None) -> RankingDecision:
    """Confirm the proposed level (reason optional) or set another (reason required)."""
    from portal.web.concurrency import check_version

    if subject not in ("person", "unit"):
        raise RankingError("Đối tượng xếp loại không hợp lệ.")
    if level not in LEVELS:
        raise RankingError("Vui lòng chọn một mức xếp loại.")
    reason = clean(reason)[:2000]
    if level != proposed and not reason:
        raise RankingError("Mức xếp loại khác mức đề xuất: vui lòng ghi lý do.")
    decision = db.session.scalar(select(RankingDecision).where(
        RankingDecision.year == year, RankingDecision.subject == subject, RankingDecision.subject_id == subject_id))
    if decision is None:
        decision = RankingDecision(year=year, subject=subject, subject_id=subject_id)
        db.session.add(decision)
    elif version is not None:
        check_version(decision, version)
    decision.level, decision.reason, decision.proposed = level, reason, proposed
    decision.decided_by_id, decision.decided_at = user.id, now_utc()
    db.session.flush()
    return decision
