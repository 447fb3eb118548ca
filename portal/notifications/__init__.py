"""In-app notifications, e-mail, and the daily reminder run (see registry.py)."""
