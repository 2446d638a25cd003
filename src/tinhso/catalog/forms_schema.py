"""E-forms (tờ khai điện tử): a component's form as data, and the one checker of it.

A form definition is a JSON object::

    {"title": "Tờ khai thay đổi thông tin cư trú",
     "source": "Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA",
     "fields": [<field>, ...]}

A field has a `name` (letters, digits and "_", unique among its siblings), a `label` and a
`type`:

- ``text`` (``max_length``, default 255; ``multiline``), ``number`` (``min``, ``max``,
  ``decimals``, default 0), ``date`` (``past``: not after today), ``choice`` (``choices``: a
  list of texts), ``personal_id`` (12 digits), ``tax_code``, ``unit`` (a commune of the
  province, by its code), ``address`` (house, street, hamlet + a commune of the province);
- ``group``: repeatable rows of ``fields`` (no group inside a group), ``min_items`` and
  ``max_items`` (default 20).

Optional on every field: ``required`` (bool), ``required_if`` (the name of a sibling field,
or ``{"field": name, "equals": value}``: required when that field has a value, or that
value), ``help`` (a hint under the input), ``prefill``: ``identity:name``,
``identity:personal_id``, ``identity:phone``, ``identity:email`` (what the identity provider
vouched for) or ``store:<kind>`` (the newest paper of that kind in the citizen's e-data store),
and ``reuse`` (false: personal to one case, e.g. the child of a birth registration; never
copied from the citizen's earlier filing of the same form, see `reusable`).

`definition_problems` says what is wrong with a definition (the admin, the importer and the
API use it through `validate_definition`); `clean` checks what a citizen entered against it
and gives the clean values or the Vietnamese message of each bad field, by path
(``members.0.full_name`` for a field of a group's first row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import ValidationFailed
from tinhso.core.identifiers import validate_personal_id, validate_tax_code

TYPES = ("text", "number", "date", "choice", "personal_id", "tax_code", "unit", "address",
         "group")
PREFILLS = ("identity:name", "identity:personal_id", "identity:phone", "identity:email")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
FIELD_KEYS = {"name", "label", "type", "required", "required_if", "help", "prefill",
              "max_length", "multiline", "min", "max", "decimals", "past", "choices", "fields",
              "min_items", "max_items", "reuse"}
TEXT_MAX = 2000
MAX_FIELDS = 200
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$|^\d{1,3}(,\d{3}){2,}$")


# --- The definition.


def definition_problems(form) -> list[str]:
    """Every problem of a form definition, in Vietnamese; empty when it is good."""
    if form is None:
        return []
    if not isinstance(form, dict):
        return [_("Biểu mẫu phải là một đối tượng JSON.")]
    problems = []
    for key in set(form) - {"title", "source", "fields"}:
        problems.append(_("Biểu mẫu có khóa không dùng: “%s”.") % key)
    for key in ("title", "source"):
        if key in form and not isinstance(form[key], str):
            problems.append(_("“%s” của biểu mẫu phải là chuỗi ký tự.") % key)
    if not isinstance(form.get("title"), str) or not form.get("title", "").strip():
        problems.append(_("Biểu mẫu cần có tiêu đề (title)."))
    fields = form.get("fields")
    if not isinstance(fields, list) or not fields:
        problems.append(_("Biểu mẫu cần có ít nhất một trường (fields)."))
        return problems
    _fields_problems(fields, "fields", problems, nested=False)
    if _count(fields) > MAX_FIELDS:
        problems.append(_("Biểu mẫu có quá %d trường.") % MAX_FIELDS)
    return problems


def _count(fields) -> int:
    return sum(1 + (_count(f.get("fields") or []) if isinstance(f, dict) else 0)
               for f in fields)


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fields_problems(fields: list, where: str, problems: list, *, nested: bool) -> None:
    names = set()
    for i, field in enumerate(fields):
        at = f"{where}[{i}]"
        if not isinstance(field, dict):
            problems.append(_("%s: mỗi trường phải là một đối tượng JSON.") % at)
            continue
        name = field.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            problems.append(_("%s: tên trường (name) chỉ gồm chữ thường không dấu, chữ số và "
                              "dấu gạch dưới, bắt đầu bằng chữ.") % at)
        elif name in names:
            problems.append(_("%(at)s: tên trường “%(name)s” lặp lại.") % {"at": at,
                                                                            "name": name})
        else:
            names.add(name)
            at = f"{where}[{i}] ({name})"
        for key in set(field) - FIELD_KEYS:
            problems.append(_("%(at)s: khóa không dùng “%(key)s”.") % {"at": at, "key": key})
        if not isinstance(field.get("label"), str) or not field.get("label", "").strip():
            problems.append(_("%s: cần có nhãn (label).") % at)
        kind = field.get("type")
        if kind not in TYPES:
            problems.append(_("%(at)s: loại trường “%(type)s” không có; dùng một trong: "
                              "%(types)s.") % {"at": at, "type": kind, "types": ", ".join(TYPES)})
            continue
        for key in ("required", "multiline", "past", "reuse"):
            if key in field and not isinstance(field[key], bool):
                problems.append(_("%(at)s: “%(key)s” phải là true hoặc false.")
                                % {"at": at, "key": key})
        if "help" in field and not isinstance(field["help"], str):
            problems.append(_("%s: gợi ý (help) phải là chuỗi ký tự.") % at)
        prefill = field.get("prefill")
        if prefill is not None and not (prefill in PREFILLS or (
                isinstance(prefill, str) and prefill.startswith("store:") and prefill[6:])):
            problems.append(_("%(at)s: điền sẵn (prefill) “%(value)s” không có; dùng một "
                              "trong: %(allowed)s hoặc store:<loại giấy tờ>.")
                            % {"at": at, "value": prefill, "allowed": ", ".join(PREFILLS)})
        if kind == "text" and "max_length" in field and not (
                _int(field["max_length"]) and 1 <= field["max_length"] <= TEXT_MAX):
            problems.append(_("%(at)s: độ dài tối đa phải từ 1 đến %(max)d.")
                            % {"at": at, "max": TEXT_MAX})
        if kind == "number":
            for key in ("min", "max"):
                bad = not isinstance(field.get(key), int | float) or isinstance(
                    field.get(key), bool)
                if key in field and bad:
                    problems.append(_("%(at)s: “%(key)s” phải là một số.")
                                    % {"at": at, "key": key})
            if "decimals" in field and not (_int(field["decimals"])
                                            and 0 <= field["decimals"] <= 6):
                problems.append(_("%s: số chữ số thập phân phải từ 0 đến 6.") % at)
        if kind == "choice":
            choices = field.get("choices")
            if (not isinstance(choices, list) or not choices
                    or not all(isinstance(c, str) and c.strip() for c in choices)):
                problems.append(_("%s: trường lựa chọn cần danh sách lựa chọn (choices) "
                                  "gồm các chuỗi ký tự.") % at)
            elif len(set(choices)) != len(choices):
                problems.append(_("%s: danh sách lựa chọn có giá trị lặp lại.") % at)
        if kind == "group":
            if nested:
                problems.append(_("%s: không đặt nhóm lặp lại trong nhóm lặp lại.") % at)
                continue
            inner = field.get("fields")
            if not isinstance(inner, list) or not inner:
                problems.append(_("%s: nhóm lặp lại cần ít nhất một trường (fields).") % at)
            else:
                _fields_problems(inner, f"{at}.fields", problems, nested=True)
            low, high = field.get("min_items", 0), field.get("max_items", 20)
            if not (_int(low) and _int(high) and 0 <= low <= high <= 100 and high >= 1):
                problems.append(_("%s: số dòng tối thiểu, tối đa (min_items, max_items) phải "
                                  "là số nguyên, 0 ≤ tối thiểu ≤ tối đa ≤ 100.") % at)
        elif "fields" in field:
            problems.append(_("%s: chỉ nhóm lặp lại mới có các trường con.") % at)
    for i, field in enumerate(fields):
        if not isinstance(field, dict) or "required_if" not in field:
            continue
        rule = field["required_if"]
        other = rule.get("field") if isinstance(rule, dict) else rule
        if isinstance(rule, dict) and (set(rule) - {"field", "equals"}
                                       or not isinstance(rule.get("equals", ""), str)):
            problems.append(_("%s: điều kiện bắt buộc (required_if) chỉ gồm field và equals "
                              "(chuỗi ký tự).") % f"{where}[{i}]")
        if not isinstance(other, str) or other not in names or other == field.get("name"):
            problems.append(_("%(at)s: điều kiện bắt buộc (required_if) phải nêu một trường "
                              "khác cùng cấp; không có “%(other)s”.")
                            % {"at": f"{where}[{i}]", "other": other})


def validate_definition(form) -> None:
    """The model field's validator: the admin and every full_clean use it."""
    problems = definition_problems(form)
    if problems:
        raise ValidationError(problems, code="invalid_form")


