"""Responsibility lists (phân công phụ trách): who answers for each criterion of the year."""
