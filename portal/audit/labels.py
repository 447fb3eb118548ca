"""The words people see for what the change log stores: a Vietnamese label for every audited
model, field, action and choice.

Field labels come first from the forms people fill in (so the log says what the form said),
then from FIELDS below for columns no form shows. tests/test_audit_display.py checks that
every audited column of every audited model has a label, so a new column cannot slip into the
log as a raw name.
"""
from functools import cache

from portal.accounts import roles as R

# Table name -> the kind of record, as people call it.
MODELS = {
    "unit": "Đơn vị",
    "user": "Người dùng",
    "user_role": "Vai trò người dùng",
    "ward_settings": "Cài đặt phường",
    "catalogue": "Bộ nội dung kiểm tra",
    "area": "Lĩnh vực",
    "area_group": "Nhóm nội dung",
    "criterion": "Nội dung kiểm tra",
    "adhoc_subject": "Chủ đề kiểm tra đột xuất",
    "assignment": "Phân công",
    "assignment_coordinator": "Phối hợp thực hiện",
    "assignment_history": "Lịch sử phụ trách",
    "round": "Đợt kiểm tra",
    "report": "Báo cáo",
    "report_document": "Văn bản kèm báo cáo",
    "review": "Thẩm định báo cáo",
    "clarification_message": "Giải trình",
    "report_comment": "Ý kiến về báo cáo",
    "evaluation": "Nhận xét, đánh giá",
    "sign_off": "Phê duyệt báo cáo đợt",
    "stored_file": "Tệp đính kèm",
    "report_file": "Tệp kèm báo cáo",
    "finding": "Tồn tại, hạn chế",
    "remedy": "Biện pháp khắc phục",
    "remedy_update": "Báo cáo tiến độ khắc phục",
    "remedy_update_file": "Tệp kèm báo cáo tiến độ",
    "reinspection": "Tái kiểm tra",
    "re_inspection": "Tái kiểm tra",
    "adhoc_entry": "Kiểm tra đột xuất",
    "adhoc_team_member": "Thành viên đoàn kiểm tra đột xuất",
    "adhoc_entry_file": "Biên bản kiểm tra đột xuất",
    "holiday": "Ngày nghỉ",
    "procedure": "Quy trình ISO",
    "procedure_version": "Phiên bản quy trình",
    "procedure_step": "Bước quy trình",
    "procedure_form": "Biểu mẫu quy trình",
    "sample_check": "Bóc mẫu hồ sơ",
    "sample_check_procedure": "Quy trình được bóc mẫu",
    "dossier": "Hồ sơ",
    "step_check": "Kiểm tra bước xử lý",
    "notification": "Thông báo",
    "round_member": "Thành viên đoàn kiểm tra",
    "report_version": "Phiên bản báo cáo đã gửi",
    "year_records": "Kế hoạch và quyết định kiểm tra năm",
    "team_role": "Chức danh trong đoàn kiểm tra",
    "minutes_record": "Biên bản kiểm tra",
    "good_practice": "Cách làm hay, điển hình",
    "ranking_setup": "Cách xếp loại năm",
    "ranking_round_weight": "Trọng số đợt kiểm tra",
    "ranking_decision": "Quyết định xếp loại",
    "round_criterion": "Nội dung kiểm tra của đợt",
    "directive_task": "Nhiệm vụ theo ý kiến chỉ đạo",
}

ACTIONS = {
    "create": "Tạo mới",
    "update": "Sửa",
    "autosave": "Tự lưu bản nháp",
    "delete": "Xóa",
    "roles": "Đặt vai trò",
    "state": "Chuyển trạng thái",
    "reopen": "Mở lại đợt",
    "submit": "Gửi báo cáo",
    "clarification_requested": "Yêu cầu giải trình",
    "confirm": "Xác nhận đã khắc phục",
    "escalate": "Kiến nghị cấp có thẩm quyền",
    "draw": "Rút mẫu",
    "complete": "Hoàn thành bóc mẫu",
    "attach": "Đính kèm tệp",
    "handover": "Bàn giao công việc",
    "not_submitted": "Ghi nhận không gửi báo cáo",
    "late_allowed": "Cho phép gửi muộn",
    "bulk_decision": "Quyết định hàng loạt",
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai",
    "login_locked": "Đăng nhập khi đang tạm khóa",
    "lockout": "Tạm khóa đăng nhập",
    "logout": "Đăng xuất",
    "logout_others": "Đăng xuất khỏi các thiết bị khác",
    "logout_other": "Kết thúc một phiên đăng nhập",
    "password_change": "Đổi mật khẩu",
    "password_reset": "Đặt lại mật khẩu",
}

