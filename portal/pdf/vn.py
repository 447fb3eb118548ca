"""Vietnamese number, percent and date writing for documents (Nghị định 30/2020/NĐ-CP usage)."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def num(value, decimals: int | None = None) -> str:
    """1234.5 -> "1.234,5"; with decimals=2 -> "1.234,50". None -> ""."""
    if value is None:
        return ""
    d = Decimal(str(value))
    if decimals is not None:
        d = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{d:,.{decimals}f}"
    else:
        d = d.normalize()
        text = f"{d:,f}" if d == d.to_integral() else f"{d:,}"
        if "E" in text or "e" in text:
            text = f"{d:,f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def pct(part: int, whole: int, decimals: int = 2) -> str:
    """Share as a Vietnamese percent: pct(17, 20) -> "85,00%"; "—" when there is no whole."""
    if not whole:
        return "—"
    return num(Decimal(100) * Decimal(part) / Decimal(whole), decimals) + "%"


def two(n: int) -> str:
    """Counts and numbers under 10 take a leading zero: 7 -> "07"."""
    return f"{n:02d}" if 0 <= n < 10 else str(n)


def dmy(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def long_date(d: date | None) -> str:
    """"ngày 05 tháng 02 năm 2026": days under 10 and months 1, 2 take a leading zero."""
    if d is None:
        return "ngày     tháng     năm 20    "
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def hour(t) -> str:
    """"08 giờ 30 phút" / "14 giờ" for a time."""
    if t is None:
        return "… giờ …"
    return f"{t.hour:02d} giờ {t.minute:02d} phút" if t.minute else f"{t.hour:02d} giờ"


def running(name: str) -> str:
    """An administrative name inside a sentence: "Phường Thành Sen" -> "phường Thành Sen"."""
    for word in ("Phường", "Xã", "Thị trấn"):
        if name.startswith(word + " "):
            return word.lower() + name[len(word):]
    return name
