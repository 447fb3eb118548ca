"""Sample checks of dossiers (bóc mẫu hồ sơ): the list, the draw, step checks, results, findings.

Functions change and flush; the view commits once. Rates are pooled over checked steps
(đúng / (đúng + không đúng); "không áp dụng" counts for neither). The unit of a procedure's
dossiers, for per-unit rates and findings, is the procedure's owner unit.
"""
import datetime as dt
import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit.recorder import log_event
from portal.exports.xlsx import Sheet, build_workbook, read_rows
from portal.extensions import db
from portal.findings.models import Finding
from portal.text import fold
from portal.timeutil import now_utc, parse_date, today

from . import rules
from .models import RESULTS, Dossier, Procedure, ProcedureVersion, SampleCheck, StepCheck
from .services import InputError, clean, holiday_set

DOSSIER_HEADERS = {
    "code": "Mã hồ sơ",
    "procedure": "Mã quy trình",
    "received": "Ngày tiếp nhận",
    "due": "Ngày hẹn trả",
    "returned": "Ngày trả kết quả",
    "handler": "Người xử lý",
}
MAX_DOSSIERS = 5000
MAX_SEED = 999_999  # six digits: easy to read out and type back


# -- creating a check ----------------------------------------------------------------------

def create_check(title: str, procedures: list[Procedure], period_start: dt.date, period_end: dt.date,
                 sample_size: int, user=None, round_id: int | None = None) -> SampleCheck:
    errors = []
    title = clean(title)
    if not title:
        errors.append("Vui lòng nhập tên đợt bóc mẫu.")
    if not procedures:
        errors.append("Chọn ít nhất một quy trình.")
    if period_end < period_start:
        errors.append("Ngày kết thúc kỳ kiểm tra phải sau ngày bắt đầu.")
    if not sample_size or sample_size < 1:
        errors.append("Cỡ mẫu phải từ 1 hồ sơ trở lên.")
    if errors:
        raise InputError(errors)
    check = SampleCheck(title=title[:300], year=period_end.year, period_start=period_start,
                        period_end=period_end, sample_size=sample_size, round_id=round_id,
                        created_by_id=user.id if user else None)
    check.procedures = list(procedures)
    db.session.add(check)
    db.session.flush()
    return check


def _require_status(check: SampleCheck, *statuses: str, message: str) -> None:
    if check.status not in statuses:
        raise InputError(message)


# -- the dossier list ----------------------------------------------------------------------

def _users_by_name() -> dict[str, User]:
    out = {}
    for user in db.session.scalars(select(User).where(User.active.is_(True))):
        out.setdefault(fold(user.full_name), user)
        out.setdefault(fold(user.username), user)
    return out


def _as_date(value, label: str, problems: list[str], required: bool = True) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean(value)
    if not text:
        if required:
            problems.append(f"thiếu {label}")
        return None
    try:
        return parse_date(text)
    except ValueError:
        problems.append(f"{label} “{text}” không hợp lệ (dd/mm/yyyy)")
        return None