# Labels used by every model (and by the details of the domain events above).
COMMON = {
    "id": "Mã số",
    "ip": "Địa chỉ máy",
    "username": "Tên đăng nhập",
    "until": "Khóa đến",
    "by_address": "Khóa theo địa chỉ máy",
    "sessions": "Số phiên đã kết thúc",
    "session": "Phiên đăng nhập",
    "via": "Thực hiện qua",
    "name": "Tên",
    "code": "Mã",
    "title": "Tiêu đề",
    "year": "Năm",
    "position": "Thứ tự hiển thị",
    "note": "Ghi chú",
    "version": "Lần sửa",
    "created_at": "Thời điểm tạo",
    "created_by_id": "Người tạo",
    "updated_at": "Thời điểm cập nhật",
    "updated_by_id": "Người cập nhật",
    "user_id": "Người dùng",
    "unit_id": "Đơn vị",
    "person_id": "Người",
    "round_id": "Đợt kiểm tra",
    "report_id": "Báo cáo",
    "criterion_id": "Nội dung kiểm tra",
    "catalogue_id": "Bộ nội dung kiểm tra",
    "area_id": "Lĩnh vực",
    "file_id": "Tệp",
    "text": "Nội dung",
    "status": "Tình trạng",
    "state": "Trạng thái",
    "result": "Kết quả",
    # details of domain events
    "roles": "Vai trò",
    "from": "Từ",
    "to": "Sang",
    "reason": "Lý do",
    "late": "Gửi muộn",
    "after_clarification": "Gửi lại sau giải trình",
    "body": "Nội dung",
    "by": "Người thực hiện",
    "seed": "Mã lượt rút mẫu",
    "sample": "Hồ sơ được rút",
    "findings": "Số tồn tại ghi nhận",
    "files": "Tệp",
    "count": "Số phân công chuyển",
    "decision": "Quyết định",
    "reports": "Các báo cáo",
}

