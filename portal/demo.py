"""The demo ward: Thành Sen (Hà Tĩnh), its offices, a dozen people covering every role, and the
2026 catalogue. `flask demo` builds the schema if needed and loads it once (idempotent).

Areas add their own demo data with a `demo.py` holding `seed(context)`; they run in AREAS order.
"""
import importlib
from pathlib import Path

import click
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import select

from portal.accounts import roles as R
from portal.accounts.models import Unit, User
from portal.accounts.services import create_user
from portal.extensions import db
from portal.settings.models import get_settings

DEMO_PASSWORD = "ThanhSen@2026"

UNITS = [
    ("Văn phòng HĐND và UBND", "VP", "Cơ quan"),
    ("Phòng Văn hóa - Xã hội", "VHXH", "Phòng chuyên môn"),
    ("Phòng Kinh tế, Hạ tầng và Đô thị", "KTHTĐT", "Phòng chuyên môn"),
    ("Trung tâm Phục vụ hành chính công", "TTPVHCC", "Trung tâm"),
    ("Trạm Y tế phường", "TYT", "Đơn vị sự nghiệp"),
    ("Công an phường", "CA", "Lực lượng vũ trang"),
]

# username, full name, unit short name, position, roles
PEOPLE = [
    ("admin", "Nguyễn Văn Quản", "VP", "Công chức Văn phòng - Thống kê (quản trị hệ thống)", (R.ADMIN,)),
    ("chutich", "Phan Văn Hùng", "VP", "Chủ tịch UBND phường", (R.LEADER,)),
    ("phochutich", "Trần Thị Thủy Nga", "VP", "Phó Chủ tịch UBND phường", (R.LEADER,)),
    ("vhxh.nhung", "Lê Thị Hồng Nhung", "VHXH", "Trưởng phòng Văn hóa - Xã hội", (R.SECRETARIAT, R.INSPECTOR, R.STAFF)),
    ("vhxh.ha", "Võ Thị Hà", "VHXH", "Công chức Văn hóa - Xã hội", (R.SECRETARIAT, R.STAFF)),
    ("vp.viet", "Đặng Quốc Việt", "VP", "Chánh Văn phòng HĐND và UBND", (R.INSPECTOR, R.STAFF)),
    ("vp.thu", "Phạm Thị Thu", "VP", "Công chức Văn phòng - Thống kê", (R.STAFF,)),
    ("vp.khoa", "Trần Đình Khoa", "VP", "Công chức Tư pháp - Hộ tịch", (R.STAFF,)),
    ("kt.duc", "Hoàng Minh Đức", "KTHTĐT", "Trưởng phòng Kinh tế, Hạ tầng và Đô thị", (R.INSPECTOR, R.STAFF)),
    ("kt.lan", "Nguyễn Thị Lan", "KTHTĐT", "Công chức Tài chính - Kế toán", (R.STAFF,)),
    ("tt.mai", "Bùi Thị Mai", "TTPVHCC", "Phó Giám đốc Trung tâm Phục vụ hành chính công", (R.STAFF,)),
    ("tt.tam", "Lê Văn Tâm", "TTPVHCC", "Công chức tiếp nhận và trả kết quả", (R.STAFF,)),
    ("yt.huong", "Nguyễn Thị Hường", "TYT", "Trưởng Trạm Y tế", (R.STAFF,)),
]

CATALOGUE_FILE = Path(__file__).parent / "catalogue" / "data" / "thanh_sen_2026.yaml"


def load_demo() -> bool:
    """Load the demo ward into an empty database. Returns False if it was already there."""
    from portal.notifications.events import quiet

    with quiet():  # the demo's past events are history, not news for anyone
        return _load_demo()


def _load_demo() -> bool:
    if db.session.scalar(select(User.id).limit(1)) is not None:
        return False
    ward = get_settings()
    ward.ward_name = "Phường Thành Sen"
    ward.province = "Hà Tĩnh"
    ward.issuer_parent = ""
    ward.issuer_name = "ỦY BAN NHÂN DÂN\nPHƯỜNG THÀNH SEN"
    ward.issuer_short = "UBND"
    ward.place_name = "Thành Sen"
    ward.chairman_name = "Phan Văn Hùng"
    ward.signer_name = "Trần Thị Thủy Nga"
    ward.signer_title = "PHÓ CHỦ TỊCH"
    ward.default_recipients = "\n".join([
        "Sở Nội vụ (báo cáo)", "TTr Đảng ủy, TTr HĐND phường", "Chủ tịch, các PCT UBND phường",
        "Các phòng, cơ quan, đơn vị trên địa bàn phường"])
    units = {}
    for pos, (name, short, kind) in enumerate(UNITS, start=1):
        units[short] = Unit(name=name, short_name=short, kind=kind, position=pos)
        db.session.add(units[short])
    db.session.flush()
    people = {}
    for username, name, unit, position, roles in PEOPLE:
        people[username] = create_user(username, name, DEMO_PASSWORD, roles=roles, unit=units[unit],
                                       position_title=position, email=f"{username}@thanhsen.example")
    from portal.catalogue.cli import load_file

    catalogue, errors = load_file(CATALOGUE_FILE)
    if errors:
        raise RuntimeError("; ".join(errors))
    context = {"units": units, "people": people, "catalogue": catalogue}
    from portal import AREAS

    for area in AREAS:
        try:
            module = importlib.import_module(f"portal.{area}.demo")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"portal.{area}", f"portal.{area}.demo"):
                raise
            continue
        module.seed(context)
        db.session.flush()
    db.session.commit()
    return True


def register(app):
    @app.cli.command("demo")
    def demo_command():
        """Tạo cơ sở dữ liệu (nếu chưa có) và nạp dữ liệu mẫu phường Thành Sen."""
        upgrade(directory=current_app.extensions["migrate"].directory)
        if load_demo():
            click.echo("Đã nạp dữ liệu mẫu phường Thành Sen. Mật khẩu mọi tài khoản mẫu: " + DEMO_PASSWORD)
            for username, name, _unit, _pos, roles in PEOPLE:
                click.echo(f"  {username:<12} {name:<22} {', '.join(R.LABELS[r] for r in roles)}")
        else:
            click.echo("Cơ sở dữ liệu đã có dữ liệu; không nạp lại dữ liệu mẫu.")
