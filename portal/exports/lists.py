"""The columns of each list page's Excel export (portal.exports.table).

Each function takes the rows the page's view already computed (same query, filters, order) and
names the columns as the page heads them. A view only adds:

    if wants_export():
        return export_response(lists.users(rows))
"""
from portal.accounts.roles import LABELS as ROLE_LABELS

from .table import Column as C
from .table import TableSpec

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def _pct(rate):
    return None if rate is None else round(rate * 100, 1)


def _rating(report):
    review = getattr(report, "review", None)
    return review.rating_label if review is not None and review.rating else ""


def _report_state(report):
    if not report.author_id:
        return "Chưa phân công"
    return report.state_label + (" (trễ hạn)" if report.late else "")


# -- catalogue, rounds, reports -------------------------------------------------------------

def catalogue(cat, criteria) -> TableSpec:
    def target(c):
        parts = []
        if c.is_indicator:
            parts.append(f"{c.indicator_target if c.indicator_target is not None else 'Chỉ số'} {c.indicator_unit}".strip())
        return " ".join(parts)

    return TableSpec(f"Bộ nội dung năm {cat.year}", [
        C("Lĩnh vực", lambda c: f"{c.area.code}. {c.area.name}", 30),
        C("Nhóm", lambda c: c.group.name if c.group else "", 24),
        C("Mã", lambda c: c.code, 9),
        C("Nội dung kiểm tra", lambda c: c.text, 70),
        C("Chỉ tiêu", target, 16),
        C("Điểm tối đa", lambda c: float(c.max_points) if c.max_points is not None else None, 10),
    ], criteria, subtitle=[cat.title])


def rounds(rows) -> TableSpec:
    return TableSpec("Đợt kiểm tra", [
        C("Đợt kiểm tra", lambda r: r.name, 36),
        C("Loại", lambda r: r.kind_label, 20),
        C("Bắt đầu kiểm tra", lambda r: r.start_on, 14),
        C("Kết thúc kiểm tra", lambda r: r.end_on, 14),
        C("Hạn gửi báo cáo", lambda r: r.report_deadline, 14),
        C("Trạng thái", lambda r: r.state_label, 18),
    ], rows)


def review_queue(rnd, reports) -> TableSpec:
    return TableSpec("Thẩm định báo cáo", [
        C("Mã", lambda r: r.criterion.code, 9),
        C("Nội dung", lambda r: r.criterion.text, 60),
        C("Người phụ trách", lambda r: r.author.full_name if r.author else "Chưa phân công", 24),
        C("Đơn vị", lambda r: r.unit.short_name if r.unit else "", 12),
        C("Tình trạng thực hiện", lambda r: r.status_label if r.status else "", 18),
        C("Báo cáo", _report_state, 18),
        C("Đánh giá", _rating, 14),
    ], reports, subtitle=[rnd.name])


def my_reports(rnd, reports) -> TableSpec:
    return TableSpec("Báo cáo của tôi", [
        C("Mã", lambda r: r.criterion.code, 9),
        C("Nội dung kiểm tra", lambda r: r.criterion.text, 70),
        C("Tình trạng", lambda r: r.status_label, 18),
        C("Báo cáo", _report_state, 18),
        C("Đánh giá", _rating, 14),
    ], reports, subtitle=[rnd.name])


def round_progress(rnd, areas, units, phases) -> list[TableSpec]:
    def cols(first, keys):
        return [C(first, lambda p: p.label, 40),
                *[C(phases[k], (lambda k: lambda p: p.counts[k])(k), 12) for k in keys],
                C("Trễ hạn", lambda p: p.late, 10), C("Đã gửi", lambda p: p.submitted, 10),
                C("Tổng số", lambda p: p.total, 10), C("Tỷ lệ đã gửi (%)", lambda p: p.percent, 12)]

    return [TableSpec("Tiến độ theo lĩnh vực", cols("Lĩnh vực", list(phases)), areas, subtitle=[rnd.name]),
            TableSpec("Tiến độ theo đơn vị", cols("Đơn vị", [k for k in phases if k != "unassigned"]), units,
                      subtitle=[rnd.name])]


