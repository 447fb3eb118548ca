"""Demo: two ad-hoc inspections (a discipline check, a citizen's complaint) and one finding.

The discipline check has its hours (its minutes print "vào hồi 07 giờ 30 phút" and the end); the
complaint's were not noted, as in an entry written up afterwards (its minutes go without them)."""
from datetime import time, timedelta

from portal.findings import services as F
from portal.timeutil import today

from . import services as S


def seed(context):
    people, units = context["people"], context["units"]
    now = today()
    S.create_entry(
        created_by=people["vhxh.nhung"], inspected_on=now - timedelta(days=30), subject_kind="discipline",
        start_time=time(7, 30), end_time=time(9, 15),
        subject="Kiểm tra việc chấp hành giờ giấc làm việc, đeo thẻ công chức, thái độ phục vụ",
        trigger_ref="Kế hoạch kiểm tra CCHC năm 2026, mục III.2", unit_id=units["TTPVHCC"].id,
        unit_representative="Bùi Thị Mai", lead_id=people["vp.viet"].id,
        member_ids=[people["vhxh.nhung"].id, people["kt.duc"].id],
        content="Kiểm tra việc chấp hành thời giờ làm việc, đeo thẻ, niêm yết TTHC tại Trung tâm Phục vụ hành chính công lúc 7 giờ 30.",
        result="Các công chức có mặt đúng giờ, đeo thẻ đầy đủ; niêm yết TTHC công khai, đúng quy định.",
        violations="", handling="Không.")
    complaint = S.create_entry(
        created_by=people["vhxh.ha"], inspected_on=now - timedelta(days=12), subject_kind="complaint",
        subject="Phản ánh về việc giải quyết hồ sơ đất đai chậm so với giấy hẹn",
        trigger_ref="Đơn phản ánh ngày " + (now - timedelta(days=15)).strftime("%d/%m/%Y"),
        trigger_by="Ông Nguyễn Văn Bình, tổ dân phố 5", unit_id=units["TTPVHCC"].id,
        person_id=people["tt.tam"].id, unit_representative="Bùi Thị Mai", lead_id=people["vhxh.nhung"].id,
        member_ids=[people["kt.duc"].id],
        content="Kiểm tra hồ sơ đăng ký biến động đất đai của ông Nguyễn Văn Bình và sổ theo dõi hồ sơ.",
        result="Hồ sơ trễ hạn 6 ngày làm việc; không có phiếu xin lỗi và hẹn lại ngày trả kết quả.",
        violations="Giải quyết hồ sơ đất đai quá hạn, không gửi phiếu xin lỗi và hẹn lại ngày trả kết quả.",
        handling="Nhắc nhở, yêu cầu khắc phục ngay; công chức làm bản kiểm điểm.")
    finding = F.record_finding(
        source="adhoc", source_id=complaint.id, found_on=complaint.inspected_on,
        source_ref="Kiểm tra đột xuất theo đơn phản ánh", unit_id=units["TTPVHCC"].id,
        person_id=people["tt.tam"].id, cause="chu_quan",
        description="Hồ sơ đăng ký biến động đất đai trễ hạn, không gửi phiếu xin lỗi và hẹn lại.",
        recommendation="Trả kết quả cho công dân, gửi phiếu xin lỗi; chấn chỉnh việc theo dõi hồ sơ.",
        created_by=people["vhxh.ha"])
    F.add_remedy(finding, action="Trả kết quả hồ sơ và gửi phiếu xin lỗi ông Nguyễn Văn Bình",
                 owner_id=people["tt.tam"].id, deadline=now + timedelta(days=5))