# --- Units of the province.


def province_communes() -> dict[str, str]:
    """code -> name of the province's communes in force today."""
    from tinhso.core.models import AdministrativeUnit

    rows = AdministrativeUnit.objects.filter(
        level=AdministrativeUnit.Level.COMMUNE, parent__code=settings.TINHSO_PROVINCE_CODE,
        valid_to__isnull=True).order_by("name").values_list("code", "name")
    return dict(rows)


def province_name() -> str:
    from tinhso.core.models import AdministrativeUnit

    return (AdministrativeUnit.objects.filter(code=settings.TINHSO_PROVINCE_CODE)
            .values_list("name", flat=True).first() or "")


# --- What a citizen entered.


@dataclass
class Checked:
    values: dict  # clean values, for the dossier
    errors: dict  # path -> message

    @property
    def ok(self) -> bool:
        return not self.errors


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        return all(is_blank(v) for v in value.values())
    if isinstance(value, list):
        return not value
    return False


def _required(field: dict, row: dict) -> bool:
    if field.get("required"):
        return True
    rule = field.get("required_if")
    if rule is None:
        return False
    other, equals = (rule.get("field"), rule.get("equals")) if isinstance(rule, dict) else (
        rule, None)
    value = row.get(other)
    if is_blank(value):
        return False
    return equals is None or str(value).strip() == equals