def evaluations(rnd, areas, people, by_area, by_person, evals) -> list[TableSpec]:
    def text(area_id, person_id):
        e = evals.get((area_id, person_id))
        return e.text if e else ""

    def fig_cols(first, name, fig, ev):
        def n(attr):
            return lambda x: getattr(fig(x), attr) if fig(x) else 0

        def rated(key):
            return lambda x: fig(x).ratings.get(key, 0) if fig(x) else 0

        return [C(first, name, 36), C("Số nội dung", n("reports"), 10), C("Đã gửi", n("submitted"), 9),
                C("Đúng hạn", n("on_time"), 9), C("Trễ hạn", n("late"), 9),
                C("Đạt", rated("dat"), 8), C("Đạt một phần", rated("mot_phan"), 10), C("Chưa đạt", rated("chua_dat"), 9),
                C("Tồn tại chưa khắc phục", n("open_findings"), 12), C("Nhận xét, đánh giá", ev, 70)]

    return [
        TableSpec("Nhận xét theo lĩnh vực", fig_cols("Lĩnh vực", lambda a: f"{a.code}. {a.name}", lambda a: by_area.get(a.id),
                                                     lambda a: text(a.id, None)), areas, subtitle=[rnd.name]),
        TableSpec("Nhận xét theo cá nhân", fig_cols("Cán bộ, công chức", lambda p: p.full_name,
                                                    lambda p: by_person.get(p.id), lambda p: text(None, p.id)),
                  people, subtitle=[rnd.name]),
    ]


# -- ISO sample checks and holidays -----------------------------------------------------------

def sample_checks(rows, rates) -> TableSpec:
    return TableSpec("Bóc mẫu hồ sơ", [
        C("Đợt bóc mẫu", lambda c: c.title, 40),
        C("Quy trình", lambda c: ", ".join(p.code for p in c.procedures), 24),
        C("Kỳ kiểm tra từ ngày", lambda c: c.period_start, 14),
        C("Đến ngày", lambda c: c.period_end, 14),
        C("Số hồ sơ", lambda c: len(c.dossiers), 9),
        C("Cỡ mẫu", lambda c: c.sample_size, 9),
        C("Tỷ lệ tuân thủ (%)", lambda c: _pct(rates.get(c.id)), 12),
        C("Trạng thái", lambda c: c.status_label, 24),
    ], rows)


def check_results(check, res) -> list[TableSpec]:
    def tally_cols(first, name):
        return [C(first, name, 40), C("Đúng", lambda t: t[1].ok, 8), C("Không đúng", lambda t: t[1].bad, 10),
                C("Tỷ lệ (%)", lambda t: _pct(t[1].rate), 10)]

    return [
        TableSpec("Kết quả từng hồ sơ", [
            C("TT", lambda r: r.dossier.sample_order, 5),
            C("Mã hồ sơ", lambda r: r.dossier.code, 18),
            C("Quy trình", lambda r: f"{r.dossier.procedure.code} (phiên bản {r.dossier.proc_version.number})", 24),
            C("Người xử lý", lambda r: r.dossier.handler_name, 22),
            C("Ngày làm việc đã dùng", lambda r: r.timing.used_days, 12),
            C("Ngày làm việc quy định", lambda r: r.timing.limit_days, 12),
            C("Thời hạn", lambda r: f"Trễ {r.timing.late_days} ngày làm việc" if r.timing.late else "Đúng hạn", 18),
            C("Số bước đã kiểm tra", lambda r: len(r.dossier.proc_version.steps) - r.unchecked, 10),
            C("Số bước", lambda r: len(r.dossier.proc_version.steps), 8),
            C("Tỷ lệ tuân thủ (%)", lambda r: _pct(r.rate), 12),
        ], res.dossiers, subtitle=[check.title]),
        TableSpec("Theo quy trình", tally_cols("Quy trình", lambda t: f"{t[0].code} — {t[0].name}"),
                  res.by_procedure, subtitle=[check.title]),
        TableSpec("Theo đơn vị", tally_cols("Đơn vị", lambda t: t[0].name if t[0] else "Chưa xác định"),
                  res.by_unit, subtitle=[check.title]),
    ]


