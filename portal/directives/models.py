"""A task given by a leader's directive (ý kiến chỉ đạo) at a round's sign-off."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import now_utc

TASK_STATUSES = {"todo": "Chưa thực hiện", "doing": "Đang thực hiện",
                 "done": "Đã hoàn thành (chờ xác nhận)", "confirmed": "Đã xác nhận hoàn thành"}


class DirectiveTask(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    sign_off_id: Mapped[int] = mapped_column(ForeignKey("sign_off.id", ondelete="CASCADE"), index=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="todo", index=True)
    report: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    version: Mapped[int] = mapped_column(default=1)

    sign_off = relationship("SignOff")
    assignee = relationship("User", foreign_keys=[assignee_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
    created_by = relationship("User", foreign_keys=[created_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Nhiệm vụ chỉ đạo #{self.id}"

    @property
    def status_label(self):
        return TASK_STATUSES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status in ("todo", "doing")

    def is_overdue(self, on: date) -> bool:
        return self.is_open and self.deadline < on