def _parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class _Bad(Exception):
    pass


def _value(field: dict, value, communes: dict):
    """The clean value of one filled field, or _Bad with its message."""
    kind = field["type"]
    if kind == "address":
        value = value if isinstance(value, dict) else {}
        detail = str(value.get("detail") or "").strip()
        unit = str(value.get("unit") or "").strip()
        if not detail:
            raise _Bad(_("Vui lòng ghi số nhà, đường phố, tổ, thôn, xóm."))
        if len(detail) > 255:
            raise _Bad(_("Địa chỉ dài quá 255 ký tự."))
        if unit not in communes:
            raise _Bad(_("Vui lòng chọn xã, phường, đặc khu trong tỉnh."))
        return {"detail": detail, "unit": unit}
    text = str(value).strip()
    if kind == "text":
        limit = field.get("max_length", 255)
        if len(text) > limit:
            raise _Bad(_("Dài quá %d ký tự.") % limit)
        return text
    if kind == "number":
        digits = text.replace(" ", "")
        if THOUSANDS.match(digits):  # 1.500.000 as Vietnamese write it
            digits = re.sub(r"[.,]", "", digits)
        try:
            number = Decimal(digits.replace(",", "."))
        except InvalidOperation:
            raise _Bad(_("Vui lòng nhập một số.")) from None
        if not number.is_finite():
            raise _Bad(_("Vui lòng nhập một số."))
        if len(digits) > 24 or abs(number) >= Decimal(10) ** 18:
            raise _Bad(_("Số quá lớn."))
        places = field.get("decimals", 0)
        if number != round(number, places):
            raise _Bad(_("Vui lòng nhập số nguyên.") if places == 0
                       else _("Chỉ được có tối đa %d chữ số thập phân.") % places)
        if "min" in field and number < Decimal(str(field["min"])):
            raise _Bad(_("Không được nhỏ hơn %s.") % field["min"])
        if "max" in field and number > Decimal(str(field["max"])):
            raise _Bad(_("Không được lớn hơn %s.") % field["max"])
        return format(number.normalize(), "f") if places else str(int(number))
    if kind == "date":
        day = _parse_date(text)
        if day is None:
            raise _Bad(_("Ngày không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 05/03/2024."))
        if field.get("past") and day > timezone.localdate():
            raise _Bad(_("Ngày không được sau ngày hôm nay."))
        return day.isoformat()
    if kind == "choice":
        if text not in field["choices"]:
            raise _Bad(_("Vui lòng chọn một trong các giá trị đã cho."))
        return text
    if kind in ("personal_id", "tax_code"):
        check = validate_personal_id if kind == "personal_id" else validate_tax_code
        try:
            return check(text.replace(" ", ""))
        except ValidationFailed as exc:
            raise _Bad(str(exc.message)) from None
    if kind == "unit":
        if text not in communes:
            raise _Bad(_("Vui lòng chọn xã, phường, đặc khu trong tỉnh."))
        return text
    raise ValueError(kind)


