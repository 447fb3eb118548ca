"""The level between an area and its criteria (Lào Cai's a)–f), a scoring set's tiêu chí), as
plain functions the documents can call."""
from __future__ import annotations


def by_level(reports) -> list[tuple[str, list]]:
    """Reports of one area grouped by their criterion's level label, in order; [] when no
    criterion of them has a level (the area is flat, nothing to add)."""
    groups: dict[str, list] = {}
    for r in reports:
        path = r.criterion.level_path
        if path:
            groups.setdefault(path[0], []).append(r)
    return list(groups.items())


def level_sentence(label: str, reports) -> str:
    """"a) Công tác chỉ đạo, điều hành CCHC: đã báo cáo 5/6 nội dung, 4 đạt, 1 đạt một phần"."""
    sent = sum(1 for r in reports if r.submitted_at)
    ratings = [r.review.rating for r in reports if r.review is not None and r.review.rating]
    parts = [f"đã báo cáo {sent}/{len(reports)} nội dung"]
    for key, word in (("dat", "đạt"), ("mot_phan", "đạt một phần"), ("chua_dat", "chưa đạt")):
        if ratings.count(key):
            parts.append(f"{ratings.count(key)} {word}")
    return f"{label}: {', '.join(parts)}"
