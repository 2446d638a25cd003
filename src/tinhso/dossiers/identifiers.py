"""Applicants' identifiers: an applicant's kind, name and number checked together, and the
second fact of a public lookup. The rules of the numbers are core.identifiers'."""

import hmac
import re

from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import ValidationFailed
from tinhso.core.identifiers import validate_personal_id, validate_tax_code


def validate_applicant(kind: str, name: str, id_number: str) -> str:
    """Check an applicant's kind, name and identifier; return the normalised identifier."""
    from .models import ApplicantKind

    if not (name or "").strip():
        raise ValidationFailed(_("Cần nhập tên chủ hồ sơ."), code="invalid_applicant")
    if kind == ApplicantKind.CITIZEN:
        return validate_personal_id(id_number)
    if kind == ApplicantKind.ORGANISATION:
        return validate_tax_code(id_number)
    raise ValidationFailed(_("Loại chủ hồ sơ không hợp lệ."), code="invalid_applicant")


_NON_DIGITS = re.compile(r"\D")


def _phone(value: str) -> str:
    digits = _NON_DIGITS.sub("", value or "")
    return "0" + digits[2:] if digits.startswith("84") and len(digits) > 9 else digits


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def matches_fact(id_number: str, phone: str, fact: str) -> bool:
    """A public lookup's second fact: the applicant's id number (or tax code) or phone
    number, as people write it (+84 or 0, spaces); compared in constant time."""
    fact = (fact or "").strip()
    return _same(fact, id_number or "") or _same(_phone(fact), _phone(phone))
