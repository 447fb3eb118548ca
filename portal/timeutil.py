"""Dates and times as the ward sees them (Vietnam, UTC+7, no daylight saving)."""
from datetime import date, datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "ICT")


def now_utc() -> datetime:
    """Naive UTC, the form every timestamp column stores (SQLite keeps no zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today() -> date:
    return datetime.now(VN_TZ).date()


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(VN_TZ)


def fmt_date(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def fmt_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return to_local(value).strftime("%d/%m/%Y %H:%M")


def parse_date(text: str) -> date:
    """Parse dd/mm/yyyy (also d/m/yyyy and ISO yyyy-mm-dd, which date inputs send)."""
    text = (text or "").strip()
    if "-" in text:
        return date.fromisoformat(text)
    return datetime.strptime(text, "%d/%m/%Y").date()
