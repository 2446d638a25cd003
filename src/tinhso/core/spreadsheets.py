"""Cells of every Excel export: text is written as text, never as a formula.

openpyxl turns any string that starts with "=" into a formula, so a name typed by an
applicant (`=HYPERLINK(...)`) would become live in an official's spreadsheet. A text cell
here is a string cell whatever it starts with, its content unchanged (the catalogue's
workbook reads back exactly what it wrote). Text that a spreadsheet would read as a formula
when someone edits the cell (=, +, -, @, tab, CR) also gets Excel's quote prefix, which
keeps it text after an edit.
"""

from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str) -> str:
    """The text without the control characters a workbook cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def cell(sheet, value):
    """A cell for `sheet` (write-only or not) holding `value`; a string stays a string."""
    out = WriteOnlyCell(sheet)
    if isinstance(value, str):
        text = clean_text(str(value))
        out.value = text
        out.data_type = "s"  # the value setter made "=..." a formula and "#N/A" an error
        if text.startswith(FORMULA_START):
            out.quotePrefix = True
    else:
        out.value = value
    return out


def row(sheet, values: Iterable) -> list:
    """The cells of one row, for `sheet.append`."""
    return [cell(sheet, value) for value in values]