# Columns that no form shows, or whose form label reads badly out of context.
FIELDS = {
    "unit": {"kind": "Loại đơn vị", "active": "Đang hoạt động"},
    "user": {"password_hash": "Mật khẩu", "must_change_password": "Phải đổi mật khẩu",
             "active": "Đang hoạt động", "created_at": "Ngày tạo tài khoản"},
    "user_role": {"role": "Vai trò"},
    "ward_settings": {
        "ward_name": "Tên phường", "province": "Tỉnh, thành phố",
        "issuer_parent": "Cơ quan cấp trên", "issuer_name": "Tên cơ quan ban hành",
        "issuer_short": "Tên viết tắt cơ quan", "place_name": "Địa danh",
        "chairman_name": "Chủ tịch UBND", "signer_name": "Người ký", "signer_title": "Chức vụ người ký",
        "sign_on_behalf": "Dòng thay mặt (TM.)", "sign_for": "Dòng ký thay (KT.)",
        "secretariat_unit_code": "Đơn vị thường trực CCHC", "default_recipients": "Nơi nhận mặc định",
        "session_idle_minutes": "Tự đăng xuất sau (phút không thao tác)",
        "session_max_hours": "Phiên đăng nhập dài nhất (giờ)", "remember_days": "Ghi nhớ đăng nhập (ngày)",
        "doc_profiles": "Thể thức văn bản", "upload_max_mb": "Dung lượng tải lên tối đa (MB)", "report_deadline_days": "Số ngày hạn gửi báo cáo",
        "remedy_deadline_days": "Thời hạn mặc định của biện pháp khắc phục (ngày)",
        "session_idle_minutes": "Tự đăng xuất sau (phút)", "session_max_hours": "Thời hạn phiên đăng nhập (giờ)",
        "remember_days": "Ghi nhớ đăng nhập (ngày)",
    },
    "catalogue": {"title": "Tên bộ nội dung", "source": "Căn cứ", "kind": "Loại bộ nội dung"},
    "area": {"code": "Mã lĩnh vực", "name": "Tên lĩnh vực"},
    "area_group": {"code": "Mã nhóm", "name": "Tên nhóm", "area_id": "Lĩnh vực"},
    "criterion": {"code": "Mã nội dung", "text": "Nội dung", "group_id": "Nhóm nội dung",
                  "parent_id": "Thuộc nội dung", "scoring_rule": "Cách tính điểm",
                  "partial_ratio": "Tỷ lệ điểm khi đạt một phần", "thresholds": "Các ngưỡng tính điểm",
                  "indicator_unit": "Đơn vị tính chỉ tiêu", "indicator_target": "Chỉ tiêu",
                  "max_points": "Điểm tối đa"},
    "adhoc_subject": {"name": "Chủ đề"},
    "assignment": {"lead_unit_id": "Chủ trì (đơn vị)", "lead_person_id": "Người chủ trì",
                   "due_date": "Hạn hoàn thành"},
    "assignment_coordinator": {"assignment_id": "Phân công", "unit_id": "Đơn vị phối hợp",
                               "person_id": "Người phối hợp"},
    "assignment_history": {"person_id": "Người phụ trách", "role": "Vai trò", "from_date": "Từ ngày",
                           "to_date": "Đến ngày", "reason": "Lý do", "end_reason": "Lý do kết thúc"},
    "round": {"state": "Trạng thái đợt", "previous_id": "Kế thừa báo cáo từ đợt",
              "reopen_reason": "Lý do mở lại", "closed_at": "Thời điểm kết thúc", "leader_id": "Trưởng đoàn"},
    "report": {"author_id": "Người báo cáo", "unit_id": "Đơn vị báo cáo", "state": "Trạng thái báo cáo",
               "self_score": "Điểm tự chấm", "submitted_at": "Thời điểm gửi", "late": "Gửi muộn",
               "indicator_value": "Giá trị chỉ tiêu đạt được",
               "self_justification": "Giải trình điểm tự chấm",
               "late_allowed_at": "Thời điểm cho phép gửi muộn", "late_allowed_by_id": "Người cho phép gửi muộn"},
    "report_document": {"number": "Số, ký hiệu văn bản", "issued_on": "Ngày ban hành", "summary": "Trích yếu"},
    "review": {"appraisal_reason": "Lý do điểm thẩm định khác điểm tự chấm", "rating": "Kết quả thẩm định", "comment": "Nhận xét", "appraised_score": "Điểm thẩm định",
               "reviewer_id": "Người thẩm định", "reviewed_at": "Thời điểm thẩm định"},
    "clarification_message": {"author_id": "Người viết", "kind": "Loại", "body": "Nội dung"},
    "report_comment": {"author_id": "Người viết", "body": "Nội dung"},
    "evaluation": {"person_id": "Người được nhận xét", "text": "Nhận xét"},
    "sign_off": {"number": "Số văn bản", "docx_file_id": "Tệp báo cáo (Word)", "leader_id": "Lãnh đạo phê duyệt", "directive": "Ý kiến chỉ đạo",
                 "signed_at": "Thời điểm phê duyệt", "pdf_file_id": "Tệp báo cáo (PDF)"},
    "stored_file": {"original_name": "Tên tệp", "stored_name": "Tên lưu trữ", "content_type": "Loại tệp",
                    "size": "Dung lượng (byte)", "sha256": "Mã kiểm tra", "uploaded_by_id": "Người tải lên",
                    "uploaded_at": "Thời điểm tải lên"},
    "finding": {"source": "Nguồn phát hiện", "source_id": "Đối tượng phát hiện", "source_ref": "Văn bản, nguồn chỉ ra",
                "person_id": "Cán bộ, công chức liên quan", "closed_at": "Thời điểm khắc phục xong"},
    "remedy": {"finding_id": "Tồn tại, hạn chế", "owner_id": "Người thực hiện", "owner_unit_id": "Đơn vị thực hiện",
               "status": "Tình trạng",
               "done_on": "Ngày khắc phục xong", "confirmed_by_id": "Người xác nhận",
               "confirmed_at": "Thời điểm xác nhận"},
    "remedy_update": {"remedy_id": "Biện pháp khắc phục", "reported_by_id": "Người báo cáo",
                      "reported_at": "Thời điểm báo cáo"},
    "remedy_update_file": {"update_id": "Báo cáo tiến độ"},
    "re_inspection": {"remedy_id": "Biện pháp khắc phục", "passed": "Kết luận", "by_id": "Người tái kiểm tra"},
    "reinspection": {"remedy_id": "Biện pháp khắc phục", "passed": "Kết luận", "by_id": "Người tái kiểm tra"},
    "adhoc_entry": {"lead_id": "Trưởng đoàn", "start_time": "Giờ bắt đầu", "end_time": "Giờ kết thúc"},
    "adhoc_team_member": {"entry_id": "Kiểm tra đột xuất", "user_id": "Thành viên đoàn"},
    "adhoc_entry_file": {"entry_id": "Kiểm tra đột xuất"},
    "holiday": {"date": "Ngày nghỉ", "name": "Tên ngày nghỉ"},
    "procedure": {"code": "Mã quy trình", "name": "Tên quy trình", "unit_id": "Đơn vị chủ trì"},
    "procedure_version": {"procedure_id": "Quy trình", "number": "Số phiên bản",
                          "effective_date": "Ngày hiệu lực", "note": "Nội dung sửa đổi"},
    "procedure_step": {"version_id": "Phiên bản quy trình", "position": "Bước số", "name": "Tên bước",
                       "responsible": "Người, bộ phận thực hiện", "days_limit": "Thời hạn (ngày làm việc)"},
    "procedure_form": {"version_id": "Phiên bản quy trình", "code": "Mã biểu mẫu", "name": "Tên biểu mẫu"},
    "sample_check": {"title": "Tên đợt bóc mẫu", "period_start": "Kỳ kiểm tra từ ngày",
                     "period_end": "Kỳ kiểm tra đến ngày", "status": "Tình trạng", "drawn_at": "Thời điểm rút mẫu",
                     "completed_by_id": "Người hoàn thành", "completed_on": "Ngày hoàn thành"},
    "sample_check_procedure": {"check_id": "Bóc mẫu hồ sơ", "procedure_id": "Quy trình"},
    "dossier": {"check_id": "Bóc mẫu hồ sơ", "procedure_id": "Quy trình", "version_id": "Phiên bản quy trình",
                "code": "Mã hồ sơ", "received_on": "Ngày tiếp nhận", "due_on": "Ngày hẹn trả",
                "returned_on": "Ngày trả kết quả", "handler_name": "Người xử lý", "handler_id": "Người xử lý",
                "sample_order": "Thứ tự trong mẫu"},
    "step_check": {"dossier_id": "Hồ sơ", "step_id": "Bước quy trình", "checked_by_id": "Người kiểm tra",
                   "checked_at": "Thời điểm kiểm tra"},
    "report_version": {"number": "Lần gửi", "submitted_at": "Thời điểm gửi", "submitted_by_id": "Người gửi",
                       "done_text": "Kết quả đã thực hiện", "indicator_value": "Giá trị chỉ tiêu đạt được",
                       "difficulties": "Khó khăn, vướng mắc", "proposals": "Kiến nghị, đề xuất",
                       "self_score": "Điểm tự chấm", "documents": "Văn bản kèm theo"},
    "year_records": {"plan_number": "Số kế hoạch", "plan_date": "Ngày kế hoạch", "plan_signer": "Người ký kế hoạch",
                     "plan_signer_title": "Chức vụ người ký kế hoạch", "plan_file_id": "Tệp kế hoạch",
                     "decision_number": "Số quyết định", "decision_date": "Ngày quyết định",
                     "decision_signer": "Người ký quyết định", "decision_signer_title": "Chức vụ người ký quyết định"},
    "team_role": {"records_id": "Kế hoạch và quyết định kiểm tra năm", "role": "Chức danh",
                  "user_id": "Thành viên"},
    "minutes_record": {"number": "Số biên bản", "held_on": "Ngày kiểm tra", "start_time": "Giờ bắt đầu",
                       "end_time": "Giờ kết thúc", "place": "Địa điểm", "team_ids": "Thành viên đoàn",
                       "unit_ids": "Đại diện đơn vị", "unit_signer_id": "Người ký thay mặt đơn vị",
                       "opinion": "Ý kiến của đơn vị", "copies": "Số bản"},
    "good_practice": {"marked_by_id": "Người ghi nhận", "marked_at": "Thời điểm ghi nhận", "note": "Ghi chú"},
    "directive_task": {"sign_off_id": "Ý kiến chỉ đạo", "assignee_id": "Người thực hiện", "action": "Nhiệm vụ",
                       "deadline": "Thời hạn", "report": "Kết quả thực hiện", "done_on": "Ngày hoàn thành",
                       "confirmed_by_id": "Người xác nhận", "confirmed_at": "Thời điểm xác nhận"},
    "round_criterion": {"area_code": "Mã lĩnh vực", "area_name": "Tên lĩnh vực",
                        "area_position": "Thứ tự lĩnh vực", "level_path": "Thuộc các mục"},
    "ranking_setup": {"coordinator_weight": "Hệ số của người phối hợp", "excellent_from": "Xuất sắc từ (điểm)",
                      "good_from": "Tốt từ (điểm)", "done_from": "Hoàn thành từ (điểm)"},
    "ranking_round_weight": {"setup_id": "Cách xếp loại năm", "weight": "Trọng số"},
    "ranking_decision": {"subject": "Đối tượng xếp loại", "subject_id": "Được xếp loại", "proposed": "Mức đề xuất",
                         "level": "Mức xếp loại", "reason": "Lý do", "decided_by_id": "Người quyết định",
                         "decided_at": "Thời điểm quyết định"},
    "notification": {"key": "Loại thông báo", "url": "Đường dẫn", "read_at": "Thời điểm đọc",
                     "emailed_at": "Thời điểm gửi thư"},
}

