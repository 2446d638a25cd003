"""Periods the index is read for: a month, a quarter, a year or a date range (days included).

Written as `2026-08`, `2026-Q3`, `2026`, or `2026-08-01..2026-08-31`. A period still running
is judged as of today (its end is clamped to today), the way a real-time index reads.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from tinhso.core.dates import in_range, out_of_range_message
from tinhso.core.errors import ValidationFailed

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
YEAR = re.compile(r"^(\d{4})$")
RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, range
    first: date
    last: date  # as asked; see `until` for the day the data is read up to
    code: str

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Tháng %(m)d/%(y)d") % {"m": self.first.month, "y": self.first.year}
        if self.kind == "quarter":
            return _("Quý %(q)d/%(y)d") % {"q": (self.first.month + 2) // 3, "y": self.first.year}
        if self.kind == "year":
            return _("Năm %d") % self.first.year
        return f"{self.first:%d/%m/%Y} – {self.last:%d/%m/%Y}"

    def until(self, today: date) -> date:
        return min(self.last, today)

    def previous(self) -> "Period":
        if self.kind == "month":
            return month(self.first - timedelta(days=1))
        if self.kind == "quarter":
            return quarter(self.first - timedelta(days=1))
        if self.kind == "year":
            return parse(str(self.first.year - 1))
        length = self.last - self.first
        last = self.first - timedelta(days=1)
        return date_range(last - length, last)


def _month_end(year: int, m: int) -> date:
    return (date(year + m // 12, m % 12 + 1, 1)) - timedelta(days=1)


def month(day: date) -> Period:
    return Period("month", day.replace(day=1), _month_end(day.year, day.month),
                  f"{day:%Y-%m}")


def quarter(day: date) -> Period:
    q = (day.month - 1) // 3 + 1
    return Period("quarter", date(day.year, 3 * q - 2, 1), _month_end(day.year, 3 * q),
                  f"{day.year}-Q{q}")


def date_range(first: date, last: date) -> Period:
    if last < first:
        raise ValidationFailed(_("Ngày cuối phải không sớm hơn ngày đầu."), code="invalid_period")
    return Period("range", first, last, f"{first:%Y-%m-%d}..{last:%Y-%m-%d}")


def parse(text: str | None, today: date | None = None) -> Period:
    """Parse a period; empty means the current month. Its days lie within core.dates' range
    (the index reads the period before it, and local days in UTC)."""
    text = (text or "").strip()
    try:
        period = _parse(text, today)
    except ValueError:
        period = None
    if period is not None:
        if in_range(period.first) and in_range(period.last):
            return period
        raise ValidationFailed(_("Kỳ không hợp lệ: %(text)s. %(range)s")
                               % {"text": text, "range": out_of_range_message()},
                               code="invalid_period")
    raise ValidationFailed(
        _("Kỳ không hợp lệ: %(text)s. Dùng dạng 2026-08 (tháng), 2026-Q3 (quý), 2026 (năm) "
          "hoặc 2026-08-01..2026-08-31 (khoảng ngày).") % {"text": text},
        code="invalid_period")


def _parse(text: str, today: date | None) -> Period | None:
    if not text:
        return month(today or date.today())
    if m := MONTH.match(text):
        return month(date(int(m[1]), int(m[2]), 1))
    if m := QUARTER.match(text):
        return quarter(date(int(m[1]), 3 * int(m[2]), 1))
    if m := YEAR.match(text):
        year = int(m[1])
        return Period("year", date(year, 1, 1), date(year, 12, 31), str(year))
    if m := RANGE.match(text):
        return date_range(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
    return None


def months_back(last: Period, count: int) -> list[Period]:
    """`count` months ending with the month of the period's last day, oldest first."""
    periods = [month(last.last)]
    while len(periods) < count:
        periods.insert(0, month(periods[0].first - timedelta(days=1)))
    return periods


def offered(today: date) -> list[Period]:
    """The periods the dashboard's picker offers, the default (this month) first: the last
    twelve months, four quarters, this year and the last."""
    out = [month(today)]
    while len(out) < 12:
        out.append(out[-1].previous())
    out.append(quarter(today))
    while len(out) < 16:
        out.append(out[-1].previous())
    year = parse(str(today.year))
    return [*out, year, year.previous()]
