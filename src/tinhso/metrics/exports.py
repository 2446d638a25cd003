"""Every dashboard table as an Excel workbook (openpyxl), with the same numbers as the page."""

from datetime import datetime
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from tinhso.core.spreadsheets import row as text_row


def workbook(title: str, headers: list[str], rows: list[list], notes: list[str] = ()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    for note in notes:
        ws.append(text_row(ws, [note]))
    ws.append(text_row(ws, headers))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(text_row(ws, [_cell(v) for v in row]))  # agency names are text
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(60, max(8, width + 2))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value):
    """Excel has no time zones: write local (Asia/Ho_Chi_Minh) wall time."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value
