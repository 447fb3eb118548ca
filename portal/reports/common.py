"""What every document of the portal shares: the issuer's header and signer from the ward's
document settings, the citation of the year's plan and team decision, people written with their
salutation, the DỰ THẢO rule and the "decided content only" rule for reports."""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts import roles as R
from portal.accounts.models import Unit, User
from portal.extensions import db
from portal.pdf.model import Document, Signer
from portal.pdf.vn import dmy, running
from portal.settings import documents as profiles
from portal.settings.models import get_settings
from portal.timeutil import today

from .models import YearRecords

HEAD_WORDS = ("trưởng", "chánh", "giám đốc")


def person(user: User | None, *, title=True) -> str:
    """"Bà Lê Thị Hồng Nhung - Trưởng phòng Văn hóa - Xã hội" (no "Ông/bà" guesswork: a person
    without a salutation is written by name alone)."""
    if user is None:
        return ""
    name = f"{user.salutation} {user.full_name}" if user.salutation else user.full_name
    return f"{name}, {user.position_title}" if title and user.position_title else name


def unit_head(unit: Unit | None) -> User | None:
    """The unit's head signs for it: its Trưởng phòng / Chánh Văn phòng / Giám đốc (never the
    ward's leaders, who sit in the Văn phòng but do not represent it); else its deputy head."""
    if unit is None:
        return None
    members = [m for m in unit.members if m.active and not m.has_role(R.LEADER)]
    for words in (HEAD_WORDS, ("phó",)):
        found = next((m for m in members if m.position_title.lower().startswith(words)), None)
        if found:
            return found
    return None


def records(year: int) -> YearRecords | None:
    return db.session.scalar(select(YearRecords).where(YearRecords.year == year))


def ward_running_name(ward=None) -> str:
    ward = ward or get_settings()
    return running(ward.ward_name or "phường")


def plan_citation(year: int, ward=None) -> str:
    """"Kế hoạch số 146/KH-UBND ngày 15/01/2026 của UBND phường Thành Sen về kiểm tra cải cách hành
    chính năm 2026" — the number and date left blank to fill by hand when not recorded."""
    rec = records(year)
    number = rec.plan_number if rec and rec.plan_number else "     "
    when = dmy(rec.plan_date) if rec and rec.plan_date else "     /     /" + str(year)
    number = number if "/" in number else f"{number}/KH-UBND"
    return (f"Kế hoạch số {number} ngày {when} của UBND {ward_running_name(ward)} về kiểm tra "
            f"cải cách hành chính năm {year}")


def decision_citation(year: int, ward=None) -> str:
    rec = records(year)
    number = rec.decision_number if rec and rec.decision_number else "     "
    when = dmy(rec.decision_date) if rec and rec.decision_date else "     /     /" + str(year)
    number = number if "/" in number else f"{number}/QĐ-UBND"
    return (f"Quyết định số {number} ngày {when} của Chủ tịch UBND {ward_running_name(ward)} về việc "
            f"thành lập Đoàn kiểm tra cải cách hành chính năm {year}")


def team(rnd) -> list[tuple[User, str]]:
    """The team of a round with each member's role: from the year's decision when it names them,
    else Trưởng đoàn for the round's leader and Thành viên for the others."""
    rec = records(rnd.year)
    named = {r.user_id: r.role for r in rec.roles} if rec else {}
    people = ([rnd.leader] if rnd.leader else []) + [m for m in rnd.members if m.id != rnd.leader_id]
    return [(u, named.get(u.id) or ("Trưởng đoàn" if u.id == rnd.leader_id else "Thành viên")) for u in people]


def number(code_number: str, kind: str, issuer_code: str) -> str:
    """"7" -> "07/BC-ĐKT"; "" -> "/BC-ĐKT" (the blank the văn thư fills)."""
    code_number = (code_number or "").strip()[:20]
    if code_number.isdigit():
        code_number = f"{int(code_number):02d}"
    return f"{code_number}/{kind}-{issuer_code}"


def is_draft(rnd) -> bool:
    """A document of a round that is not closed is a draft (DỰ THẢO on every page)."""
    return rnd.state != "closed"


def decided(report) -> bool:
    """Only what the author sent counts as a result: never an unsent (or withdrawn) draft, nor a
    report without a status."""
    return report.state in ("submitted", "clarify") and bool(report.status)


def document(kind: str, *, doc_type: str, type_code: str, title: str, subtitle: str, file_stem: str,
             code_number: str = "", signer_name: str = "", on=None, values=None, **extra) -> Document:
    """A Document with header, number, signer and recipients from the ward's settings for
    `doc_type` (portal.settings.documents)."""
    ward = get_settings()
    prof = profiles.profile(ward, doc_type, **(values or {}))
    recipients = prof["recipients"] if prof["recipients"] or prof["archive"] else None
    return Document(
        kind=kind, file_stem=file_stem, title=title, subtitle=subtitle, parent=prof["parent"],
        issuer=prof["issuer"], number=number(code_number, type_code, prof["code"]) if type_code else None,
        place=ward.place_name or "", date=on if on is not None else today(),
        signers=[Signer(prof["sign_lines"], prof["signer_name"] or signer_name)] if prof["sign_lines"] else [],
        recipients=recipients, archive=prof["archive"] or "Lưu: VT", **extra)