_ROLE_CHOICES = dict(R.LABELS)


@cache
def choices() -> dict[str, dict]:
    """(table, field) -> {stored value: label}; built lazily, the areas import this module."""
    from portal.adhoc.models import SUBJECT_KINDS
    from portal.catalogue.models import CATALOGUE_KINDS
    from portal.scoring.models import LEVELS, SUBJECTS
    from portal.scoring.rules import RULES as SCORING_RULES
    from portal.assignments.models import ROLES as ASSIGNMENT_ROLES
    from portal.findings.models import CAUSES, REMEDY_STATUSES, SOURCES
    from portal.iso.models import CHECK_STATUSES, KINDS as PROC_KINDS, RESULTS
    from portal.rounds.models import KINDS as ROUND_KINDS, RATINGS, REPORT_STATES, REPORT_STATUSES, STATES

    return {
        ("user_role", "role"): _ROLE_CHOICES,
        ("catalogue", "kind"): CATALOGUE_KINDS,
        ("directive_task", "status"): _directive_statuses(),
        ("criterion", "scoring_rule"): SCORING_RULES,
        ("ranking_decision", "subject"): SUBJECTS,
        ("ranking_decision", "level"): LEVELS,
        ("ranking_decision", "proposed"): LEVELS,
        ("user", "roles"): _ROLE_CHOICES,
        ("round", "kind"): ROUND_KINDS,
        ("round", "state"): STATES,
        ("round", "from"): STATES,
        ("round", "to"): STATES,
        ("report", "state"): REPORT_STATES,
        ("report", "status"): REPORT_STATUSES,
        ("review", "rating"): RATINGS,
        ("round", "decision"): {**RATINGS, "khong_gui": "Không gửi báo cáo"},
        ("clarification_message", "kind"): {"request": "Yêu cầu giải trình", "answer": "Trả lời giải trình"},
        ("assignment_history", "role"): ASSIGNMENT_ROLES,
        ("finding", "source"): SOURCES,
        ("finding", "cause"): CAUSES,
        ("remedy", "status"): REMEDY_STATUSES,
        ("remedy_update", "status"): REMEDY_STATUSES,
        ("re_inspection", "passed"): {True: "Đạt — đã khắc phục", False: "Chưa đạt — tiếp tục khắc phục"},
        ("reinspection", "passed"): {True: "Đạt — đã khắc phục", False: "Chưa đạt — tiếp tục khắc phục"},
        ("adhoc_entry", "subject_kind"): SUBJECT_KINDS,
        ("procedure", "kind"): PROC_KINDS,
        ("sample_check", "status"): CHECK_STATUSES,
        ("step_check", "result"): RESULTS,
    }


