"""Rules of the catalogue: importing a year's criteria, and finding them."""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.text import phrase_filter

from .models import CATALOGUE_KINDS, DEFAULT_KIND, AdhocSubject, Area, AreaGroup, Catalogue, Criterion
from .specs import CatalogueSpec


def _references(table_name: str, row_id: int) -> int:
    """How many rows of other tables point at this one (so it must not be deleted)."""
    total = 0
    for table in db.metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name and fk.parent.table is not fk.column.table:
                if table.name in ("area", "area_group", "criterion", "catalogue", "adhoc_subject"):
                    continue  # the catalogue's own tree, rebuilt by the import itself
                total += db.session.scalar(
                    select(func.count()).select_from(table).where(fk.parent == row_id)
                )
    return total


def import_catalogue(spec: CatalogueSpec) -> tuple[Catalogue | None, list[str], dict]:
    """Create or update the year's catalogue from a validated spec, matching by code.

    Everything happens in the caller's transaction: on any error the caller rolls back, so a
    catalogue is never half imported. Criteria already used elsewhere (assignments, reports)
    are never deleted; an import that would drop one is refused with the reason.
    """
    stats = {"created": 0, "updated": 0, "removed": 0}
    errors: list[str] = []
    cat = catalogue_for_year(spec.year, spec.kind)
    if cat is None:
        cat = Catalogue(year=spec.year, kind=spec.kind, title=spec.title, source=spec.source)
        db.session.add(cat)
    cat.title, cat.source = spec.title, spec.source
    db.session.flush()

    areas = {a.code: a for a in cat.areas}
    groups = {g.code: g for a in cat.areas for g in a.groups}
    criteria = {c.code: c for c in db.session.scalars(
        select(Criterion).where(Criterion.catalogue_id == cat.id))}
    kept_areas, kept_groups, kept_criteria = set(), set(), set()
    position = 0
    for a_pos, a_spec in enumerate(spec.areas, start=1):
        area = areas.get(a_spec.code) or Area(catalogue=cat, code=a_spec.code)
        area.name, area.position = a_spec.name, a_pos
        db.session.add(area)
        kept_areas.add(a_spec.code)
        for g_pos, g_spec in enumerate(a_spec.groups, start=1):
            group = groups.get(g_spec.code) or AreaGroup(code=g_spec.code)
            group.area, group.name, group.position = area, g_spec.name, g_pos
            db.session.add(group)
            kept_groups.add(g_spec.code)
        db.session.flush()
        group_by_code = {g.code: g for g in area.groups}
        for c_spec, g_spec, p_spec in a_spec.all_with_parents():
            position += 1
            crit = criteria.get(c_spec.code)
            if crit is None:
                crit = Criterion(catalogue_id=cat.id, code=c_spec.code)
                db.session.add(crit)
                criteria[c_spec.code] = crit  # a parent, for the sub-criteria that follow
                stats["created"] += 1
            values = {
                "area": area,
                "group": group_by_code[g_spec.code] if g_spec else None,
                "parent": criteria[p_spec.code] if p_spec else None,
                "text": c_spec.text,
                "indicator_unit": c_spec.indicator_unit,
                "indicator_target": c_spec.indicator_target,
                "max_points": c_spec.max_points,
                "scoring_rule": c_spec.scoring_rule,
                "partial_ratio": c_spec.partial_ratio,
                "thresholds": c_spec.thresholds,
                "position": position,
            }
            changed = any(getattr(crit, k) != v for k, v in values.items())
            for key, value in values.items():
                setattr(crit, key, value)
            if changed and crit.id is not None:
                stats["updated"] += 1
            crit.refresh_search_text()
            kept_criteria.add(c_spec.code)
    db.session.flush()

    for code, crit in criteria.items():
        if code in kept_criteria:
            continue
        if _references("criterion", crit.id):
            errors.append(f"Không thể bỏ nội dung “{code}” vì đã có phân công hoặc báo cáo gắn với nó.")
        else:
            db.session.delete(crit)
            stats["removed"] += 1
    for code, group in groups.items():
        if code not in kept_groups:
            db.session.delete(group)
    for code, area in areas.items():
        if code in kept_areas:
            continue
        # An area goes with its criteria: refused (a message, never a database error) when it or
        # one of them is used by an assignment, a report, a finding or an opened round.
        used = _references("area", area.id) or any(
            _references("criterion", c.id) for c in area.criteria)
        if used:
            errors.append(f"Không thể bỏ lĩnh vực “{code}. {area.name}” vì lĩnh vực hoặc nội dung của nó "
                          "đã được dùng (phân công, báo cáo, tồn tại hoặc đợt kiểm tra đã mở).")
        else:
            db.session.delete(area)
    if errors:  # nothing more to do: the caller rolls back
        return None, errors, stats

    existing = {s.name: s for s in cat.adhoc_subjects}
    cat.adhoc_subjects = [
        existing.get(name) or AdhocSubject(name=name) for name in spec.adhoc_subjects
    ]
    for pos, subject in enumerate(cat.adhoc_subjects, start=1):
        subject.position = pos
    db.session.flush()
    db.session.expire(cat)
    return (None if errors else cat), errors, stats


def catalogue_for_year(year: int, kind: str = DEFAULT_KIND) -> Catalogue | None:
    return db.session.scalar(select(Catalogue).where(Catalogue.year == year, Catalogue.kind == kind))


