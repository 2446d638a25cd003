"""The calendar days a person may name in a filter or a period.

Wide enough for any real dossier, narrow enough that the arithmetic on a day (the day after,
the month before, local midnight in UTC) never leaves Python's date range: 9999-12-31 plus a
day, or 0001-01-01 at midnight in Asia/Ho_Chi_Minh read in UTC, is an OverflowError.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def out_of_range_message():
    return _("Ngày phải trong khoảng %(first)s – %(last)s.") % {
        "first": f"{EARLIEST:%d/%m/%Y}", "last": f"{LATEST:%d/%m/%Y}"}


def in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def validate_day(day: date | None) -> None:
    """A validator for form and serializer date fields."""
    if day is not None and not in_range(day):
        raise ValidationError(out_of_range_message(), code="date_out_of_range")
