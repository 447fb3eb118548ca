"""Reminders of overdue remedies, for the notifications area (registered when it is present)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts import roles as R
from portal.accounts.models import User, UserRole
from portal.extensions import db

from .owners import recipients
from .services import overdue_remedies


@dataclass(frozen=True)
class Reminder:
    user: User
    key: str  # the notifier sends a key once
    title: str
    body: str
    url: str


REPEAT_DAYS = 7


def reminder_day(days_late: int) -> bool:
    """An overdue remedy is reminded the day after its deadline and then once a week (8, 15, …
    days late), not every morning: a daily message about the same late work is soon ignored."""
    return days_late >= 1 and (days_late - 1) % REPEAT_DAYS == 0


def overdue_reminders(today: date) -> list[Reminder]:
    """Each overdue remedy to its owner on its reminder days; on any day one of them is due a
    reminder, a digest of every overdue remedy to each secretariat member."""
    late = overdue_remedies(today)
    out = []
    for r in late:
        days = (today - r.deadline).days
        if not reminder_day(days):
            continue
        for person in recipients(r):  # a unit's remedy: its head (owners.py)
            out.append(Reminder(
                # the deadline is in the key: a deadline moved and missed again is reminded again
                user=person, key=f"remedy-overdue:{r.id}:{r.deadline.isoformat()}:{days}",
                title=f"Biện pháp khắc phục quá hạn {days} ngày",
                body=(f"Biện pháp “{r.action[:200]}” (tồn tại #{r.finding_id}) hết hạn ngày "
                      f"{r.deadline:%d/%m/%Y}. Đề nghị báo cáo kết quả khắc phục."),
                url=f"/ton-tai/{r.finding_id}#bien-phap-{r.id}"))
    if out:
        secretariat = db.session.scalars(
            select(User).join(UserRole).where(UserRole.role == R.SECRETARIAT, User.active)).all()
        lines = "\n".join(f"- {r.owner_name}: {r.action[:120]} (hạn {r.deadline:%d/%m/%Y})" for r in late)
        for person in secretariat:
            out.append(Reminder(
                user=person, key=f"remedy-overdue-digest:{today.isoformat()}",
                title=f"{len(late)} biện pháp khắc phục quá hạn",
                body=f"Các biện pháp khắc phục đã quá hạn:\n{lines}",
                url="/ton-tai/?trang_thai=overdue"))
    return out


def register() -> None:
    try:
        from portal.notifications.registry import register_provider
    except ImportError:  # the notifications area is not on this branch
        return
    register_provider(overdue_reminders)
