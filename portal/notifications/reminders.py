"""Reminders of remedy deadlines (7, 3 and 1 days before), registered with the daily run.
Overdue remedies are reminded by the findings area (findings/reminders.py)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from .registry import Reminder, register_provider

REMIND_DAYS = (7, 3, 1)


def remedy_deadlines(today: date) -> list[Reminder]:
    from portal.findings.models import Remedy
    from portal.extensions import db

    days = {today + timedelta(days=n): n for n in REMIND_DAYS}
    remedies = db.session.scalars(select(Remedy).where(
        Remedy.deadline.in_(list(days)), Remedy.status.in_(("todo", "doing"))).order_by(Remedy.id))
    from portal.findings.owners import recipients

    out = []
    for remedy in remedies:
        n = days[remedy.deadline]
        # the deadline is in the key: a deadline moved later is reminded again
        for person in recipients(remedy):  # a unit's remedy: its head (owners.py)
            out.append(Reminder(
                user=person, key=f"remedy:{remedy.id}:due-{n}:{remedy.deadline.isoformat()}",
                title=f"Còn {n} ngày đến hạn biện pháp khắc phục #{remedy.id}",
                body=(f"Biện pháp “{remedy.action[:200]}” hết hạn ngày {remedy.deadline:%d/%m/%Y}. "
                      "Đề nghị hoàn thành và báo cáo kết quả."),
                url=f"/ton-tai/{remedy.finding_id}#bien-phap-{remedy.id}"))
    return out


register_provider(remedy_deadlines)