def validate_dossier(check: SampleCheck, row: dict, taken: set[str], users=None) -> tuple[dict | None, list[str]]:
    """Check one dossier row ({code, procedure, received, due, returned, handler}); returns the
    values to store or the problems found (Vietnamese, without the row prefix)."""
    problems = []
    code = clean(row.get("code"))[:60]
    if not code:
        problems.append("thiếu mã hồ sơ")
    elif code.upper() in taken:
        problems.append(f"mã hồ sơ {code} bị trùng")
    procs = {p.code.upper(): p for p in check.procedures}
    proc_code = clean(row.get("procedure")).upper()
    if not proc_code and len(procs) == 1:
        proc = next(iter(procs.values()))
    else:
        proc = procs.get(proc_code)
        if proc is None:
            problems.append(f"mã quy trình “{proc_code}” không thuộc đợt bóc mẫu này "
                            f"({', '.join(procs) or 'chưa chọn quy trình'})")
    received = _as_date(row.get("received"), "ngày tiếp nhận", problems)
    due = _as_date(row.get("due"), "ngày hẹn trả", problems)
    returned = _as_date(row.get("returned"), "ngày trả kết quả", problems, required=False)
    if received and not (check.period_start <= received <= check.period_end):
        problems.append(f"ngày tiếp nhận {received:%d/%m/%Y} ngoài kỳ kiểm tra "
                        f"({check.period_start:%d/%m/%Y} – {check.period_end:%d/%m/%Y})")
    if received and due and due < received:
        problems.append("ngày hẹn trả trước ngày tiếp nhận")
    if received and returned and returned < received:
        problems.append("ngày trả kết quả trước ngày tiếp nhận")
    if proc is not None and received and proc.version_on(received) is None:
        problems.append(f"quy trình {proc.code} chưa có phiên bản nào")
    if problems:
        return None, problems
    handler_name = clean(row.get("handler"))[:120]
    users = users if users is not None else _users_by_name()
    handler = users.get(fold(handler_name)) if handler_name else None
    return {"code": code, "procedure_id": proc.id, "version_id": proc.version_on(received).id,
            "received_on": received, "due_on": due, "returned_on": returned,
            "handler_name": handler.full_name if handler else handler_name,
            "handler_id": handler.id if handler else None}, []


def add_dossier(check: SampleCheck, row: dict) -> Dossier:
    _require_status(check, "draft", message="Đã rút mẫu: không thêm hồ sơ vào danh sách được nữa.")
    values, problems = validate_dossier(check, row, {d.code.upper() for d in check.dossiers})
    if problems:
        raise InputError([p[0].upper() + p[1:] + "." for p in problems])
    dossier = Dossier(**values)
    check.dossiers.append(dossier)
    db.session.flush()
    return dossier


def import_dossiers(check: SampleCheck, source) -> tuple[int, list[str]]:
    """Add the dossiers of an Excel list. Every bad row is reported; with any error, none is added."""
    _require_status(check, "draft", message="Đã rút mẫu: không nhập thêm hồ sơ được nữa.")
    rows, errors = read_rows(source, DOSSIER_HEADERS)
    if errors:
        return 0, errors
    if len(rows) + len(check.dossiers) > MAX_DOSSIERS:
        return 0, [f"Danh sách quá dài: tối đa {MAX_DOSSIERS} hồ sơ cho một đợt bóc mẫu."]
    taken = {d.code.upper() for d in check.dossiers}
    users = _users_by_name()
    accepted = []
    for row in rows:
        values, problems = validate_dossier(check, row, taken, users)
        code = clean(row.get("code")).upper()
        if code:
            taken.add(code)
        if problems:
            errors.append(f"Dòng {row['_row']}: " + "; ".join(problems) + ".")
        else:
            accepted.append(values)
    if errors:
        return 0, errors
    for values in accepted:
        check.dossiers.append(Dossier(**values))
    db.session.flush()
    return len(accepted), []


def dossier_template(check: SampleCheck) -> bytes:
    """An Excel list to fill in (or the current list), in the import layout."""
    rows = [[d.code, d.procedure.code, d.received_on, d.due_on, d.returned_on, d.handler_name]
            for d in check.dossiers]
    return build_workbook([Sheet("Hồ sơ", list(DOSSIER_HEADERS.values()), rows,
                                 widths=[18, 16, 15, 15, 17, 26])])


def remove_dossier(check: SampleCheck, dossier: Dossier) -> None:
    _require_status(check, "draft", message="Đã rút mẫu: không xóa hồ sơ khỏi danh sách được nữa.")
    check.dossiers.remove(dossier)
    db.session.flush()


# -- the draw ------------------------------------------------------------------------------

