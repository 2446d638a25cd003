"""Validation of a raw document into the clean form, every bad row reported in Vietnamese."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from tinhso.core.models import Agency
from tinhso.core.text import clean_name, fold

from ..models import Sector
from .document import (
    PART_FIELDS,
    PROCEDURE_FIELDS,
    PROCESS_FIELDS,
    SECTOR_FIELDS,
    STEP_FIELDS,
    VERSION_FIELDS,
    Field,
    RawDocument,
    RawProcedure,
    RawRow,
    plain,
    sort_processes,
)

CODE_RE = re.compile(r"^\d\.\d{6}(\.\d{3})?$")
TRUE_WORDS = {"co", "x", "1", "true", "yes", "dung"}
FALSE_WORDS = {"khong", "0", "false", "no", "sai"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
AGENCY_SPLIT = re.compile(r"[\s,;]+")


class Bad(Exception):
    """One field's value cannot be used; the message says why."""


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise Bad(_("Phải là một số."))
    text = str(value).strip().replace(",", ".") if isinstance(value, str) else value
    try:
        number = Decimal(str(text))
    except InvalidOperation:
        raise Bad(_("“%s” không phải là số.") % value) from None
    if not number.is_finite():
        raise Bad(_("“%s” không phải là số.") % value)
    return number


def _integer(value) -> int:
    if isinstance(value, str):
        # Thousands separators as Vietnamese write them: 1.000.000 or 1,000,000.
        value = re.sub(r"(?<=\d)[.,\s](?=\d{3}\b)", "", value.strip())
    number = _decimal(value)
    if number != number.to_integral_value():
        raise Bad(_("Phải là số nguyên."))
    return int(number)


def _choice(field: Field, value):
    text = str(value).strip()
    for choice in field.choices:
        if text == choice.value or fold(text) == fold(str(choice.label)):
            return choice.value
    allowed = ", ".join(str(c.label) for c in field.choices)
    raise Bad(_("Giá trị “%(value)s” không hợp lệ; dùng một trong: %(allowed)s.")
              % {"value": text, "allowed": allowed})


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise Bad(_("Ngày “%s” không đúng dạng (dd/mm/yyyy hoặc yyyy-mm-dd).") % text)


def _code(value) -> str:
    # Excel may hold 1.001193 as a number, which drops trailing zeros.
    text = f"{value:.6f}" if isinstance(value, float) else str(value).strip()
    if not CODE_RE.match(text):
        raise Bad(_("Mã thủ tục “%s” không đúng dạng (ví dụ: 1.001234 hoặc 2.000815).") % text)
    return text


