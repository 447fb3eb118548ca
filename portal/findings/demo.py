"""Demo: one finding pointed out by a higher-level inspection, with two remedies (one overdue).
The ad-hoc demo (portal/adhoc/demo.py) adds a finding raised from an ad-hoc inspection."""
from datetime import timedelta

from portal.timeutil import today

from . import services as S


def seed(context):
    people, units, catalogue = context["people"], context["units"], context["catalogue"]
    criterion = next((c for a in catalogue.areas if a.code.startswith("1.3") for c in a.criteria), None)
    now = today()
    finding = S.record_finding(
        source="higher", found_on=now - timedelta(days=40),
        source_ref="Kết luận số 15/KL-SNV của Sở Nội vụ tỉnh Hà Tĩnh về kiểm tra công tác CCHC",
        criterion_id=criterion.id if criterion else None, unit_id=units["TTPVHCC"].id,
        person_id=people["tt.tam"].id,
        description=("Một số hồ sơ thủ tục hành chính lĩnh vực đất đai giải quyết quá hạn nhưng chưa "
                     "có văn bản xin lỗi người dân theo quy định."),
        cause="chu_quan", cause_detail="Công chức chưa theo dõi chặt chẽ thời hạn trên Hệ thống thông tin giải quyết TTHC.",
        recommendation="Rà soát toàn bộ hồ sơ quá hạn, gửi văn bản xin lỗi; bố trí theo dõi thời hạn hằng ngày.",
        created_by=people["vhxh.nhung"])
    S.add_remedy(finding, action="Rà soát hồ sơ quá hạn năm 2026 và gửi văn bản xin lỗi người dân",
                 owner_id=people["tt.tam"].id, deadline=now - timedelta(days=10))
    second = S.add_remedy(finding, action="Ban hành quy chế theo dõi thời hạn giải quyết hồ sơ hằng ngày tại Trung tâm",
                          owner_id=people["tt.mai"].id, deadline=now + timedelta(days=20))
    S.report_progress(second, people["tt.mai"], status="doing",
                      text="Đã xây dựng dự thảo quy chế, đang lấy ý kiến các công chức của Trung tâm.")
