"""The demo ward at N times its size, for the benchmark and the query-count test alike.

`scale_up(factor)` copies, factor-1 times, every row of the year's growing records — criteria with
their assignments (coordinators, history), reports in every round (reviews, versions, evidence
links, documents, clarifications), findings with remedies (updates, re-inspections), ad-hoc
entries (team, files), ISO sample checks (procedures, dossiers, step checks), notifications and
the change log — with each copy's foreign keys pointing at the same copy's rows. People, units,
rounds and the procedure registry stay as they are: a ward does not get ten times the staff.

Rows are copied table by table as plain Core inserts with explicit ids (seconds, not minutes, at
10×), on SQLite and PostgreSQL (sequences moved past the new ids).
"""
from __future__ import annotations

from sqlalchemy import func, select, text

from portal.extensions import db

SCALED = (
    "criterion", "assignment", "assignment_coordinator", "assignment_history",
    "report", "review", "report_version", "report_evidence", "report_document", "clarification_message",
    "finding", "remedy", "remedy_update", "re_inspection",
    "adhoc_entry", "adhoc_team_member", "adhoc_entry_file",
    "sample_check", "sample_check_procedure", "dossier", "step_check",
    "notification", "change_log",
)
# finding.source_id names a row of another table by kind (no foreign key)
_FINDING_SOURCES = {"round": "report", "adhoc": "adhoc_entry", "iso": "sample_check"}


def _tweak(table: str, row: dict, copy: int, ids: dict) -> None:
    """Keep unique keys unique in the copy."""
    if table == "criterion":
        row["code"] = f"{row['code']}.{copy}"
        row["position"] = (row.get("position") or 0) + 10_000 * copy
    elif table == "notification":
        row["key"] = f"{row['key']}#{copy}"
    elif table == "finding" and row.get("source_id") is not None:
        target = _FINDING_SOURCES.get(row.get("source"))
        if target:
            row["source_id"] = ids.get(target, {}).get(row["source_id"], row["source_id"])


def scale_up(factor: int) -> dict[str, int]:
    """Grow the demo ward to `factor` times its size; returns the row count of each scaled table."""
    conn = db.session.connection()
    tables = [t for t in db.metadata.sorted_tables if t.name in SCALED]
    originals = {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in tables}
    for copy in range(2, factor + 1):
        ids: dict[str, dict[int, int]] = {}
        for table in tables:
            rows = originals[table.name]
            if not rows:
                continue
            has_id = "id" in table.c
            next_id = (conn.scalar(select(func.max(table.c.id))) or 0) + 1 if has_id else None
            mapping = ids.setdefault(table.name, {})
            new_rows = []
            for row in rows:
                new = dict(row)
                for fk in table.foreign_keys:
                    column, target = fk.parent.name, fk.column.table.name
                    if target in ids and new.get(column) is not None:
                        new[column] = ids[target].get(new[column], new[column])
                if has_id:
                    mapping[row["id"]] = new["id"] = next_id
                    next_id += 1
                _tweak(table.name, new, copy, ids)
                new_rows.append(new)
            conn.execute(table.insert(), new_rows)
    if conn.dialect.name == "postgresql":
        for table in tables:
            if "id" in table.c:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                  f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))
    db.session.commit()
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
