"""Read queries for the public registers of administrative units and agencies.

Filters arrive as raw strings (query parameters). Bad values raise ValidationFailed with a
machine code, so a client learns that `?province=99` names no province instead of getting an
empty list that looks like a real answer.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed
from .models import AGENCY_CODE_RE, AdministrativeUnit, Agency
from .text import fold

_AGENCY_CODE = re.compile(AGENCY_CODE_RE)
_UNIT_CODE = re.compile(r"^(\d{2}|\d{5})$")
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def _fail(message, code: str, field: str, value: str, **details) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"field": field, "value": value, **details})


def parse_level(value: str, choices, field: str = "level") -> str:
    value = value.strip().lower()
    if value not in choices.values:
        raise _fail(_("Cấp không hợp lệ. Các giá trị được chấp nhận: %(allowed)s.")
                    % {"allowed": ", ".join(choices.values)},
                    "invalid_level", field, value, allowed=list(choices.values))
    return value


def parse_bool(value: str, field: str) -> bool:
    value = value.strip().lower()
    if value not in _TRUE | _FALSE:
        raise _fail(_("Giá trị phải là true hoặc false."), "invalid_boolean", field, value)
    return value in _TRUE


def unit_code(value: str, field: str) -> str:
    value = value.strip()
    if value.isdigit() and len(value) < 2:
        value = value.zfill(2)  # "1" is Hà Nội's "01"
    if not _UNIT_CODE.match(value):
        raise _fail(_("Mã đơn vị hành chính phải gồm 2 chữ số (tỉnh) hoặc 5 chữ số (xã)."),
                    "invalid_unit_code", field, value)
    return value


def agency_code(value: str, field: str) -> str:
    code = value.strip().upper()
    if not _AGENCY_CODE.match(code):
        raise _fail(_("Mã định danh cơ quan không đúng dạng (ví dụ: H44, H44.07, H44.100)."),
                    "invalid_agency_code", field, value)
    return code


def get_province(value: str, field: str = "province") -> AdministrativeUnit:
    code = value.strip().zfill(2) if value.strip().isdigit() else value.strip()
    province = AdministrativeUnit.objects.filter(
        code=code, level=AdministrativeUnit.Level.PROVINCE
    ).first()
    if province is None:
        raise _fail(_("Không có tỉnh/thành phố mã “%(code)s”.") % {"code": code},
                    "unknown_province", field, value)
    return province


def _get_unit(value: str, field: str) -> AdministrativeUnit:
    code = unit_code(value, field)
    unit = AdministrativeUnit.objects.filter(code=code).first()
    if unit is None:
        raise _fail(_("Không có đơn vị hành chính mã “%(code)s”.") % {"code": code},
                    "unknown_unit", field, value)
    return unit


def _get_agency(value: str, field: str) -> Agency:
    code = agency_code(value, field)
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise _fail(_("Không có cơ quan mã “%(code)s”.") % {"code": code},
                    "unknown_agency", field, value)
    return agency


def _search(qs: QuerySet, query: str) -> QuerySet:
    """Diacritic- and case-blind: 'viet tri', 'VIỆT TRÌ' and 'Việt Trì' find the same rows."""
    folded = fold(query)
    return qs.filter(Q(search_name__icontains=folded) | Q(code__iexact=query.strip()))


def units() -> QuerySet:
    # "province" sorts after "commune": descending puts the 34 provinces first.
    return AdministrativeUnit.objects.select_related("parent", "successor").order_by(
        "-level", "code"
    )


def filter_units(qs: QuerySet, *, level=None, province=None, parent=None, code=None,
                 search=None, current=None) -> QuerySet:
    if not _blank(level):
        qs = qs.filter(level=parse_level(level, AdministrativeUnit.Level))
    if not _blank(province):
        qs = qs.filter(parent=get_province(province))
    if not _blank(parent):
        qs = qs.filter(parent=_get_unit(parent, "parent"))
    if not _blank(code):
        qs = qs.filter(code=unit_code(code, "code"))
    if not _blank(current):
        qs = qs.filter(valid_to__isnull=parse_bool(current, "current"))
    if not _blank(search):
        qs = _search(qs, search)
    return qs


def agencies() -> QuerySet:
    return (
        Agency.objects.select_related("parent", "unit")
        .prefetch_related("desks")
        .order_by("-level", "code")
    )


def filter_agencies(qs: QuerySet, *, level=None, province=None, parent=None, unit=None,
                    code=None, search=None) -> QuerySet:
    if not _blank(level):
        qs = qs.filter(level=parse_level(level, Agency.Level))
    if not _blank(province):
        p = get_province(province)
        qs = qs.filter(Q(unit=p) | Q(unit__parent=p))
    if not _blank(parent):
        qs = qs.filter(parent=_get_agency(parent, "parent"))
    if not _blank(unit):
        qs = qs.filter(unit=_get_unit(unit, "unit"))
    if not _blank(code):
        qs = qs.filter(code=agency_code(code, "code"))
    if not _blank(search):
        qs = _search(qs, search)
    return qs