def draw(check: SampleCheck, seed: int | None = None) -> list[Dossier]:
    """Draw (or redraw) the sample. Allowed until the first step is checked."""
    _require_status(check, "draft", "drawn", message="Đợt bóc mẫu đã hoàn thành: không rút lại mẫu được.")
    if any(d.step_checks for d in check.dossiers):
        raise InputError("Đã có kết quả kiểm tra trên mẫu hiện tại: không rút lại mẫu được.")
    if seed is None:
        seed = secrets.randbelow(MAX_SEED) + 1
    if not 0 <= seed <= 2**31 - 1:  # an INTEGER column on PostgreSQL
        raise InputError("Mã lượt rút mẫu là số nguyên không âm (tối đa 2147483647).")
    try:
        codes = rules.draw_sample([d.code for d in check.dossiers], check.sample_size, seed)
    except rules.SampleError as exc:
        raise InputError(str(exc)) from None
    order = {code: i for i, code in enumerate(codes, start=1)}
    for d in check.dossiers:
        d.sample_order = order.get(d.code)
    check.seed, check.status, check.drawn_at = seed, "drawn", now_utc()
    log_event(db.session, check, "draw", {"seed": seed, "sample": codes})
    db.session.flush()
    return check.sampled


# -- step checks ---------------------------------------------------------------------------

def record_step(dossier: Dossier, step_id: int, result: str, note: str, user) -> StepCheck:
    check = dossier.check
    _require_status(check, "drawn", message="Chỉ ghi kết quả khi đợt bóc mẫu đã rút mẫu và chưa hoàn thành.")
    if not dossier.sample_order:
        raise InputError("Hồ sơ này không nằm trong mẫu đã rút.")
    if step_id not in {s.id for s in dossier.proc_version.steps}:
        raise InputError("Bước này không thuộc quy trình của hồ sơ.")
    if result not in RESULTS:
        raise InputError("Chọn kết quả: Đúng, Không đúng hoặc Không áp dụng.")
    note = clean(note)[:2000]
    if result == "khong_dung" and not note:
        raise InputError("Bước không đúng quy trình: vui lòng ghi rõ sai ở đâu.")
    sc = dossier.result_for(step_id)
    if sc is None:
        sc = StepCheck(step_id=step_id)
        dossier.step_checks.append(sc)
    sc.result, sc.note, sc.checked_by_id, sc.checked_at = result, note, user.id if user else None, now_utc()
    db.session.flush()
    return sc


# -- results -------------------------------------------------------------------------------

@dataclass
class DossierResult:
    dossier: Dossier
    tally: rules.Tally
    timing: rules.Timing
    unchecked: int
    nonconformities: list = field(default_factory=list)  # StepCheck rows "khong_dung"

    @property
    def rate(self):
        return self.tally.rate


@dataclass
class CheckResults:
    check: SampleCheck
    dossiers: list[DossierResult]  # the sample, in draw order
    by_procedure: list[tuple]  # (Procedure, Tally)
    by_unit: list[tuple]  # (Unit | None, Tally)
    overall: rules.Tally
    late_in_list: int  # late dossiers in the whole list, not only the sample
    unchecked: int

    @property
    def late_in_sample(self) -> int:
        return sum(1 for r in self.dossiers if r.timing.late)


def dossier_result(d: Dossier, holidays, as_of: dt.date) -> DossierResult:
    results = [sc.result for sc in d.step_checks]
    step_ids = {s.id for s in d.proc_version.steps}
    done = {sc.step_id for sc in d.step_checks}
    timing = rules.timing(d.received_on, d.due_on, d.returned_on, d.proc_version.total_days, holidays, as_of)
    bad = sorted((sc for sc in d.step_checks if sc.result == "khong_dung"), key=lambda sc: sc.step.position)
    return DossierResult(d, rules.tally(results), timing, len(step_ids - done), bad)


def with_everything(stmt):
    """A select of SampleChecks that brings what results() reads in a fixed number of queries
    (one per relationship, whatever the number of checks, dossiers and step checks)."""
    from sqlalchemy.orm import joinedload, selectinload

    # A dossier's procedure (with its unit) is one of the check's procedures, and a step check's
    # step one of its version's steps: both already in the session, so those many-to-one
    # attributes resolve from the identity map with no query and need no join of their own.
    dossiers = selectinload(SampleCheck.dossiers)
    return stmt.options(
        selectinload(SampleCheck.procedures).joinedload(Procedure.unit),
        dossiers.selectinload(Dossier.step_checks),
        dossiers.joinedload(Dossier.proc_version).selectinload(ProcedureVersion.steps),
        joinedload(SampleCheck.completed_by),
    )


