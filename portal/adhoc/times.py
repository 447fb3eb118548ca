"""The hour an ad-hoc check began and ended: read from the form's `<input type="time">` (always
"08:30" on the wire, whatever the browser shows) and, leniently, from what a person types where
no time picker exists ("8:30", "8h30", "8g30", "08:30:00"); written "08:30" on pages and in Excel.
"""
from __future__ import annotations

import re
from datetime import time

END_BEFORE_START = "Giờ kết thúc phải sau giờ bắt đầu."

_TIME = re.compile(r"([0-9]{1,2})(?:[:hg]([0-9]{2})?(?::([0-9]{2}))?)?")


def parse_time(text: str | None) -> time | None:
    """None for an empty value; ValueError for anything that is not a time of day."""
    text = (text or "").strip().lower().replace(" ", "")
    if not text:
        return None
    m = _TIME.fullmatch(text.replace("giờ", "g").removesuffix("phút"))
    if not m:
        raise ValueError(text)
    hours, minutes = int(m[1]), int(m[2] or 0)
    if hours > 23 or minutes > 59 or int(m[3] or 0) > 59:
        raise ValueError(text)
    return time(hours, minutes)  # seconds, if a browser sent them, are dropped


def hhmm(t: time | None) -> str:
    return f"{t.hour:02d}:{t.minute:02d}" if t is not None else ""


def time_span(start: time | None, end: time | None) -> str:
    """"08:30 – 10:15", "từ 08:30", "đến 10:15", or "" when neither is known."""
    if start is not None and end is not None:
        return f"{hhmm(start)} – {hhmm(end)}"
    if start is not None:
        return f"từ {hhmm(start)}"
    return f"đến {hhmm(end)}" if end is not None else ""
