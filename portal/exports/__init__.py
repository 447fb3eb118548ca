"""File exports/imports shared by the portal (Excel for now; PDF lives in portal.pdf)."""

from .xlsx import Sheet, build_workbook, read_rows, xlsx_response

__all__ = ["Sheet", "build_workbook", "read_rows", "xlsx_response"]
