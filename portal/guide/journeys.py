"""The journeys of the user guide: for each role, the pages of a year in the portal, in order.

The same list drives the screenshot command (`flask guide screenshots`) and the browser test
tests/browser/test_guide_journeys.py, which checks every step still shows what the guide says,
so the pictures are retaken from the pages as they are."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    shot: str  # file name in docs/huong-dan/anh/ (without .png)
    path: str  # URL path; {round}, {closed_round}, {report}, {check}, {finding} filled from the demo ward
    expect: str  # text the page must show (the step waits for it)
    actions: tuple = ()  # ("fill", selector, value) | ("click", selector) | ("open", selector)
    wait_for: str = ""  # text to wait for after the actions (e.g. a filtered result)
    full_page: bool = False


@dataclass(frozen=True)
class Journey:
    role: str  # the guide page (docs/huong-dan/<role>.md)
    username: str
    steps: list = field(default_factory=list)


JOURNEYS = [
    Journey("thuong-truc", "vhxh.nhung", [
        Step("thuong-truc-trang-chu", "/", "Xin chào"),
        Step("thuong-truc-bo-noi-dung", "/bo-noi-dung/", "Bộ nội dung kiểm tra"),
        Step("thuong-truc-phan-cong", "/phan-cong/", "Phân công"),
        Step("thuong-truc-dot-kiem-tra", "/dot-kiem-tra/", "Đợt kiểm tra"),
        Step("thuong-truc-tien-do", "/dot-kiem-tra/{round}", "Tiến độ"),
        Step("thuong-truc-nhat-ky", "/nhat-ky/", "Nhật ký thay đổi",
             actions=(("fill", "#q", "bao cao"),), wait_for="mục nhật ký"),
    ]),
    Journey("can-bo", "vp.thu", [
        Step("can-bo-trang-chu", "/", "Xin chào"),
        Step("can-bo-bao-cao-cua-toi", "/dot-kiem-tra/{round}/cua-toi", "Báo cáo tự kiểm tra của tôi"),
        Step("can-bo-bao-cao", "/dot-kiem-tra/bao-cao/{report}", "Lịch sử thay đổi",
             actions=(("open", "details.history"),)),
        Step("can-bo-ton-tai", "/ton-tai/", "Tồn tại, hạn chế"),
    ]),
    Journey("doan-kiem-tra", "vp.viet", [
        Step("doan-kiem-tra-tham-dinh", "/dot-kiem-tra/{round}/tham-dinh", "Danh sách thẩm định"),
        Step("doan-kiem-tra-bao-cao", "/dot-kiem-tra/bao-cao/{report}", "Lịch sử thay đổi"),
        Step("doan-kiem-tra-boc-mau", "/iso/boc-mau/{check}", "Kết quả"),
        Step("doan-kiem-tra-dot-xuat", "/kiem-tra-dot-xuat/", "Sổ theo dõi kiểm tra đột xuất"),
    ]),
    Journey("lanh-dao", "chutich", [
        Step("lanh-dao-bang-dieu-khien", "/bang-dieu-khien/", "Bảng điều khiển"),
        Step("lanh-dao-bao-cao-ket-qua", "/bao-cao-ket-qua/dot/{closed_round}", "Báo cáo"),
        Step("lanh-dao-nhat-ky", "/nhat-ky/?loai=report", "Nhật ký thay đổi"),
    ]),
    Journey("quan-tri", "admin", [
        Step("quan-tri-nguoi-dung", "/quan-tri/nguoi-dung", "Người dùng"),
        Step("quan-tri-don-vi", "/quan-tri/don-vi", "Phòng, cơ quan, đơn vị"),
        Step("quan-tri-cai-dat", "/cai-dat/", "Cài đặt"),
        Step("quan-tri-ngay-nghi", "/iso/ngay-nghi", "Ngày nghỉ lễ, Tết"),
    ]),
]


def demo_context() -> dict:
    """Ids of the demo ward's records the journeys visit (inside an app context)."""
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.extensions import db
    from portal.findings.models import Finding
    from portal.iso.models import SampleCheck
    from portal.rounds.models import Report, Round

    current = db.session.scalars(select(Round).where(Round.state.in_(("open", "review")))
                                 .order_by(Round.start_on.desc())).first()
    closed = db.session.scalars(select(Round).where(Round.state == "closed").order_by(Round.start_on.desc())).first()
    current = current or closed
    thu = db.session.scalar(select(User.id).where(User.username == "vp.thu"))
    report = db.session.scalars(select(Report.id).where(Report.round_id == current.id, Report.author_id == thu)
                                .order_by(Report.id)).first()
    return {"round": current.id, "closed_round": (closed or current).id, "report": report,
            "check": db.session.scalar(select(SampleCheck.id).order_by(SampleCheck.id)),
            "finding": db.session.scalar(select(Finding.id).order_by(Finding.id))}
