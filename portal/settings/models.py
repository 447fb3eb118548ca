from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class WardSettings(db.Model):
    """The one ward this portal serves: its names, letterhead and signatories (one row)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_name: Mapped[str] = mapped_column(String(120), default="Phường")
    province: Mapped[str] = mapped_column(String(120), default="")
    # Letterhead (Nghị định 30/2020): the parent body line, then the issuing body in capitals.
    issuer_parent: Mapped[str] = mapped_column(String(200), default="")
    issuer_name: Mapped[str] = mapped_column(String(200), default="ỦY BAN NHÂN DÂN")
    issuer_short: Mapped[str] = mapped_column(String(30), default="UBND")
    place_name: Mapped[str] = mapped_column(String(120), default="")
    chairman_name: Mapped[str] = mapped_column(String(120), default="")
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    signer_title: Mapped[str] = mapped_column(String(120), default="PHÓ CHỦ TỊCH")
    sign_on_behalf: Mapped[str] = mapped_column(String(120), default="TM. ỦY BAN NHÂN DÂN")
    sign_for: Mapped[str] = mapped_column(String(120), default="KT. CHỦ TỊCH")
    secretariat_unit_code: Mapped[str] = mapped_column(String(30), default="VHXH")
    default_recipients: Mapped[str] = mapped_column(Text, default="")
    upload_max_mb: Mapped[int] = mapped_column(default=20)
    report_deadline_days: Mapped[int] = mapped_column(default=5)
    # A finding's first remedy is due this many days after it is recorded, unless changed.
    remedy_deadline_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # When the portal sends the day's reminders and e-mail digests (Vietnam time, HH:MM).
    reminders_at: Mapped[str] = mapped_column(String(5), default="07:00", server_default="07:00")
    # Per document type: header, number code, signer lines and recipients (portal.settings.documents
    # holds the defaults; only what the ward changed is stored).
    doc_profiles: Mapped[dict] = mapped_column(JSON, default=dict)
    # Login sessions: ended after this long without a request, and this long after login
    # whatever happens (a remembered login lasts remember_days instead, then ends too).
    session_idle_minutes: Mapped[int] = mapped_column(default=60)
    session_max_hours: Mapped[int] = mapped_column(default=12)
    remember_days: Mapped[int] = mapped_column(default=14)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    audit_label = "Cài đặt phường"

    @property
    def sign_lines(self) -> list[str]:
        return [line for line in (self.sign_on_behalf, self.sign_for, self.signer_title) if line]

    @property
    def recipients(self) -> list[str]:
        return [line.strip() for line in self.default_recipients.splitlines() if line.strip()]


def get_settings() -> WardSettings:
    """The ward's settings row, created with defaults on first use."""
    row = db.session.get(WardSettings, 1)
    if row is None:
        row = WardSettings(id=1)
        db.session.add(row)
        db.session.flush()
    return row