def overall_rates(check_ids) -> dict[int, float | None]:
    """{check id: rate over its sampled dossiers' checked steps} in one aggregate query (the list)."""
    ids = list(check_ids)
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    if ids:
        rows = db.session.execute(
            select(Dossier.check_id, StepCheck.result, func.count(StepCheck.id))
            .join(StepCheck, StepCheck.dossier_id == Dossier.id)
            .where(Dossier.check_id.in_(ids), Dossier.sample_order.is_not(None))
            .group_by(Dossier.check_id, StepCheck.result))
        for check_id, result, n in rows:
            counts[check_id][result] = int(n)
    return {i: rules.rate(c.get("dung", 0), c.get("khong_dung", 0)) for i, c in counts.items()}


def compliance_rates(year: int) -> list[dict]:
    """The rates of compliance_by_period (per completed check, then the year pooled) from one
    aggregate query, for the dashboard: check_id, title, ok, bad, rate."""
    from sqlalchemy import and_, case

    def count(result):
        return func.coalesce(func.sum(case((StepCheck.result == result, 1), else_=0)), 0)

    rows = db.session.execute(
        select(SampleCheck.id, SampleCheck.title, count("dung"), count("khong_dung"))
        .outerjoin(Dossier, and_(Dossier.check_id == SampleCheck.id, Dossier.sample_order.is_not(None)))
        .outerjoin(StepCheck, StepCheck.dossier_id == Dossier.id)
        .where(SampleCheck.year == year, SampleCheck.status == "completed")
        .group_by(SampleCheck.id, SampleCheck.title, SampleCheck.period_end)
        .order_by(SampleCheck.period_end, SampleCheck.id)).all()
    out = [{"check_id": cid, "title": title, "ok": int(ok), "bad": int(bad), "rate": rules.rate(int(ok), int(bad))}
           for cid, title, ok, bad in rows]
    if out:
        ok, bad = sum(r["ok"] for r in out), sum(r["bad"] for r in out)
        out.append({"check_id": None, "title": f"Cả năm {year}", "ok": ok, "bad": bad, "rate": rules.rate(ok, bad)})
    return out


def dossier_counts(check_ids) -> dict[int, int]:
    ids = list(check_ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Dossier.check_id, func.count(Dossier.id))
                                   .where(Dossier.check_id.in_(ids)).group_by(Dossier.check_id)).all())


def results(check: SampleCheck, holidays=None) -> CheckResults:
    holidays = holiday_set() if holidays is None else holidays
    as_of = check.completed_on or today()
    all_results = {d.id: dossier_result(d, holidays, as_of) for d in check.dossiers}
    sample = [all_results[d.id] for d in check.sampled]
    by_proc = rules.rates_by([(r.dossier.procedure, [sc.result for sc in r.dossier.step_checks]) for r in sample])
    by_unit = rules.rates_by([(r.dossier.procedure.unit, [sc.result for sc in r.dossier.step_checks]) for r in sample])
    overall = sum((r.tally for r in sample), rules.Tally())
    return CheckResults(
        check, sample,
        sorted(by_proc.items(), key=lambda kv: kv[0].code),
        sorted(by_unit.items(), key=lambda kv: (kv[0] is None, kv[0].position if kv[0] else 0)),
        overall,
        sum(1 for r in all_results.values() if r.timing.late),
        sum(r.unchecked for r in sample),
    )


def _finding(check: SampleCheck, d: Dossier, on: dt.date, user, description: str, recommendation: str) -> Finding:
    return Finding(source="iso", source_id=check.id, round_id=check.round_id, year=check.year, found_on=on,
                   unit_id=d.procedure.unit_id, person_id=d.handler_id, description=description,
                   cause="chu_quan", recommendation=recommendation,
                   created_by_id=user.id if user else None)


def findings_for(check: SampleCheck) -> list[Finding]:
    from sqlalchemy.orm import joinedload

    from portal.findings.models import Remedy

    # the check's page shows each finding's person, unit and remedies (with their owners):
    # joined into the one query
    stmt = (select(Finding).where(Finding.source == "iso", Finding.source_id == check.id).order_by(Finding.id)
            .options(joinedload(Finding.person), joinedload(Finding.unit), joinedload(Finding.remedies).options(
                joinedload(Remedy.owner), joinedload(Remedy.owner_unit))))
    return list(db.session.scalars(stmt).unique())


