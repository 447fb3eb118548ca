"""A round's archive for the paper file (hồ sơ kiểm tra, seed 002): one .zip with every document
of the round in PDF and Word, the approved report as signed off, the evidence files sent with
the reports, and a manifest (Bảng kê) listing each file with its size and SHA-256."""
from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.rounds import services as RS
from portal.rounds.models import Report, Round

from . import documents
from .minutes import round_units
from .models import SignOff
from .unit_documents import conclusion, self_report


def _safe(name: str) -> str:
    """A file name a zip and Windows Explorer accept, keeping Vietnamese letters (NFC)."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", name)
    return re.sub(r"\s+", " ", name).strip()[:150] or "tep"


def build(round_id: int, progress=lambda p, m="": None) -> tuple[str, bytes]:
    from portal.evidence.services import stored_path

    rnd = db.session.get(Round, round_id)
    docs = [("01 Báo cáo kết quả kiểm tra", documents.summary_context(rnd.id))]
    for u in round_units(rnd):
        docs.append((f"02 Biên bản kiểm tra/{u.name}", documents.minutes_context(rnd.id, u.id)))
        docs.append((f"03 Báo cáo tự kiểm tra/{u.name}", self_report(rnd.id, u.id)))
        docs.append((f"04 Thông báo kết luận/{u.name}", conclusion(rnd.id, u.id)))
    people = db.session.scalars(select(User).join(Report, Report.author_id == User.id)
                                .where(Report.round_id == rnd.id).distinct().order_by(User.full_name)).all()
    for p in people:
        docs.append((f"05 Phiếu đánh giá/{p.full_name}", documents.evaluation_context(rnd.id, p.id)))
    stored = []
    for s in db.session.scalars(select(SignOff).where(SignOff.round_id == rnd.id).order_by(SignOff.id)):
        for f in (s.pdf_file, s.docx_file):
            if f is not None:
                stored.append((f"00 Báo cáo đã phê duyệt/{f.original_name}", stored_path(f)))
    for r in RS.round_reports(rnd.id):
        if r.state not in ("submitted", "clarify"):
            continue  # evidence of unsent drafts is not part of the file
        for f in r.files:
            stored.append((f"06 Tài liệu kiểm chứng/{r.item.code}/{f.original_name}", stored_path(f)))
    name = f"Hồ sơ kiểm tra CCHC - {rnd.name}"
    db.session.commit()  # plain data from here on: render without holding a transaction
    out = io.BytesIO()
    manifest = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        def put(path: str, data: bytes, what: str):
            z.writestr(path, data)
            manifest.append({"tep": path, "noi_dung": what, "dung_luong": len(data),
                             "sha256": hashlib.sha256(data).hexdigest()})

        for i, (path, doc) in enumerate(docs, start=1):
            folder, _, leaf = path.rpartition("/")
            base = "/".join(_safe(x) for x in (folder.split("/") if folder else [])) + ("/" if folder else "")
            put(base + _safe(leaf) + ".pdf", documents.render("pdf", doc), doc.title.capitalize() + " " + doc.subtitle)
            put(base + _safe(leaf) + ".docx", documents.render_word(doc), doc.title.capitalize() + " " + doc.subtitle + " (Word)")
            progress(5 + int(85 * i / max(1, len(docs))), f"Đã dựng {i}/{len(docs)} văn bản…")
        for path, disk in stored:
            folder, _, leaf = path.rpartition("/")
            try:
                data = disk.read_bytes()
            except OSError:
                manifest.append({"tep": path, "noi_dung": "Không đọc được tệp đã lưu", "dung_luong": 0, "sha256": ""})
                continue
            put("/".join(_safe(x) for x in folder.split("/")) + "/" + _safe(leaf), data, "Tệp đã lưu")
        lines = ["BẢNG KÊ HỒ SƠ KIỂM TRA CẢI CÁCH HÀNH CHÍNH", rnd.name, "",
                 "STT\tTệp\tNội dung\tDung lượng (byte)\tSHA-256"]
        lines += [f"{i:02d}\t{m['tep']}\t{m['noi_dung']}\t{m['dung_luong']}\t{m['sha256']}"
                  for i, m in enumerate(manifest, start=1)]
        z.writestr("Bảng kê hồ sơ.txt", "\n".join(lines) + "\n")
        z.writestr("manifest.json", json.dumps({"dot_kiem_tra": rnd.name, "tep": manifest}, ensure_ascii=False,
                                               indent=1))
    return name + ".zip", out.getvalue()
