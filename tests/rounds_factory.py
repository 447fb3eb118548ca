"""Builders for the rounds tests: a small round whose reports' authors are set directly, so the
tests don't depend on the assignments area."""
import io
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.catalogue.models import Catalogue
from portal.extensions import db
from portal.rounds import services as S

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def person(username) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def make_round(*, state="open", deadline=date(2026, 9, 5), start=date(2026, 9, 10), count=4,
               authors=("vp.thu", "vp.thu", "vp.khoa", "vp.khoa"), team=("vp.viet", "kt.duc"),
               leader="vhxh.nhung", name="Đợt kiểm tra thử nghiệm", previous=None, end=date(2026, 9, 15)):
    catalogue = db.session.scalar(select(Catalogue))
    rnd = S.create_round(catalogue, name=name, kind="khac", start_on=start, end_on=end,
                         report_deadline=deadline, leader=person(leader),
                         members=[person(u) for u in team], previous=previous)
    criteria = S.round_criteria(rnd)[:count]
    assignees = {c.id: person(authors[i % len(authors)]) for i, c in enumerate(criteria)}
    S.open_round(rnd, assignees=assignees, criteria=criteria)
    rnd.state = state
    db.session.commit()
    return rnd


def reports_of(rnd):
    return S.round_reports(rnd.id)


def upload(name, data):
    return (io.BytesIO(data), name)