def _directive_statuses() -> dict:
    try:
        from portal.directives.models import TASK_STATUSES
    except ImportError:
        return {}
    return TASK_STATUSES


def _form_classes():
    """The forms whose labels name a model's columns (table -> forms)."""
    from portal.accounts.forms import UnitForm, UserForm
    from portal.adhoc.forms import EntryForm
    from portal.assignments.forms import AssignmentForm
    from portal.findings.forms import FindingForm, ReInspectionForm, RemedyForm
    from portal.iso.forms import CheckForm, HolidayForm, ProcedureHeadForm, StepForm, VersionFields
    from portal.rounds.forms import ReportForm, RoundForm
    from portal.settings.forms import SettingsForm

    return {
        "unit": [UnitForm], "user": [UserForm], "adhoc_entry": [EntryForm],
        "assignment": [AssignmentForm], "finding": [FindingForm], "remedy": [RemedyForm],
        "re_inspection": [ReInspectionForm], "reinspection": [ReInspectionForm],
        "sample_check": [CheckForm], "holiday": [HolidayForm], "procedure": [ProcedureHeadForm],
        "procedure_version": [VersionFields], "step_check": [StepForm],
        "report": [ReportForm], "round": [RoundForm], "ward_settings": [SettingsForm],
    }


# A table that copies another's columns reads with the other's labels (then its own in FIELDS).
ALIASES = {"round_criterion": "criterion"}


