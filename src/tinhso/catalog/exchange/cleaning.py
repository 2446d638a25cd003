"""Validation of a raw document into the clean form, every bad row reported in Vietnamese."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from tinhso.core.models import Agency
from tinhso.core.text import clean_name, fold

from ..forms_schema import definition_problems
from ..models import PROCEDURE_CODE, Fee, Sector
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

CODE_RE = re.compile(PROCEDURE_CODE)
# "50.000 đồng", "50.000đ": an amount in a note, for the sanity check of fixed fees.
# An amount in a note: "50.000đ", "25.000.000 đồng"; never a year before "đến" ("2025 đến").
NOTE_AMOUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d{4,})\s*(?:đồng|vnđ|đ)(?!\w)",
                         re.IGNORECASE)
SLIPS = (1000, 1_000_000)  # a thousands group dropped or added: 50 for 50.000
Basis = Fee.Basis
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
        raise Bad(_("Mã thủ tục “%s” không đúng dạng (ví dụ: 1.001234, "
                    "2.000815.000.00.00.H55 hoặc 1.012753.H19).") % text)
    return text


def _form(value) -> dict:
    """An e-form definition: the object (JSON) or its JSON text (an Excel cell)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise Bad(_("Tờ khai điện tử không phải JSON hợp lệ: %s") % exc) from None
    problems = definition_problems(value)
    if problems:
        raise Bad(" ".join(problems))
    return value


def code_of(raw: RawProcedure) -> str:
    """The procedure's code as written, to file its problems under (“?” when missing)."""
    value = raw.row.data.get("code")
    if _is_empty(value):
        return "?"
    return f"{value:.6f}" if isinstance(value, float) else str(value).strip()


