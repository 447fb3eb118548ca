"""Shared lookups for the findings and ad-hoc tests: demo records found by meaning, not by id
(other areas' demos may create findings before ours)."""
from sqlalchemy import select

from portal.accounts.models import User
from portal.adhoc.models import AdhocEntry
from portal.extensions import db
from portal.findings.models import Finding


def uid(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def demo_ids() -> dict:
    higher = db.session.scalar(select(Finding).where(Finding.source == "higher").order_by(Finding.id))
    adhoc_f = db.session.scalar(select(Finding).where(Finding.source == "adhoc").order_by(Finding.id))
    complaint = db.session.scalar(select(AdhocEntry).where(AdhocEntry.subject_kind == "complaint"))
    discipline = db.session.scalar(select(AdhocEntry).where(AdhocEntry.subject_kind == "discipline"))
    by_owner = {r.owner.username: r.id for r in higher.remedies}
    return {"f": higher.id, "fa": adhoc_f.id, "r_tam": by_owner["tt.tam"], "r_mai": by_owner["tt.mai"],
            "e": complaint.id, "e2": discipline.id, "found_on": higher.found_on}


def chosen_owner(page: str, name: str = "remedy_owner_id") -> str:
    """The value of the option selected in the remedy owner select `name` ("" if none)."""
    import re

    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {name}"
    option = re.search(r'<option(?=[^>]*\bselected\b)[^>]*value="([^"]*)"', select.group(1))
    return option.group(1) if option else ""