def current_year() -> int:
    """The year the ward is working in: the year of a round taking or reviewing reports, else
    today's year. Never "the newest imported": next year's catalogue may be loaded early."""
    from portal.rounds.models import Round
    from portal.timeutil import today

    year = db.session.scalar(select(Round.year).where(Round.state.in_(("open", "review")))
                             .order_by(Round.start_on.desc()).limit(1))
    return year or today().year


def current_catalogue(kind: str = DEFAULT_KIND, among: list[Catalogue] | None = None) -> Catalogue | None:
    """The current year's catalogue (see current_year); without one, the latest year before it,
    and only when there is none before, the earliest after it. Of the kind asked for when the
    ward has one, else of any kind. `among`: all_catalogues() when the page has it already."""
    year = current_year()
    catalogues = all_catalogues() if among is None else among
    for wanted in ([c for c in catalogues if c.kind == kind], catalogues):
        found = (next((c for c in wanted if c.year == year), None)
                 or max((c for c in wanted if c.year < year), key=lambda c: c.year, default=None)
                 or min(wanted, key=lambda c: c.year, default=None))
        if found is not None:
            return found
    return None


def deletion_refusal(catalogue: Catalogue) -> str | None:
    """None when the year may be deleted (imported by mistake: nothing uses it), else why not."""
    from portal.rounds.models import Round

    rounds = db.session.scalars(select(Round.name).where(Round.catalogue_id == catalogue.id)).all()
    if rounds:
        return (f"Không thể xóa bộ nội dung “{catalogue.label}”: đã được dùng cho "
                f"{len(rounds)} đợt kiểm tra ({', '.join(rounds[:3])}{'…' if len(rounds) > 3 else ''}).")
    used = sum(_references("criterion", c_id) for c_id in db.session.scalars(
        select(Criterion.id).where(Criterion.catalogue_id == catalogue.id)))
    used += sum(_references("area", a.id) for a in catalogue.areas)
    if used:
        return (f"Không thể xóa bộ nội dung “{catalogue.label}”: đã có {used} bản ghi gắn với nó "
                "(phân công, tồn tại, …). Hãy gỡ các bản ghi đó trước.")
    return None


def delete_catalogue(catalogue: Catalogue) -> None:
    """Delete a year nothing uses (see deletion_refusal); the caller commits."""
    refusal = deletion_refusal(catalogue)
    if refusal:
        raise ValueError(refusal)
    db.session.delete(catalogue)
    db.session.flush()


def catalogue_from_args(args) -> Catalogue | None:
    """The catalogue a list page asks for: ?nam=YEAR and optionally &bo=KIND; None when the
    year has no such catalogue. Without a year, the newest inspection catalogue."""
    from portal.web.params import db_int

    year, _, kind = (args.get("chon") or "").partition(":")  # the picker's "2026:index"
    year = db_int(year) if year.strip().isdigit() else args.get("nam", type=db_int)
    kind = kind or args.get("bo") or DEFAULT_KIND
    if kind not in CATALOGUE_KINDS:
        return None
    if year:
        return catalogue_for_year(year, kind)
    return current_catalogue(kind)


def all_catalogues() -> list[Catalogue]:
    return list(db.session.scalars(select(Catalogue).order_by(Catalogue.year.desc(), Catalogue.kind.desc())))


def area_rows(catalogue: Catalogue):
    """The catalogue's areas as light rows (.id, .code, .name), in order: for a filter's choices."""
    return db.session.execute(select(Area.id, Area.code, Area.name).where(Area.catalogue_id == catalogue.id)
                              .order_by(Area.position)).all()


def load_areas(catalogue: Catalogue) -> None:
    """The catalogue's areas with their groups in two queries (a page lists both)."""
    from sqlalchemy.orm import selectinload
    from sqlalchemy.orm.attributes import set_committed_value

    areas = db.session.scalars(select(Area).where(Area.catalogue_id == catalogue.id)
                               .options(selectinload(Area.groups)).order_by(Area.position)).all()
    set_committed_value(catalogue, "areas", list(areas))


def search_criteria(catalogue: Catalogue, query: str = "", area_id: int | None = None):
    """Criteria of a catalogue containing the query as a phrase, ignoring accents and case."""
    return list(db.session.scalars(criteria_select(catalogue, query, area_id)))


def page_of(criterion: Criterion, per_page: int) -> int:
    """The page of the whole catalogue's list (plan order, no filter) that shows this criterion."""
    before = db.session.scalar(select(func.count(Criterion.id)).where(
        Criterion.catalogue_id == criterion.catalogue_id,
        or_(Criterion.position < criterion.position,
            (Criterion.position == criterion.position) & (Criterion.id < criterion.id))))
    return before // per_page + 1


def criteria_select(catalogue: Catalogue, query: str = "", area_id: int | None = None):
    """The select behind search_criteria, in plan order (for a page of it)."""
    stmt = select(Criterion).where(Criterion.catalogue_id == catalogue.id)
    condition = phrase_filter(Criterion.search_text, query)
    if condition is not None:
        stmt = stmt.where(condition)
    if area_id:
        stmt = stmt.where(Criterion.area_id == area_id)
    stmt = stmt.options(joinedload(Criterion.area), joinedload(Criterion.group))
    return stmt.order_by(Criterion.position, Criterion.id)