def _row(fields: list, row: dict, prefix: str, errors: dict, communes: dict) -> dict:
    out = {}
    row = row if isinstance(row, dict) else {}
    for field in fields:
        name, path = field["name"], f"{prefix}{field['name']}"
        value = row.get(name)
        if field["type"] == "group":
            items = [item for item in (value if isinstance(value, list) else [])
                     if not is_blank(item)]
            low, high = field.get("min_items", 0), field.get("max_items", 20)
            if field.get("required") or _required(field, row):
                low = max(low, 1)
            if len(items) < low:
                errors[path] = _("Cần kê khai ít nhất %d dòng.") % low
            elif len(items) > high:
                errors[path] = _("Chỉ được kê khai tối đa %d dòng.") % high
            out[name] = [_row(field["fields"], item, f"{path}.{i}.", errors, communes)
                         for i, item in enumerate(items)]
            continue
        if is_blank(value):
            if _required(field, row):
                rule = field.get("required_if")
                if rule and not field.get("required"):
                    other = _label_of(fields, rule)
                    errors[path] = (
                        _("Trường này bắt buộc khi “%(other)s” là “%(value)s”.")
                        % {"other": other, "value": rule["equals"]}
                        if isinstance(rule, dict) and "equals" in rule
                        else _("Trường này bắt buộc khi đã khai “%s”.") % other)
                elif field["type"] in ("choice", "unit"):
                    errors[path] = _("Vui lòng chọn %s.") % field["label"].lower()
                else:
                    errors[path] = _("Vui lòng nhập %s.") % field["label"].lower()
            out[name] = {"detail": "", "unit": ""} if field["type"] == "address" else ""
            continue
        try:
            out[name] = _value(field, value, communes)
        except _Bad as exc:
            errors[path] = str(exc)
            out[name] = value
    return out


def _label_of(fields: list, rule) -> str:
    other = rule.get("field") if isinstance(rule, dict) else rule
    return next((f["label"] for f in fields if f.get("name") == other), other)


def clean(form: dict, data: dict, *, communes: dict | None = None) -> Checked:
    """Check what was entered (strings; lists of row dicts for groups; {"detail", "unit"}
    for an address) against the definition. Blank rows of a group are dropped."""
    errors: dict = {}
    if communes is None:
        communes = province_communes() if uses_units(form["fields"]) else {}
    values = _row(form["fields"], data or {}, "", errors, communes)
    return Checked(values, errors)


