"""The record of a sample check (Kết quả kiểm tra, bóc mẫu hồ sơ) as one portal.pdf.model.Document,
rendered to PDF and to Word alike: the team's internal record (its header, no number, no Nơi nhận),
signed by the unit's representative and the inspector who completed the check. A check not yet
completed prints DỰ THẢO, with the date left blank."""
from __future__ import annotations

from portal.pdf.model import Document, Heading, Para, Signer, Table
from portal.pdf.vn import dmy

from . import checks
from .models import SampleCheck

DOSSIER_HEADERS = ["TT", "Mã hồ sơ\n(quy trình)", "Tiếp nhận", "Hẹn trả", "Trả kết quả", "Người xử lý",
                   "Bước đúng", "Tỷ lệ", "Thời hạn"]
TALLY_HEADERS = ["Đúng", "Không đúng", "Không áp dụng", "Tỷ lệ"]


def pct(rate) -> str:
    """A compliance rate as on the check's page: 0.875 -> "87,5%"; "–" when nothing applied."""
    return "–" if rate is None else f"{rate * 100:.1f}".replace(".", ",") + "%"


def _dossier_rows(res) -> list[list]:
    return [[i, f"{r.dossier.code}\n({r.dossier.procedure.code})", dmy(r.dossier.received_on),
             dmy(r.dossier.due_on), dmy(r.dossier.returned_on) or "Chưa trả", r.dossier.handler_name,
             f"{r.tally.ok}/{r.tally.ok + r.tally.bad}", pct(r.rate),
             f"Trễ {r.timing.late_days} ngày" if r.timing.late else "Đúng hạn"]
            for i, r in enumerate(res.dossiers, start=1)]


def _tally_table(headers: list[str], names: list[list], tallies: list, widths: list[str]):
    """Compliance per procedure or per unit: TT, the names, then đúng / không đúng / không áp dụng / tỷ lệ."""
    if not tallies:
        return Para("Chưa có kết quả kiểm tra.")
    rows = [[i, *name, t.ok, t.bad, t.na, pct(t.rate)] for i, (name, t) in enumerate(zip(names, tallies), start=1)]
    aligns = ["center"] + ["left"] * len(names[0]) + ["center"] * len(TALLY_HEADERS)
    return Table([*headers, *TALLY_HEADERS], rows, widths=widths, aligns=aligns)


def build(check: SampleCheck) -> Document:
    """Everything the record says, read now (the caller then ends the transaction and renders)."""
    from portal.reports import common as C

    res = checks.results(check)
    findings = [f.description for f in checks.findings_for(check)]
    doc = C.document("iso_result", doc_type="team_report", type_code="", title="Kết quả kiểm tra, bóc mẫu hồ sơ",
                     subtitle=check.title, file_stem=f"Kết quả bóc mẫu hồ sơ - {check.title}",
                     draft=check.status != "completed")
    doc.date = check.completed_on  # blank, to fill by hand, until the check is completed
    doc.recipients = None
    doc.signers = [Signer(["ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA"], ""),
                   Signer(["NGƯỜI KIỂM TRA"], check.completed_by.full_name if check.completed_by else "")]
    procedures = "; ".join(f"{p.code} “{p.name}”" + (f" (phiên bản {p.current.number})" if p.current else "")
                           for p in check.procedures)
    b = doc.blocks
    b.append(Heading("I. THÔNG TIN CHUNG"))
    b.append(Para(f"Thực hiện Kế hoạch kiểm tra công tác cải cách hành chính năm {check.year}, nội dung đánh giá "
                  "mức độ tuân thủ quy trình nội bộ, quy trình giải quyết công việc theo Hệ thống quản lý chất "
                  "lượng TCVN ISO 9001:2015, Đoàn kiểm tra đã kiểm tra, bóc mẫu hồ sơ như sau:"))
    b.append(Para(f"- Quy trình được kiểm tra: {procedures}."))
    b.append(Para(f"- Kỳ kiểm tra: từ ngày {dmy(check.period_start)} đến ngày {dmy(check.period_end)}; số hồ sơ đã "
                  f"giải quyết trong kỳ: {len(check.dossiers)}; số hồ sơ rút mẫu: {len(res.dossiers)}."))
    drawn = (f"Mẫu được rút ngẫu nhiên, mã lượt rút mẫu {check.seed} (rút lại với cùng mã cho cùng danh sách "
             "hồ sơ mẫu)." if check.seed is not None else "Chưa rút mẫu.")
    b.append(Para(f"- {drawn} Thời hạn tính theo ngày làm việc, trừ thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết."))

    b.append(Heading("II. KẾT QUẢ KIỂM TRA"))
    b.append(Heading("1. Kết quả từng hồ sơ được rút mẫu", 2))
    if res.dossiers:
        # Nine columns fit a portrait page only in a smaller type, the procedure under the code.
        b.append(Table(DOSSIER_HEADERS, _dossier_rows(res),
                       widths=["5%", "18%", "12%", "12%", "12%", "15%", "7%", "8%", "11%"],
                       aligns=["center", "left", "center", "center", "center", "left", "center", "center", "center"],
                       font_pt=9.5))
    else:
        b.append(Para("Chưa có hồ sơ được rút mẫu."))
    b.append(Heading("2. Tỷ lệ tuân thủ theo quy trình", 2))
    b.append(_tally_table(["TT", "Mã", "Tên quy trình"], [[p.code, p.name] for p, _ in res.by_procedure],
                          [t for _, t in res.by_procedure], ["6%", "17%", "37%", "9%", "11%", "11%", "9%"]))
    b.append(Heading("3. Tỷ lệ tuân thủ theo đơn vị", 2))
    b.append(_tally_table(["TT", "Đơn vị"], [[u.name if u else "Chưa xác định"] for u, _ in res.by_unit],
                          [t for _, t in res.by_unit], ["6%", "50%", "10%", "12%", "12%", "10%"]))
    b.append(Para(f"Tỷ lệ tuân thủ chung (số bước đúng trên số bước áp dụng): {pct(res.overall.rate)}. Số hồ sơ "
                  f"mẫu trễ hạn: {res.late_in_sample}; số hồ sơ trễ hạn trong toàn bộ danh sách: {res.late_in_list}."))

    b.append(Heading("III. TỒN TẠI, HẠN CHẾ"))
    if findings:
        b += [Para(f"{i}. {text}") for i, text in enumerate(findings, start=1)]
    elif check.status == "completed":
        b.append(Para("Qua bóc mẫu không phát hiện tồn tại, hạn chế."))
    else:
        b.append(Para("Đợt bóc mẫu chưa hoàn thành; tồn tại, hạn chế được ghi nhận khi Đoàn kiểm tra hoàn thành."))
    b.append(Heading("IV. KIẾN NGHỊ"))
    if findings:
        b.append(Para("Đề nghị đơn vị chủ trì quy trình và cán bộ, công chức có liên quan khắc phục các tồn tại, hạn "
                      "chế nêu trên; thực hiện đúng các bước, thời hạn của quy trình đã ban hành; báo cáo kết quả "
                      "khắc phục về Ủy ban nhân dân phường (qua Phòng Văn hóa - Xã hội)."))
    else:
        b.append(Para("Đề nghị đơn vị chủ trì quy trình và cán bộ, công chức có liên quan tiếp tục thực hiện đúng "
                      "các bước, thời hạn của quy trình đã ban hành."))
    return doc