def procedures(rows) -> TableSpec:
    return TableSpec("Quy trình ISO", [
        C("Mã quy trình", lambda p: p.code, 16),
        C("Tên quy trình", lambda p: p.name, 50),
        C("Loại", lambda p: "ISO – TTHC" if p.kind == "tthc" else "Nội bộ", 12),
        C("Đơn vị chủ trì", lambda p: p.unit.name if p.unit else "", 30),
        C("Phiên bản hiện hành", lambda p: p.current.number if p.current else "", 10),
        C("Ngày hiệu lực", lambda p: p.current.effective_date if p.current else None, 12),
        C("Số bước", lambda p: len(p.current.steps) if p.current else 0, 8),
        C("Tổng thời hạn (ngày làm việc)", lambda p: p.current.total_days if p.current else 0, 12),
    ], rows)


def holidays(year, rows) -> TableSpec:
    return TableSpec(f"Ngày nghỉ năm {year}", [
        C("Ngày", lambda h: h.date, 12),
        C("Thứ", lambda h: WEEKDAYS[h.date.weekday()], 10),
        C("Tên ngày nghỉ", lambda h: h.name, 40),
    ], rows)


# -- people and units -------------------------------------------------------------------------

def users(rows) -> TableSpec:
    return TableSpec("Người dùng", [
        C("Họ và tên", lambda u: u.full_name, 26),
        C("Tên đăng nhập", lambda u: u.username, 16),
        C("Đơn vị", lambda u: u.unit.name if u.unit else "", 30),
        C("Chức vụ", lambda u: u.position_title, 30),
        C("Thư điện tử", lambda u: u.email, 26),
        C("Điện thoại", lambda u: u.phone, 14),
        C("Vai trò", lambda u: ", ".join(ROLE_LABELS[r] for r in ROLE_LABELS if r in u.roles), 40),
        C("Trạng thái", lambda u: "Hoạt động" if u.active else "Đã khóa", 12),
    ], rows)


def units(rows) -> TableSpec:
    return TableSpec("Đơn vị", [
        C("Tên đơn vị", lambda r: r[0].name, 36),
        C("Viết tắt", lambda r: r[0].short_name, 12),
        C("Loại", lambda r: r[0].kind, 20),
        C("Số người", lambda r: r[1], 9),
        C("Trạng thái", lambda r: "Hoạt động" if r[0].active else "Ngừng", 12),
    ], rows)


# -- dashboard --------------------------------------------------------------------------------

def dashboard(rnd, by_area, by_unit, by_person, measures) -> list[TableSpec]:
    def cols(first):
        return [C(first, lambda c: c.label, 40),
                *[C(label, (lambda m: lambda c: getattr(c, m))(m), 12) for m, label in measures.items()]]

    return [TableSpec("Theo lĩnh vực", cols("Lĩnh vực"), by_area, subtitle=[rnd.name]),
            TableSpec("Theo đơn vị", cols("Đơn vị"), by_unit, subtitle=[rnd.name]),
            TableSpec("Theo người phụ trách", cols("Người phụ trách"), by_person, subtitle=[rnd.name])]


def drill(title, reports=None, findings=None, remedies=None, remedy_statuses=None) -> TableSpec:
    if reports is not None:
        return TableSpec("Danh sách báo cáo", [
            C("Mã", lambda r: r.criterion.code, 9),
            C("Nội dung", lambda r: r.criterion.text, 60),
            C("Người phụ trách", lambda r: r.author.full_name if r.author else "Chưa phân công", 24),
            C("Đơn vị", lambda r: r.unit.name if r.unit else "", 24),
            C("Gửi lúc", lambda r: r.submitted_at, 16),
            C("Đánh giá", _rating, 14),
        ], reports, subtitle=[title])
    if findings is not None:
        return TableSpec("Tồn tại, hạn chế", [
            C("Ngày", lambda f: f.found_on, 12),
            C("Lĩnh vực", lambda f: f.area.label if getattr(f, "area", None) else "", 30),
            C("Tồn tại, hạn chế", lambda f: f.description, 60),
            C("Đơn vị", lambda f: f.unit.name if getattr(f, "unit", None) else "", 24),
            C("Biện pháp", lambda f: "\n".join(r.action for r in f.remedies), 50),
        ], findings, subtitle=[title])
    return TableSpec("Biện pháp khắc phục", [
        C("Biện pháp", lambda r: r.action, 50),
        C("Tồn tại", lambda r: r.finding.description, 50),
        C("Người, đơn vị thực hiện", lambda r: r.owner_name, 24),
        C("Hạn", lambda r: r.deadline, 12),
        C("Tình trạng", lambda r: (remedy_statuses or {}).get(r.status, r.status), 20),
    ], remedies or [], subtitle=[title])
