"""Reminders for authors with unsent reports, and the author's home-page items."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db

from .models import Report, Round


# --------------------------------------------------------------------------------------------
# Reminders
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reminder:
    user: User
    key: str
    title: str
    body: str
    url: str


REMIND_DAYS = (7, 3, 1)


def due_reminders(today: date) -> list[Reminder]:
    """Reminders due today for authors with unsubmitted reports in open rounds: 7, 3 and 1 days
    before the deadline, and once when late. Keys are unique so delivery can dedupe."""
    rounds = db.session.scalars(select(Round).where(Round.state == "open")).all()
    out = []
    for rnd in rounds:
        days_left = (rnd.report_deadline - today).days
        if days_left in REMIND_DAYS:
            tag = f"d{days_left}"
        elif days_left < 0:
            tag = "late"
        else:
            continue
        rows = db.session.execute(
            select(User, func.count(Report.id)).join(Report, Report.author_id == User.id)
            .where(Report.round_id == rnd.id, Report.state == "draft")
            .group_by(User.id).order_by(User.id)).all()
        for user, count in rows:
            if tag == "late":
                title = f"Quá hạn gửi báo cáo tự kiểm tra — {rnd.name}"
                body = (f"Hạn gửi báo cáo là {rnd.report_deadline:%d/%m/%Y}; bạn còn {count} nội dung "
                        "chưa gửi. Đề nghị hoàn thành và gửi ngay.")
            else:
                title = f"Còn {days_left} ngày đến hạn gửi báo cáo — {rnd.name}"
                body = (f"Hạn gửi báo cáo tự kiểm tra là {rnd.report_deadline:%d/%m/%Y}; bạn còn {count} "
                        "nội dung chưa gửi.")
            out.append(Reminder(user=user, key=f"round{rnd.id}-{tag}-user{user.id}", title=title,
                                body=body, url=f"/dot-kiem-tra/{rnd.id}/cua-toi"))
    return out


def home_items(user, today: date) -> list[dict]:
    """For the author's home page: rounds open with their unsubmitted or clarify reports."""
    rows = db.session.execute(
        select(Round, Report.state, func.count(Report.id)).join(Report, Report.round_id == Round.id)
        .where(Report.author_id == user.id, Round.state.in_(("open", "review")),
               Report.state.in_(("draft", "clarify")))
        .group_by(Round.id, Report.state).order_by(Round.report_deadline)).all()
    items: dict = {}
    for rnd, state, count in rows:
        if state == "draft" and rnd.state != "open":
            continue
        item = items.setdefault(rnd.id, {"round": rnd, "draft": 0, "clarify": 0,
                                         "days_left": (rnd.report_deadline - today).days})
        item[state] += count
    return list(items.values())