class Cleaner:
    def __init__(self) -> None:
        self.problems: list[dict] = []
        self.agencies = set(Agency.objects.values_list("code", flat=True))
        self.sectors_in_db = set(Sector.objects.values_list("code", flat=True))

    def problem(self, where: str, label: str, message: str) -> None:
        self.problems.append({"where": where, "field": label, "message": message})

    # --- Values.

    def _agency(self, value) -> str:
        code = str(value).strip()
        if code not in self.agencies:
            raise Bad(_("Không có cơ quan mang mã định danh “%s”.") % code)
        return code

    def value(self, field: Field, value):
        if _is_empty(value):
            if field.required:
                raise Bad(_("Không được để trống."))
            return [] if field.kind == "agencies" else field.default
        kind = field.kind
        if kind == "text":
            text = str(value).strip()
            if field.name == "name":
                text = clean_name(text)
            if field.max_length and len(text) > field.max_length:
                raise Bad(_("Dài quá %d ký tự.") % field.max_length)
            return text
        if kind == "code":
            return _code(value)
        if kind == "bool":
            if isinstance(value, bool):
                return value
            word = fold(str(value))
            if word in TRUE_WORDS or word in FALSE_WORDS:
                return word in TRUE_WORDS
            raise Bad(_("Không hiểu giá trị “%s”; dùng Có hoặc Không.") % value)
        if kind in ("count", "amount"):
            number = _integer(value)
            if number < 0:
                raise Bad(_("Mức thu không được âm.") if kind == "amount"
                          else _("Phải là số nguyên không âm."))
            if number > (32767 if kind == "count" else 10**15):
                raise Bad(_("Giá trị quá lớn."))
            return number
        if kind in ("positive", "share"):
            number = _decimal(value)
            places = 1 if kind == "positive" else 2
            top = Decimal("99999.9") if kind == "positive" else Decimal(100)
            if number <= 0 or number > top:
                raise Bad(_("Phải là số lớn hơn 0 và không quá %s.") % top)
            if number != round(number, places):
                raise Bad(_("Chỉ được có tối đa %d chữ số thập phân.") % places)
            return plain(number)
        if kind == "date":
            return _date(value)
        if kind == "choice":
            return _choice(field, value)
        if kind == "agency":
            return self._agency(value)
        if kind == "agencies":
            items = AGENCY_SPLIT.split(value.strip()) if isinstance(value, str) else value
            if not isinstance(items, list | tuple):
                raise Bad(_("Phải là danh sách mã định danh cơ quan."))
            return sorted({self._agency(item) for item in items if not _is_empty(item)})
        raise ValueError(kind)

    def row(self, raw: RawRow, fields) -> dict | None:
        out, ok = {}, True
        for field in fields:
            try:
                out[field.name] = self.value(field, raw.data.get(field.name))
            except Bad as exc:
                self.problem(raw.where, raw.label(field.name), str(exc))
                ok = False
        return out if ok else None

    # --- Rows and their relations.

    def procedure(self, raw: RawProcedure, sectors: set[str]) -> dict | None:
        head = self.row(raw.row, PROCEDURE_FIELDS)
        version = self.row(raw.row, VERSION_FIELDS)
        ok = head is not None and version is not None
        if head is not None and head["sector"] not in sectors:
            self.problem(raw.row.where, raw.row.label("sector"),
                         _("Không có lĩnh vực mang mã “%s”.") % head["sector"])
            ok = False
        parts = {}
        for key, fields in PART_FIELDS.items():
            rows = [self.row(r, fields) for r in getattr(raw, key)]
            ok = ok and None not in rows
            parts[key] = rows
        if not raw.results:
            self.problem(raw.row.where, "results", _("Chưa có kết quả thủ tục."))
            ok = False
        processes = self.processes(raw, version["agencies"] if version else None)
        if not ok or processes is None:
            return None
        return {**head, "version": {**version, **parts, "processes": processes}}

    def processes(self, raw: RawProcedure, agencies: list[str] | None) -> list[dict] | None:
        out, ok, seen = [], True, {}
        for process in raw.processes:
            head = self.row(process.row, PROCESS_FIELDS)
            steps = [self.row(s, STEP_FIELDS) for s in process.steps]
            if head is None or None in steps:
                ok = False
                continue
            where, agency = process.row.where, head["agency"]
            if agency in seen:
                self.problem(where, process.row.label("agency"),
                             _("Trùng quy trình cho cùng cơ quan (đã có ở %s).") % seen[agency])
                ok = False
            seen[agency] = where
            if agency is not None and agencies is not None and agency not in agencies:
                self.problem(where, process.row.label("agency"), _(
                    "Cơ quan “%s” không có trong danh sách cơ quan thực hiện.") % agency)
                ok = False
            total = sum((s["share"] for s in steps), Decimal(0))
            if total != 100:
                self.problem(where, "steps", _(
                    "Tổng tỷ lệ thời gian các bước là %s%%, phải bằng 100%%."
                ) % plain(total))
                ok = False
            out.append({**head, "steps": steps})
        return sort_processes(out) if ok else None

    def document(self, raw: RawDocument) -> dict | None:
        self.problems.extend(raw.problems)
        sectors, seen = [], {}
        for row in raw.sectors:
            clean = self.row(row, SECTOR_FIELDS)
            if clean is None:
                continue
            if clean["code"] in seen:
                self.problem(row.where, row.label("code"),
                             _("Mã lĩnh vực lặp lại (đã có ở %s).") % seen[clean["code"]])
                continue
            seen[clean["code"]] = row.where
            sectors.append(clean)
        known = self.sectors_in_db | set(seen)
        procedures, codes = [], {}
        for raw_proc in raw.procedures:
            clean = self.procedure(raw_proc, known)
            code = raw_proc.row.data.get("code")
            if code is not None and str(code).strip() in codes:
                self.problem(raw_proc.row.where, raw_proc.row.label("code"),
                             _("Mã thủ tục lặp lại (đã có ở %s).") % codes[str(code).strip()])
                continue
            if code is not None:
                codes[str(code).strip()] = raw_proc.row.where
            if clean is not None:
                procedures.append(clean)
        if self.problems:
            return None
        return {"sectors": sectors, "procedures": procedures}