class Cleaner:
    """Cleans a document procedure by procedure: a procedure with any problem is refused
    whole (its problems filed under its code), the others are kept.

    `problems` are refusals; `warnings` flag what is imported but implausible or missing in
    the published record (a time not stated, a fee whose note says another amount).
    """

    def __init__(self) -> None:
        self.problems: list[dict] = []
        self.warnings: list[dict] = []
        self.agencies = set(Agency.objects.values_list("code", flat=True))
        self.sectors_in_db = set(Sector.objects.values_list("code", flat=True))

    def problem(self, where: str, label: str, message: str, code: str = "") -> None:
        self.problems.append({"code": code, "where": where, "field": label, "message": message})

    def warn(self, code: str, where: str, label: str, message: str) -> None:
        self.warnings.append({"code": code, "where": where, "field": label, "message": message})

    # --- Values.

    def _agency(self, value) -> str:
        code = str(value).strip()
        if code not in self.agencies:
            raise Bad(_("Không có cơ quan mang mã định danh “%s”.") % code)
        return code

    def value(self, field: Field, value):
        empty = _is_empty(value) or (field.kind == "agencies" and isinstance(value, list | tuple)
                                     and not any(not _is_empty(v) for v in value))
        if empty:
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
        if kind in ("count", "amount", "case"):
            number = _integer(value)
            if number < (1 if kind == "case" else 0):
                raise Bad(_("Mức thu không được âm.") if kind == "amount"
                          else _("Số thứ tự trường hợp bắt đầu từ 1.") if kind == "case"
                          else _("Phải là số nguyên không âm."))
            if number > (32767 if kind in ("count", "case") else 10**15):
                raise Bad(_("Giá trị quá lớn."))
            return number
        if kind in ("positive", "share", "rate"):
            number = _decimal(value)
            places = {"positive": 1, "share": 2, "rate": 4}[kind]
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
        if kind == "form":
            return _form(value)
        if kind == "agency":
            return self._agency(value)
        if kind == "agencies":
            items = AGENCY_SPLIT.split(value.strip()) if isinstance(value, str) else value
            if not isinstance(items, list | tuple):
                raise Bad(_("Phải là danh sách mã định danh cơ quan."))
            return sorted({self._agency(item) for item in items if not _is_empty(item)})
        raise ValueError(kind)

    def row(self, raw: RawRow, fields, code: str = "") -> dict | None:
        out, ok = {}, True
        for field in fields:
            try:
                out[field.name] = self.value(field, raw.data.get(field.name))
            except Bad as exc:
                self.problem(raw.where, raw.label(field.name), str(exc), code)
                ok = False
        return out if ok else None

    # --- Rows and their relations.

    def procedure(self, raw: RawProcedure, sectors: set[str]) -> dict | None:
        code = code_of(raw)
        before = len(self.problems)
        where = raw.row.where
        head = self.row(raw.row, PROCEDURE_FIELDS, code)
        version = self.row(raw.row, VERSION_FIELDS, code)
        if head is not None and head["sector"] not in sectors:
            self.problem(where, raw.row.label("sector"),
                         _("Không có lĩnh vực mang mã “%s”.") % head["sector"], code)
        parts = {key: [self.row(r, fields, code) for r in getattr(raw, key)]
                 for key, fields in PART_FIELDS.items()}
        if not raw.results:
            self.problem(where, "results", _("Chưa có kết quả thủ tục."), code)
        if version is not None:
            self._version(raw, version, code)
        if None not in parts["cases"]:
            self._cases(raw, parts, code)
        for fee_raw, fee in zip(raw.fees, parts["fees"], strict=True):
            if fee is not None:
                self._fee(fee_raw, fee, code)
        for time_raw, time in zip(raw.times, parts["times"], strict=True):
            if time is not None:
                self._time_unit(time_raw, time, code)
        self._one_time_per_channel(raw, parts["times"], code)
        processes = self.processes(raw, version["agencies"] if version else None, code)
        if len(self.problems) > before:
            return None
        if version["processing_time"] is None and not any(
                t["processing_time"] is not None for t in parts["times"]):
            self.warn(code, where, raw.row.label("processing_time"),
                      _("Bản công bố không quy định thời hạn giải quyết."))
        return {**head, "version": {**version, **parts, "processes": processes}}

    def _version(self, raw: RawProcedure, version: dict, code: str) -> None:
        where = raw.row.where
        if not any(version[level] for level in
                   ("at_province", "at_commune", "at_ministry", "at_other")):
            self.problem(where, raw.row.label("at_province"),
                         _("Cần ít nhất một cấp thực hiện."), code)
        self._time_unit(raw.row, version, code)

    def _time_unit(self, raw: RawRow, row: dict, code: str) -> None:
        """A time needs its unit, and a unit its time: neither is ever guessed."""
        if row["processing_time"] is not None and not row["time_unit"]:
            self.problem(raw.where, raw.label("time_unit"),
                         _("Có thời hạn nhưng chưa ghi đơn vị thời hạn."), code)
        elif row["processing_time"] is None and row["time_unit"]:
            self.problem(raw.where, raw.label("processing_time"),
                         _("Có đơn vị thời hạn nhưng chưa ghi thời hạn."), code)
        if row["time_unit"] is None:
            row["time_unit"] = ""

    def _cases(self, raw: RawProcedure, parts: dict, code: str) -> None:
        numbers = {}
        for case_raw, case in zip(raw.cases, parts["cases"], strict=True):
            if case["number"] in numbers:
                self.problem(case_raw.where, case_raw.label("number"), _(
                    "Số thứ tự trường hợp lặp lại (đã có ở %s).") % numbers[case["number"]],
                    code)
            numbers[case["number"]] = case_raw.where
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            self.problem(raw.row.where, "cases",
                         _("Các trường hợp phải đánh số liên tiếp từ 1."), code)
        for key in ("components", "times", "fees"):
            for row_raw, row in zip(getattr(raw, key), parts[key], strict=True):
                if row is not None and row["case"] is not None and row["case"] not in numbers:
                    self.problem(row_raw.where, row_raw.label("case"), _(
                        "Thủ tục không có trường hợp số %d.") % row["case"], code)
        parts["cases"].sort(key=lambda c: c["number"])

    def _fee(self, raw: RawRow, fee: dict, code: str) -> None:
        basis, label = fee["basis"], raw.label
        if basis in (Basis.FIXED, Basis.PER_UNIT) and fee["amount"] is None:
            self.problem(raw.where, label("amount"),
                         _("Mức thu cố định hoặc theo đơn vị cần ghi số tiền."), code)
        if basis in (Basis.PERCENT, Basis.RESOLUTION) and fee["amount"] is not None:
            self.problem(raw.where, label("amount"), _(
                "Mức thu theo tỷ lệ hoặc theo nghị quyết không ghi số tiền cố định."), code)
        if basis == Basis.PER_UNIT and not fee["unit"]:
            self.problem(raw.where, label("unit"),
                         _("Mức thu theo đơn vị cần ghi đơn vị tính."), code)
        if (basis == Basis.PERCENT) != (fee["rate"] is not None):
            self.problem(raw.where, label("rate"),
                         _("Chỉ mức thu theo tỷ lệ mới ghi tỷ lệ phần trăm, và phải ghi."), code)
        currency = fee["currency"].upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            self.problem(raw.where, label("currency"),
                         _("Đơn vị tiền ghi theo mã ISO 4217 (VND, USD…)."), code)
        fee["currency"] = currency
        if fee["valid_from"] and fee["valid_until"] and fee["valid_from"] > fee["valid_until"]:
            self.problem(raw.where, label("valid_until"),
                         _("Ngày hết áp dụng trước ngày bắt đầu áp dụng."), code)
        # A fixed fee a thousand times off what its own note states is likely a typing slip
        # (50 for 50.000, 25.000 for 25.000.000); a note stating other amounts (another case,
        # another channel) is not one.
        amount = fee["amount"] if basis == Basis.FIXED else None
        if amount:
            slips = [n for n in map(_integer, NOTE_AMOUNT.findall(fee["note"]))
                     if n != amount and any(n == amount * k or amount == n * k for k in SLIPS)]
            if slips:
                self.warn(code, raw.where, label("amount"), _(
                    "Mức thu %(amount)s đ nhưng ghi chú nêu %(note)s đ: kiểm tra lại."
                ) % {"amount": f"{amount:,}".replace(",", "."),
                     "note": f"{slips[0]:,}".replace(",", ".")})

    def _one_time_per_channel(self, raw: RawProcedure, times: list, code: str) -> None:
        seen = {}
        for time_raw, time in zip(raw.times, times, strict=True):
            if time is None:
                continue
            key = (time["case"], time["channel"])
            if key in seen:
                self.problem(time_raw.where, time_raw.label("channel"), _(
                    "Trùng thời hạn cho cùng trường hợp và cách thức (đã có ở %s).") % seen[key],
                    code)
            seen[key] = time_raw.where

    def processes(self, raw: RawProcedure, agencies: list[str] | None,
                  code: str = "") -> list[dict] | None:
        out, ok, seen = [], True, {}
        for process in raw.processes:
            head = self.row(process.row, PROCESS_FIELDS, code)
            steps = [self.row(s, STEP_FIELDS, code) for s in process.steps]
            if head is None or None in steps:
                ok = False
                continue
            where, agency = process.row.where, head["agency"]
            if agency in seen:
                self.problem(where, process.row.label("agency"),
                             _("Trùng quy trình cho cùng cơ quan (đã có ở %s).") % seen[agency],
                             code)
                ok = False
            seen[agency] = where
            if agency is not None and agencies is not None and agency not in agencies:
                self.problem(where, process.row.label("agency"), _(
                    "Cơ quan “%s” không có trong danh sách cơ quan thực hiện.") % agency, code)
                ok = False
            total = sum((s["share"] for s in steps), Decimal(0))
            if total != 100:
                self.problem(where, "steps", _(
                    "Tổng tỷ lệ thời gian các bước là %s%%, phải bằng 100%%."
                ) % plain(total), code)
                ok = False
            out.append({**head, "steps": steps})
        return sort_processes(out) if ok else None

    def document(self, raw: RawDocument) -> dict:
        """The clean document of every procedure without a problem; the file-level problems
        (the file itself, the sectors) refuse the procedures that depend on them."""
        self.problems.extend({"code": "", **p} for p in raw.problems)
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
            code = code_of(raw_proc)
            if code in codes:
                self.problem(raw_proc.row.where, raw_proc.row.label("code"),
                             _("Mã thủ tục lặp lại (đã có ở %s).") % codes[code], code)
                continue
            codes[code] = raw_proc.row.where
            clean = self.procedure(raw_proc, known)
            if clean is not None:
                procedures.append(clean)
        return {"sectors": sectors, "procedures": procedures}
