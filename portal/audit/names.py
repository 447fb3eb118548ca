"""What a record is called in the change log: its name as people know it, never its id."""
from portal.timeutil import fmt_date


def _short(text, n=70) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _criterion(c) -> str:
    return f"nội dung {c.code}" if c is not None else "nội dung đã xóa"


def _round(r) -> str:
    return r.name if r is not None else "đợt đã xóa"


def _report(r) -> str:
    return f"Báo cáo {_criterion(r.criterion)} — {_round(r.round)}" if r is not None else "báo cáo đã xóa"


def _user(u) -> str:
    return u.full_name if u is not None else "người dùng đã xóa"


def _finding(f) -> str:
    return f"Tồn tại: {_short(f.description, 60)}" if f is not None else "tồn tại đã xóa"


def _remedy(r) -> str:
    return f"Biện pháp: {_short(r.action, 60)}" if r is not None else "biện pháp đã xóa"


def _get(obj, name):
    return getattr(obj, name, None)


# Table name -> how to name one of its rows. Tables not listed use the model's audit_label.
NAMERS = {
    "user": _user,
    "unit": lambda o: o.name,
    "round": _round,
    "criterion": lambda o: f"Nội dung {o.code}: {_short(o.text, 60)}",
    "catalogue": lambda o: o.title or f"Bộ nội dung năm {o.year}",
    "adhoc_subject": lambda o: _short(o.name),
    "report": _report,
    "review": lambda o: f"Thẩm định — {_report(_get(o, 'report'))}",
    "clarification_message": lambda o: f"Giải trình — {_report(_get(o, 'report'))}",
    "report_document": lambda o: f"Văn bản {o.number}",
    "evaluation": lambda o: f"Nhận xét — {_round(_get(o, 'round'))}",
    "sign_off": lambda o: f"Phê duyệt báo cáo — {_round(_get(o, 'round'))}",
    "stored_file": lambda o: o.original_name,
    "finding": _finding,
    "remedy": _remedy,
    "remedy_update": lambda o: f"Tiến độ khắc phục: {_short(o.text, 60)}",
    "remedy_update_file": lambda o: "Tệp kèm báo cáo tiến độ",
    "re_inspection": lambda o: f"Tái kiểm tra ngày {fmt_date(o.inspected_on)}",
    "adhoc_entry": lambda o: f"Kiểm tra đột xuất ngày {fmt_date(o.inspected_on)}: {_short(o.subject, 50)}",
    "adhoc_team_member": lambda o: "Thành viên đoàn kiểm tra đột xuất",
    "adhoc_entry_file": lambda o: "Biên bản kiểm tra đột xuất",
    "sample_check": lambda o: o.title,
    "dossier": lambda o: f"Hồ sơ {o.code}",
    "procedure": lambda o: f"{o.code} — {_short(o.name, 60)}",
    "procedure_version": lambda o: f"Quy trình {o.procedure.code if o.procedure else ''} phiên bản {o.number}",
    "step_check": lambda o: (f"Bước {o.step.position if o.step else ''} "
                             f"hồ sơ {o.dossier.code if o.dossier else ''}"),
    "assignment_coordinator": lambda o: "Phối hợp: " + (o.unit.name if o.unit else o.person.full_name if o.person else ""),
    "user_role": lambda o: "Vai trò",
    "good_practice": lambda o: f"Điển hình — {_report(_get(o, 'report'))}",
    "report_version": lambda o: f"Lần gửi {o.number} — {_report(_get(o, 'report'))}",
    "minutes_record": lambda o: f"Biên bản kiểm tra {o.number}".strip(),
    "year_records": lambda o: f"Kế hoạch, quyết định kiểm tra năm {o.year}",
    "team_role": lambda o: f"{o.role}: {_user(_get(o, 'user'))}",
    "directive_task": lambda o: f"Nhiệm vụ: {_short(o.action, 60)}",
    "ranking_setup": lambda o: f"Cách xếp loại năm {o.year}",
    "ranking_round_weight": lambda o: "Trọng số đợt kiểm tra",
    "ranking_decision": lambda o: f"Xếp loại năm {o.year}",
}


def describe(obj) -> str:
    """A record's name for the log; never raises (a half-deleted row still gets a name)."""
    table = getattr(type(obj), "__tablename__", "")
    namer = NAMERS.get(table)
    try:
        if namer is not None:
            return str(namer(obj) or "")
        return str(getattr(obj, "audit_label", "") or "")
    except Exception:  # noqa: BLE001 - a lazy load on a deleted parent must not break a flush
        try:
            return str(getattr(obj, "audit_label", "") or "")
        except Exception:  # noqa: BLE001
            return ""
