"""Who issues, signs and receives each kind of document (DOCUMENTS.md), as ward settings with
defaults. Only the fields the ward changed are stored (WardSettings.doc_profiles); everything else
comes from DEFAULTS, so a new default reaches wards that never touched it.

Placeholders filled at print time: {phuong} (e.g. "PHƯỜNG THÀNH SEN"), {don_vi} (the unit's name),
{ky_hieu_don_vi} (the unit's short name), {chuc_vu_thu_truong} (its head's position),
{don_vi_soan_thao} (the drafting unit's code from the ward settings)."""
from __future__ import annotations

FIELDS = {
    "parent": "Cơ quan chủ quản (dòng trên)",
    "issuer": "Cơ quan ban hành (in hoa; xuống dòng được)",
    "code": "Chữ viết tắt cơ quan trong số, ký hiệu",
    "sign_lines": "Thẩm quyền, chức vụ người ký (mỗi dòng một dòng)",
    "signer_name": "Họ tên người ký (để trống: lấy theo hồ sơ)",
    "recipients": "Nơi nhận (mỗi dòng một nơi, không cần dấu -)",
    "archive": "Dòng Lưu",
}

TYPES = {
    "team_report": "Báo cáo kết quả kiểm tra của Đoàn (gửi Chủ tịch UBND phường)",
    "minutes": "Biên bản kiểm tra tại đơn vị",
    "self_report": "Báo cáo tự kiểm tra của đơn vị",
    "conclusion": "Thông báo kết luận kiểm tra",
    "ward_report": "Báo cáo của UBND phường gửi cấp trên (tổng hợp năm)",
}

_TEAM = {"parent": "UBND {phuong}", "issuer": "ĐOÀN KIỂM TRA CCHC", "code": "ĐKT", "sign_lines": "TRƯỞNG ĐOÀN",
         "signer_name": ""}
_WARD = {"parent": "", "issuer": "ỦY BAN NHÂN DÂN\n{phuong}", "code": "UBND",
         "sign_lines": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "signer_name": ""}

DEFAULTS = {
    "team_report": {**_TEAM, "recipients": "Chủ tịch UBND phường (báo cáo)\nCác Phó Chủ tịch UBND phường\n"
                    "Các thành viên Đoàn kiểm tra", "archive": "Lưu: VT, {don_vi_soan_thao}"},
    "minutes": {**_TEAM, "recipients": "", "archive": ""},
    "self_report": {"parent": "UBND {phuong}", "issuer": "{don_vi}", "code": "{ky_hieu_don_vi}",
                    "sign_lines": "{chuc_vu_thu_truong}", "signer_name": "",
                    "recipients": "Đoàn kiểm tra CCHC phường (qua Phòng Văn hóa - Xã hội)",
                    "archive": "Lưu: VT, {ky_hieu_don_vi}"},
    "conclusion": {**_WARD, "recipients": "{don_vi} (thực hiện)\nĐoàn kiểm tra CCHC phường\n"
                   "Chủ tịch, các Phó Chủ tịch UBND phường", "archive": "Lưu: VT, {don_vi_soan_thao}"},
    "ward_report": {**_WARD, "recipients": "Sở Nội vụ (báo cáo)\nTTr Đảng ủy, TTr HĐND phường\n"
                    "Chủ tịch, các Phó Chủ tịch UBND phường", "archive": "Lưu: VT, {don_vi_soan_thao}"},
}


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def profile(ward, kind: str, **values) -> dict:
    """The effective profile of a document type, placeholders filled. Strings; lists for
    sign_lines and recipients."""
    stored = (ward.doc_profiles or {}).get(kind, {}) if ward is not None else {}
    raw = {k: stored.get(k, DEFAULTS[kind][k]) for k in FIELDS}
    if kind in ("conclusion", "ward_report") and ward is not None and "sign_lines" not in stored and ward.sign_lines:
        raw["sign_lines"] = "\n".join(ward.sign_lines)  # the ward's own signer setting, as before
    if kind in ("conclusion", "ward_report") and ward is not None and "signer_name" not in stored:
        raw["signer_name"] = ward.signer_name or ""
    ward_name = (ward.ward_name if ward is not None else "") or "Phường"
    fill = _Blank(phuong=ward_name.upper(), don_vi_soan_thao=(ward.secretariat_unit_code if ward else "") or "VHXH",
                  **values)
    out = {k: v.format_map(fill) if isinstance(v, str) else v for k, v in raw.items()}
    out["sign_lines"] = [x.strip() for x in out["sign_lines"].splitlines() if x.strip()]
    out["recipients"] = [x.strip() for x in out["recipients"].splitlines() if x.strip()]
    return out


def stored_value(ward, kind: str, field: str) -> str:
    return (ward.doc_profiles or {}).get(kind, {}).get(field, DEFAULTS[kind][field])


def save(ward, data: dict[str, dict[str, str]]) -> None:
    """Keep only the values that differ from the defaults."""
    out = {}
    for kind, fields in data.items():
        changed = {k: v for k, v in fields.items() if k in FIELDS and v != DEFAULTS[kind][k]}
        if changed:
            out[kind] = changed
    ward.doc_profiles = out
