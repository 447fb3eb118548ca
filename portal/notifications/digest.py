"""The daily digest: one e-mail per person gathering the notifications that waited for it."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select, update

from portal.extensions import db
from portal.timeutil import fmt_datetime

from . import outbox, services
from .models import Notification

MAX_ITEMS = 50  # a longer digest says "and n more" and links to the list


def digest_text(notifications: list[Notification]) -> str:
    lines = [f"Bạn có {len(notifications)} thông báo mới trên Cổng kiểm tra cải cách hành chính:", ""]
    for i, n in enumerate(notifications[:MAX_ITEMS], start=1):
        lines.append(f"{i}. {n.title}")
        if n.body:
            lines.append(f"   {n.body[:300]}")
        lines.append(f"   {fmt_datetime(n.created_at)} · {services.link_for(n.url)}")
    if len(notifications) > MAX_ITEMS:
        lines.append(f"… và {len(notifications) - MAX_ITEMS} thông báo khác.")
    lines += ["", f"Xem tất cả thông báo: {services.link_for('/thong-bao/')}"]
    return "\n".join(lines)


def build_digests(day: date) -> int:
    """Queue one digest per person for `day` with everything waiting (mail_state "digest").
    Returns how many digests were queued; the key (person, day) makes it once a day."""
    if not services.mail_configured():
        return 0
    waiting = db.session.scalars(select(Notification).where(Notification.mail_state == "digest")
                                 .order_by(Notification.user_id, Notification.created_at, Notification.id))
    by_user: dict = defaultdict(list)
    for n in waiting:
        by_user[n.user_id].append(n)
    queued = 0
    for notes in by_user.values():
        user = notes[0].user
        if not user.email or not user.active:
            continue
        subject = f"Tổng hợp {len(notes)} thông báo ngày {day:%d/%m/%Y}"
        row = outbox.queue(user, f"digest:{user.id}:{day.isoformat()}", subject, digest_text(notes),
                           [n.id for n in notes])
        if row is None:
            continue
        db.session.execute(update(Notification).where(Notification.id.in_([n.id for n in notes]))
                           .values(mail_state="queued").execution_options(synchronize_session=False))
        db.session.commit()
        queued += 1
    return queued