def _form_labels(form_class) -> dict[str, str]:
    from wtforms.fields.core import UnboundField

    labels = {}
    for name in dir(form_class):
        field = getattr(form_class, name, None)
        if isinstance(field, UnboundField):
            label = field.kwargs.get("label") or (field.args[0] if field.args else None)
            if isinstance(label, str) and label:
                labels[name] = labels[name + "_id"] = label
    return labels


@cache
def field_labels(table: str) -> dict[str, str]:
    labels = dict(COMMON)
    if table in ALIASES:
        labels.update(field_labels(ALIASES[table]))
    try:
        forms = _form_classes().get(table, [])
    except ImportError:  # an area not present in this build
        forms = []
    for form in forms:
        labels.update(_form_labels(form))
    labels.update(FIELDS.get(table, {}))
    return labels


def model_label(table: str) -> str:
    return MODELS.get(table) or table.replace("_", " ").capitalize()


def field_label(table: str, field: str) -> str:
    return field_labels(table).get(field) or field.replace("_", " ").capitalize()


def action_label(action: str) -> str:
    return ACTIONS.get(action) or action.replace("_", " ").capitalize()


def choice_label(table: str, field: str, value):
    """The label of a stored choice, or None when the field has no choices."""
    options = choices().get((table, field))
    if options is None:
        return None
    return options.get(value, value)
