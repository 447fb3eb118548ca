"""Demo records for the documents: salutations, the 2026 plan and the team decision, the minutes
of round 1 at the Văn phòng, and one good practice."""
from datetime import date, time

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.rounds.models import Report, Round

from .models import GoodPractice, MinutesRecord, TeamRole, YearRecords


def seed(context):
    people = context["people"]
    for user in db.session.scalars(select(User)):
        # Vietnamese names mark women with "Thị" in the middle name; the demo relies on it.
        user.salutation = "Bà" if " Thị " in f" {user.full_name} " else "Ông"
    rec = YearRecords(year=2026, plan_number="165/KH-UBND", plan_date=date(2026, 6, 10),
                      plan_signer="Trần Thị Thủy Nga", plan_signer_title="Phó Chủ tịch UBND phường",
                      decision_number="212/QĐ-UBND", decision_date=date(2026, 6, 15),
                      decision_signer="Phan Văn Hùng", decision_signer_title="Chủ tịch UBND phường")
    rec.roles = [TeamRole(user_id=people["vhxh.nhung"].id, role="Trưởng đoàn", position=1),
                 TeamRole(user_id=people["vp.viet"].id, role="Phó Trưởng đoàn", position=2),
                 TeamRole(user_id=people["kt.duc"].id, role="Thành viên", position=3)]
    db.session.add(rec)
    r1 = db.session.scalar(select(Round).where(Round.year == 2026).order_by(Round.start_on))
    if r1 is None:
        return
    vp = next(u for u in context["units"].values() if u.short_name == "VP")
    team = [people["vhxh.nhung"].id, people["vp.viet"].id, people["kt.duc"].id]
    db.session.add(MinutesRecord(
        round_id=r1.id, unit_id=vp.id, number="01", held_on=r1.start_on, start_time=time(8, 0),
        end_time=time(11, 30), place="trụ sở UBND phường", team_ids=team,
        unit_ids=[people["vp.thu"].id, people["vp.khoa"].id], unit_signer_id=people["vp.thu"].id,
        opinion="Văn phòng HĐND và UBND thống nhất với kết quả kiểm tra và sẽ khắc phục trước ngày 31/7/2026.",
        copies=2))
    good = db.session.scalar(select(Report).where(Report.round_id == r1.id, Report.submitted_at.is_not(None))
                             .order_by(Report.id))
    if good is not None:
        db.session.add(GoodPractice(round_id=r1.id, report_id=good.id, marked_by_id=people["vhxh.nhung"].id,
                                    note="Ban hành kế hoạch sớm, phân công rõ người, rõ việc, rõ thời hạn"))
