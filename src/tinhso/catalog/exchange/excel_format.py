"""The catalogue as an Excel workbook (openpyxl), one sheet per kind of row.

Columns are found by their header, so a province may reorder them or add its own. Parts and
process steps name their procedure by code in the first column; the steps of one process are
consecutive rows with the same procedure code and agency. Rows are reported as
"<sheet>: dòng <n>" with the number Excel shows.
"""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from tinhso.core.spreadsheets import cell as text_cell
from tinhso.core.text import fold

from .document import (
    CASE_FIELDS,
    COMPONENT_FIELDS,
    FEE_FIELDS,
    PROCEDURE_FIELDS,
    PROCESS_FIELDS,
    RESULT_FIELDS,
    SECTOR_FIELDS,
    STEP_FIELDS,
    TIME_FIELDS,
    VERSION_FIELDS,
    Field,
    RawDocument,
    RawProcedure,
    RawProcess,
    RawRow,
)

CODE_HEADER = "Mã thủ tục"
SECTORS = "Lĩnh vực"
PROCEDURES = "Thủ tục"
PART_SHEETS = {"cases": ("Trường hợp", CASE_FIELDS),
               "components": ("Thành phần hồ sơ", COMPONENT_FIELDS),
               "times": ("Thời hạn theo cách thức", TIME_FIELDS),
               "fees": ("Phí, lệ phí", FEE_FIELDS),
               "results": ("Kết quả", RESULT_FIELDS)}
PROCESSES = "Quy trình"
PROC_COLUMNS = PROCEDURE_FIELDS + VERSION_FIELDS
# A process and its steps both have a "name"; on the sheet the process's is its own column.
PROCESS_NAME = Field("process_name", "text", PROCESS_FIELDS[1].header, required=True)
PROCESS_COLUMNS = (PROCESS_FIELDS[0], PROCESS_NAME, *STEP_FIELDS)
_CODE_FIELD = Field("procedure", "text", CODE_HEADER, required=True)


# --- Writing.


def _cell_value(field: Field, value):
    if value is None or value == "":
        return None
    if field.kind == "bool":
        return "Có" if value else "Không"
    if field.kind == "choice":
        return str(field.choices(value).label)
    if field.kind == "agencies":
        return ", ".join(value)
    if field.kind == "form":  # the definition as JSON text in its cell
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _sheet(workbook, title: str, fields, rows) -> None:
    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)
    header = []
    for field in fields:
        cell = text_cell(sheet, field.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for field, value in zip(fields, row, strict=True):
            cell = text_cell(sheet, _cell_value(field, value))
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)


def dump(document: dict) -> bytes:
    workbook = Workbook(write_only=True)
    procs = document["procedures"]
    _sheet(workbook, SECTORS, SECTOR_FIELDS,
           ([s[f.name] for f in SECTOR_FIELDS] for s in document["sectors"]))
    _sheet(workbook, PROCEDURES, PROC_COLUMNS, (
        [p[f.name] for f in PROCEDURE_FIELDS] + [p["version"][f.name] for f in VERSION_FIELDS]
        for p in procs))
    for key, (title, fields) in PART_SHEETS.items():
        _sheet(workbook, title, (_CODE_FIELD, *fields), (
            [p["code"]] + [row[f.name] for f in fields]
            for p in procs for row in p["version"][key]))
    _sheet(workbook, PROCESSES, (_CODE_FIELD, *PROCESS_COLUMNS), (
        [p["code"], process["agency"], process["name"]] + [s[f.name] for f in STEP_FIELDS]
        for p in procs for process in p["version"]["processes"] for s in process["steps"]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Reading.


def _code_key(value) -> str:
    if isinstance(value, float):
        return f"{value:.6f}"
    return "" if value is None else str(value).strip()


def _rows(workbook, title: str, fields, problems: list, required=False) -> list[RawRow]:
    if title not in workbook.sheetnames:
        if not required:
            return []
        problems.append({"where": title, "field": "",
                         "message": _("Thiếu trang “%s”.") % title})
        return []
    rows = workbook[title].iter_rows(values_only=True)
    header = next(rows, None) or ()
    index = {fold(str(h)): i for i, h in enumerate(header) if h is not None}
    columns = {}
    for field in fields:
        position = index.get(fold(field.header))
        if position is None and field.required:
            problems.append({"where": f"{title}: dòng 1", "field": field.header,
                             "message": _("Thiếu cột “%s”.") % field.header})
        columns[field.name] = position
    labels = {f.name: f.header for f in fields}
    out = []
    for number, values in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        data = {name: (values[i] if i is not None and i < len(values) else None)
                for name, i in columns.items()}
        out.append(RawRow(f"{title}: dòng {number}", data, labels))
    return out


def read(data: bytes) -> RawDocument:
    doc = RawDocument()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        doc.problems.append({"where": "", "field": "",
                             "message": _("Không đọc được tệp Excel: %s") % exc})
        return doc
    try:
        doc.sectors = _rows(workbook, SECTORS, SECTOR_FIELDS, doc.problems)
        by_code: dict[str, RawProcedure] = {}
        for row in _rows(workbook, PROCEDURES, PROC_COLUMNS, doc.problems, True):
            proc = RawProcedure(row)
            doc.procedures.append(proc)
            by_code.setdefault(_code_key(row.data["code"]), proc)
        for key, (title, fields) in PART_SHEETS.items():
            for row in _rows(workbook, title, (_CODE_FIELD, *fields), doc.problems):
                proc = _owner(row, by_code, doc.problems)
                if proc is not None:
                    getattr(proc, key).append(row)
        _read_processes(workbook, by_code, doc.problems)
    finally:
        workbook.close()
    return doc


def _owner(row: RawRow, by_code: dict, problems: list) -> RawProcedure | None:
    code = _code_key(row.data.pop("procedure"))
    proc = by_code.get(code)
    if proc is None:
        problems.append({"where": row.where, "field": CODE_HEADER, "message": _(
            "Mã thủ tục “%(code)s” không có trong trang “%(sheet)s”."
        ) % {"code": code, "sheet": PROCEDURES}})
    return proc


def _read_processes(workbook, by_code: dict, problems: list) -> None:
    groups: dict[tuple[int, str], RawProcess] = {}
    for row in _rows(workbook, PROCESSES, (_CODE_FIELD, *PROCESS_COLUMNS), problems):
        proc = _owner(row, by_code, problems)
        if proc is None:
            continue
        agency, name = row.data.pop("agency"), row.data.pop("process_name")
        key = (id(proc), "" if agency is None else str(agency).strip())
        process = groups.get(key)
        if process is None:
            labels = {"agency": row.labels["agency"], "name": PROCESS_NAME.header}
            process = groups[key] = RawProcess(RawRow(row.where, {"agency": agency,
                                                                 "name": name}, labels))
            proc.processes.append(process)
        elif process.row.data["name"] in (None, "") and name:
            process.row.data["name"] = name
        process.steps.append(RawRow(row.where, row.data, row.labels))
