"""Sổ theo dõi kiểm tra đột xuất: the ad-hoc inspection log."""