def complete(check: SampleCheck, user, on: dt.date | None = None) -> list[Finding]:
    """Close the check: every step of every sampled dossier must have a verdict. Each "không
    đúng" step and each late (or over-limit) sampled dossier becomes a Finding, once."""
    _require_status(check, "drawn", message="Chỉ hoàn thành được đợt bóc mẫu đã rút mẫu và chưa hoàn thành.")
    on = on or today()
    check.completed_on = on  # lateness of unreturned dossiers is judged on this day
    res = results(check)
    if res.unchecked:
        check.completed_on = None
        raise InputError(f"Còn {res.unchecked} bước chưa ghi kết quả trong các hồ sơ được rút mẫu.")
    already = db.session.scalar(select(func.count(Finding.id)).where(
        Finding.source == "iso", Finding.source_id == check.id))
    created = []
    if not already:
        for r in res.dossiers:
            d = r.dossier
            where = f"Hồ sơ {d.code} (quy trình {d.procedure.code} – {d.procedure.name}, phiên bản {d.proc_version.number})"
            for sc in r.nonconformities:
                created.append(_finding(
                    check, d, on, user,
                    f"{where}: bước {sc.step.position} “{sc.step.name}” không đúng quy trình. {sc.note}".strip(),
                    f"Chấn chỉnh, thực hiện đúng bước {sc.step.position} của quy trình {d.procedure.code}."))
            t = r.timing
            if t.late or t.over_limit:
                parts = []
                if t.late:
                    returned = f"trả ngày {d.returned_on:%d/%m/%Y}" if d.returned_on else "chưa trả kết quả"
                    parts.append(f"trễ hạn {t.late_days} ngày làm việc (hẹn trả {d.due_on:%d/%m/%Y}, {returned})")
                if t.over_limit:
                    parts.append(f"dùng {t.used_days} ngày làm việc, vượt tổng thời hạn các bước của quy trình "
                                 f"({t.limit_days} ngày)")
                created.append(_finding(check, d, on, user, f"{where}: " + "; ".join(parts) + ".",
                                        "Rà soát nguyên nhân chậm, bảo đảm giải quyết hồ sơ đúng thời hạn quy định."))
        db.session.add_all(created)
    check.status, check.completed_by_id = "completed", user.id if user else None
    log_event(db.session, check, "complete", {"findings": len(created)})
    db.session.flush()
    return created


def compliance_by_period(year: int) -> list[dict]:
    """Compliance of the completed sample checks of `year`, in period order, for the dashboard:
    one dict per check (check_id, title, round_id, period_start, period_end, procedures, sampled,
    ok, bad, rate, late) and a last one with check_id None pooling the year."""
    checks = db.session.scalars(with_everything(select(SampleCheck).where(
        SampleCheck.year == year, SampleCheck.status == "completed").order_by(
        SampleCheck.period_end, SampleCheck.id))).unique().all()
    out, total, late_total, sampled_total = [], rules.Tally(), 0, 0
    holidays = holiday_set()
    for check in checks:
        res = results(check, holidays)
        total += res.overall
        late_total += res.late_in_sample
        sampled_total += len(res.dossiers)
        out.append({"check_id": check.id, "title": check.title, "round_id": check.round_id, "year": year,
                    "period_start": check.period_start, "period_end": check.period_end,
                    "procedures": [p.code for p in check.procedures], "sampled": len(res.dossiers),
                    "ok": res.overall.ok, "bad": res.overall.bad, "rate": res.overall.rate,
                    "late": res.late_in_sample})
    if checks:
        out.append({"check_id": None, "title": f"Cả năm {year}", "round_id": None, "year": year,
                    "period_start": min(c.period_start for c in checks),
                    "period_end": max(c.period_end for c in checks),
                    "procedures": sorted({p.code for c in checks for p in c.procedures}),
                    "sampled": sampled_total, "ok": total.ok, "bad": total.bad, "rate": total.rate,
                    "late": late_total})
    return out
