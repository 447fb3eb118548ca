"""The roles a person may hold (several at once)."""
ADMIN = "admin"
SECRETARIAT = "secretariat"
INSPECTOR = "inspector"
STAFF = "staff"
LEADER = "leader"

LABELS = {
    SECRETARIAT: "Bộ phận thường trực CCHC (Phòng Văn hóa - Xã hội)",
    INSPECTOR: "Thành viên Đoàn kiểm tra",
    STAFF: "Cán bộ, công chức phụ trách",
    LEADER: "Lãnh đạo UBND phường",
    ADMIN: "Quản trị hệ thống",
}
ALL = tuple(LABELS)

# For tight places such as the top bar.
SHORT_LABELS = {
    SECRETARIAT: "Thường trực CCHC",
    INSPECTOR: "Đoàn kiểm tra",
    STAFF: "Cán bộ phụ trách",
    LEADER: "Lãnh đạo",
    ADMIN: "Quản trị",
}

# Who may manage the year's work (catalogue, assignments, rounds, logs): the secretariat,
# and the admin who stands in for it.
MANAGERS = (SECRETARIAT, ADMIN)