def uses_units(fields: list) -> bool:
    return any(f["type"] in ("unit", "address") or (f["type"] == "group"
                                                    and uses_units(f["fields"]))
               for f in fields)


# --- Reading a filed form: rows of label and text, for the official's table and the PDF.


def _text(field: dict, value, communes: dict, province: str) -> str:
    if is_blank(value):
        return ""
    kind = field["type"]
    if kind == "date":
        day = _parse_date(str(value))
        return day.strftime("%d/%m/%Y") if day else str(value)
    if kind == "unit":
        return communes.get(value, value)
    if kind == "address":
        parts = [value.get("detail", ""), communes.get(value.get("unit"), value.get("unit", "")),
                 province]
        return ", ".join(p for p in parts if p)
    return str(value)


@dataclass(frozen=True)
class Line:
    label: str
    text: str
    depth: int = 0  # 1: a field of a group's row
    heading: bool = False  # a group's title or a row's number


def lines(form: dict, values: dict) -> list[Line]:
    """The filed form as lines to show: every field with its value, groups row by row."""
    communes = province_communes() if uses_units(form["fields"]) else {}
    province = province_name() if communes else ""
    out = []
    for field in form["fields"]:
        value = (values or {}).get(field["name"])
        if field["type"] != "group":
            out.append(Line(field["label"], _text(field, value, communes, province)))
            continue
        rows = value if isinstance(value, list) else []
        out.append(Line(field["label"], "" if rows else _("(không kê khai)"), heading=True))
        for i, row in enumerate(rows, 1):
            out.append(Line(_("Dòng %d") % i, "", depth=1, heading=True))
            out.extend(Line(f["label"], _text(f, row.get(f["name"]), communes, province), 1)
                       for f in field["fields"])
    return out


# --- A filed form beyond its own dossier: the official's search and the citizen's next filing.


def searchable(form: dict, values: dict) -> list[str]:
    """The one-line texts of a filed form (names of people and businesses...), for the
    official's search. Not multi-line texts (long, seldom searched), numbers, dates, choices,
    addresses, nor ids (a run of digits is looked up whole, by the applicant id's index)."""
    out: list[str] = []

    def walk(fields, row):
        row = row if isinstance(row, dict) else {}
        for field in fields:
            value = row.get(field["name"])
            if field["type"] == "group":
                for item in value if isinstance(value, list) else []:
                    walk(field["fields"], item)
            elif (field["type"] == "text" and not field.get("multiline")
                  and isinstance(value, str) and value.strip()):
                out.append(value.strip())

    walk(form.get("fields") or [], values)
    return out


def reusable(form: dict, values: dict) -> dict:
    """What of a filed form may fill the same form in the citizen's next case: every field
    but those the definition marks personal to one case (``"reuse": false``) and those it
    prefills (the identity, the e-data store: filled afresh each time)."""

    def row(fields, data) -> dict:
        data = data if isinstance(data, dict) else {}
        out = {}
        for field in fields:
            if field.get("reuse") is False or field.get("prefill"):
                continue
            value = data.get(field["name"])
            if field["type"] == "group":
                items = [row(field["fields"], item)
                         for item in (value if isinstance(value, list) else [])]
                value = [item for item in items if not is_blank(item)]
            if not is_blank(value):
                out[field["name"]] = value
        return out

    return row(form.get("fields") or [], values)


def same_fields(one: dict | None, other: dict | None) -> bool:
    """Two definitions ask for the same fields (names and types, a group's alike), whatever
    their order, labels and hints: what was filed under one may fill the other."""
    return bool(one and other) and _shape(one.get("fields")) == _shape(other.get("fields"))


def _shape(fields) -> frozenset:
    return frozenset((f.get("name"), f.get("type"), _shape(f.get("fields")))
                     for f in (fields or []) if isinstance(f, dict))
