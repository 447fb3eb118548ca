"""ISO 9001:2015 procedure registry, working days and sample checks of dossiers (bóc mẫu hồ sơ)."""
