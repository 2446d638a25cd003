"""Vietnamese identifiers: the 12-digit personal id number and the tax code.

A personal id is 12 digits: the province code of birth registration (3), sex and century (1),
the year of birth (2) and a serial (6). A tax code is 10 digits, the last a check digit, with
an optional "-NNN" for a branch. Pure functions; each returns the normalised value or raises
ValidationFailed with a Vietnamese message.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import ValidationFailed

# Province codes of birth registration (digits 1–3 of the personal id, here without the
# leading 0): the 63 provinces before the 2025 merger. The 34 provinces since keep one of
# their predecessors' codes, so this set covers people registered before and after.
PROVINCE_CODES = frozenset({
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35,
    36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70,
    72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
})

TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_PERSONAL_RE = re.compile(r"^\d{12}$")
_TAX_RE = re.compile(r"^(\d{10})(?:-(\d{3}))?$")


@dataclass(frozen=True)
class PersonalId:
    province_code: int
    is_female: bool
    birth_year: int


def decode_personal_id(value: str) -> PersonalId:
    """Read a personal id; digit 4 is sex and century: 0/1 → 19xx, 2/3 → 20xx, 4/5 → 21xx …"""
    value = validate_personal_id(value)
    digit = int(value[3])
    return PersonalId(int(value[:3]), digit % 2 == 1, 1900 + 100 * (digit // 2) + int(value[4:6]))


def validate_personal_id(value: str) -> str:
    value = (value or "").strip()
    if not _PERSONAL_RE.match(value):
        raise ValidationFailed(_("Số định danh cá nhân phải gồm đúng 12 chữ số."),
                               code="invalid_personal_id")
    if int(value[:3]) not in PROVINCE_CODES:
        raise ValidationFailed(
            _("Số định danh cá nhân không hợp lệ: ba chữ số đầu không phải mã tỉnh nơi đăng "
              "ký khai sinh."),
            code="invalid_personal_id",
        )
    # Digit 4 (sex and century) is valid for every value 0–9 and digits 5–6 for 00–99.
    return value


def tax_check_digit(first_nine: str) -> int | None:
    """The 10th digit of a tax code, or None when no valid code has these nine digits."""
    total = sum(int(d) * w for d, w in zip(first_nine, TAX_WEIGHTS, strict=True))
    check = 10 - total % 11
    return None if check == 10 else check % 10


def validate_tax_code(value: str) -> str:
    """10 digits with a check digit, or a branch: the parent's 10 digits, "-", 3 digits."""
    value = (value or "").strip()
    match = _TAX_RE.match(value)
    if not match:
        raise ValidationFailed(
            _("Mã số thuế phải gồm 10 chữ số, hoặc 13 ký tự dạng 0123456789-001 với đơn vị "
              "phụ thuộc."),
            code="invalid_tax_code",
        )
    base, branch = match.groups()
    if tax_check_digit(base[:9]) != int(base[9]):
        raise ValidationFailed(_("Mã số thuế không hợp lệ: sai chữ số kiểm tra."),
                               code="invalid_tax_code")
    if branch == "000":
        raise ValidationFailed(_("Mã số thuế đơn vị phụ thuộc không hợp lệ."),
                               code="invalid_tax_code")
    return value
