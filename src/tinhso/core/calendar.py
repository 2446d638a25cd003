"""The work calendar: the one place that computes working time.

Working time is a continuous, non-decreasing clock W(t) that only runs inside office hours
on working days. Everything here is integer microseconds so that adding and measuring are
exact inverses. Working days are cached per year as sorted ordinals; jumps over many days
are bisections plus per-year counts, never day-by-day loops.
"""

from __future__ import annotations

import re
import threading
import time
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from numbers import Real
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .timeunits import TimeUnit

US_PER_MINUTE = 60_000_000
US_PER_DAY = 24 * 60 * US_PER_MINUTE
# Other processes (web vs worker) do not see our signals; rebuild at least this often.
CACHE_SECONDS = 300

_HHMM = r"(\d{1,2}):(\d{2})"
_INTERVAL_RE = re.compile(rf"^{_HHMM}\s*-\s*{_HHMM}$")


class OfficeHoursError(ValueError):
    """A malformed TINHSO_OFFICE_HOURS value (an operator's mistake, not a citizen's)."""


@dataclass(frozen=True)
class OfficeHours:
    """Office intervals of one working day, as microseconds since local midnight."""

    intervals: tuple[tuple[int, int], ...]

    def __post_init__(self) -> None:
        if not self.intervals:
            raise OfficeHoursError("Giờ làm việc trống / office hours are empty")
        previous_end = 0
        for start, end in self.intervals:
            if not 0 <= start < end <= US_PER_DAY or start < previous_end:
                raise OfficeHoursError(
                    "Các khoảng giờ làm việc phải tăng dần và không chồng nhau / office "
                    "intervals must be increasing and must not overlap"
                )
            previous_end = end

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """Parse "07:30-11:30,13:30-17:00" (any number of intervals)."""
        hint = (
            f"Giờ làm việc (TINHSO_OFFICE_HOURS) không hợp lệ: {text!r}, cần dạng "
            f"'07:30-11:30,13:30-17:00' / invalid office hours {text!r}, expected e.g. "
            f"'07:30-11:30,13:30-17:00'"
        )
        if not isinstance(text, str) or not text.strip():
            raise OfficeHoursError(hint)
        intervals = []
        for part in text.split(","):
            match = _INTERVAL_RE.match(part.strip())
            if not match:
                raise OfficeHoursError(hint)
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
                raise OfficeHoursError(hint)
            intervals.append(((h1 * 60 + m1) * US_PER_MINUTE, (h2 * 60 + m2) * US_PER_MINUTE))
        try:
            return cls(tuple(intervals))
        except OfficeHoursError as exc:
            raise OfficeHoursError(f"{hint}. {exc}") from None

    @property
    def day_length(self) -> int:
        return sum(end - start for start, end in self.intervals)


@lru_cache(maxsize=512)
def _public_calendar(year: int) -> tuple[frozenset[int], frozenset[int]]:
    """(holiday ordinals, swapped-in weekend workday ordinals) of one year, per `holidays`.

    Neighbouring years are asked too: a substitute day or a swap can belong to the
    decision of the year before or after (e.g. Sat 27 Dec 2014 worked for 2 Jan 2015).
    """
    if not 1 < year < 9999:
        return frozenset(), frozenset()
    vn = holidays.VN(language="vi", years=(year - 1, year, year + 1))
    off = frozenset(d.toordinal() for d in vn if d.year == year)
    swaps = frozenset(d.toordinal() for d in vn.weekend_workdays if d.year == year)
    return off, swaps


class WorkCalendar:
    """Working days and office hours of one province. Immutable once built; cheap to share."""

    def __init__(
        self,
        office_hours: OfficeHours | str,
        overrides: Mapping[date, bool] | None = None,
        tz: ZoneInfo | str = "Asia/Ho_Chi_Minh",
    ) -> None:
        if isinstance(office_hours, str):
            office_hours = OfficeHours.parse(office_hours)
        self.office_hours = office_hours
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self._overrides = {d.toordinal(): bool(v) for d, v in (overrides or {}).items()}
        self._intervals = office_hours.intervals
        self._day = office_hours.day_length
        # Working time elapsed at the start of each interval.
        cum, acc = [], 0
        for start, end in self._intervals:
            cum.append(acc)
            acc += end - start
        self._cum = tuple(cum)
        self._years: dict[int, list[int]] = {}

    # --- working days -------------------------------------------------------------------
    def _year(self, year: int) -> list[int]:
        days = self._years.get(year)
        if days is None:
            off, swaps = _public_calendar(year)
            first = date(year, 1, 1).toordinal()
            days = []
            for o in range(first, date(year, 12, 31).toordinal() + 1):
                forced = self._overrides.get(o)
                if forced is None:
                    # Same rule as holidays' is_working_day: a weekend works only if swapped.
                    forced = o in swaps if (o - 1) % 7 >= 5 else o not in off
                if forced:
                    days.append(o)
            self._years[year] = days  # a race only computes the same list twice
        return days

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = self._local(day).date()
        return self._works(day.toordinal(), day.year)

    def _works(self, o: int, year: int) -> bool:
        days = self._year(year)
        i = bisect_left(days, o)
        return i < len(days) and days[i] == o

    def working_days_between(self, first: date, last: date) -> int:
        """Number of working days d with first <= d < last."""
        return self._count(first.toordinal(), last.toordinal())

    def _count(self, o1: int, o2: int) -> int:
        if o2 <= o1:
            return -self._count(o2, o1) if o2 < o1 else 0
        y1, y2 = date.fromordinal(o1).year, date.fromordinal(o2).year
        days = self._year(y1)
        if y1 == y2:
            return bisect_left(days, o2) - bisect_left(days, o1)
        n = len(days) - bisect_left(days, o1)
        for y in range(y1 + 1, y2):
            n += len(self._year(y))
        return n + bisect_left(self._year(y2), o2)

    def _nth_from(self, o: int, n: int) -> int:
        """The working day with exactly n working days in [o, it)."""
        year = date.fromordinal(o).year
        days = self._year(year)
        i = bisect_left(days, o) + n
        while i >= len(days):
            i -= len(days)
            year += 1
            if year > 9998:
                raise OverflowError("Vượt quá phạm vi lịch / beyond the calendar's range")
            days = self._year(year)
        return days[i]

    # --- instants -----------------------------------------------------------------------
    def _local(self, instant: datetime) -> datetime:
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError("Cần thời điểm có múi giờ / an aware datetime is required")
        return instant.astimezone(self.tz)

    def _position(self, instant: datetime) -> tuple[int, int]:
        """(day ordinal, working time elapsed that day); 0 on a non-working day."""
        local = self._local(instant)
        o = local.toordinal()
        if not self._works(o, local.year):
            return o, 0
        tod = _tod(local)
        for (start, end), cum in zip(self._intervals, self._cum, strict=True):
            if tod < start:
                return o, cum
            if tod < end:
                return o, cum + tod - start
        return o, self._day

    def _instant(self, o: int, pos: int) -> datetime:
        """Earliest instant of working day o at which pos (0 < pos <= day) has elapsed."""
        for (start, end), cum in zip(self._intervals, self._cum, strict=True):
            if pos <= cum + end - start:
                return self._at(o, start + pos - cum)
        raise AssertionError("pos beyond the office day")  # unreachable: pos <= day length

    def next_opening(self, instant: datetime) -> datetime:
        """The instant itself if the office is open then, otherwise the next opening."""
        local = self._local(instant)
        if self._works(local.toordinal(), local.year):
            tod = _tod(local)
            for start, end in self._intervals:
                if tod < start:
                    return self._at(local.toordinal(), start)
                if tod < end:
                    return local
        return self._at(self._nth_from(local.toordinal() + 1, 0), self._intervals[0][0])

    def _at(self, o: int, tod: int) -> datetime:
        return datetime.fromordinal(o).replace(tzinfo=self.tz) + timedelta(microseconds=tod)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Office time on working days from a to b (negative when b is before a)."""
        oa, pa = self._position(a)
        ob, pb = self._position(b)
        us = self._count(oa, ob) * self._day + pb - pa
        return timedelta(microseconds=us)

    def add_working_time(self, start: datetime, delta: timedelta) -> datetime:
        """The earliest instant at which `delta` of working time has run since `start`.

        The result of a positive delta lies inside an office interval or exactly at its
        end (a delay ending at closing time is due at 17:00, not at the next 07:30).
        """
        return self._add_us(start, delta // timedelta(microseconds=1))

    def _add_us(self, start: datetime, us: int) -> datetime:
        if us < 0:
            raise ValueError("Thời gian cộng thêm không được âm / delta must not be negative")
        if us == 0:
            return self.next_opening(start)
        o, pos = self._position(start)
        total = pos + us
        skip = (total - 1) // self._day
        return self._instant(self._nth_from(o, skip), total - skip * self._day)

    def add_working_days(self, start: datetime, n: int | float | Decimal) -> datetime:
        """n working days, one being the length of one office day: 10:00 + 5 → 10:00."""
        return self._add_us(start, _scale(n, self._day))

    def due_at(self, start: datetime, amount: int | float | Decimal, unit: TimeUnit | str):
        """The due instant of a statutory time stated in `unit`, received at `start`."""
        if unit == TimeUnit.WORKING_DAYS:
            return self.add_working_days(start, amount)
        if unit == TimeUnit.WORKING_HOURS:
            return self._add_us(start, _scale(amount, 60 * US_PER_MINUTE))
        if unit == TimeUnit.CALENDAR_DAYS:
            # Plain days, counted from when the clock starts (next opening), wall time.
            opened = self.next_opening(start)
            return opened + timedelta(microseconds=_scale(amount, US_PER_DAY))
        if unit == TimeUnit.MONTHS:
            # Calendar months from the next opening: 31 January + 1 month is 28/29 February.
            return _add_months(self.next_opening(start), amount)
        raise ValueError(f"Đơn vị thời gian không hợp lệ / unknown time unit: {unit!r}")


def _add_months(start: datetime, amount: int | float | Decimal) -> datetime:
    whole = int(amount)
    if whole != amount or whole < 0:
        raise ValueError(f"Số tháng phải là số nguyên không âm / whole months only: {amount!r}")
    index = start.month - 1 + whole
    year, month = start.year + index // 12, index % 12 + 1
    days_in_month = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return start.replace(year=year, month=month, day=min(start.day, days_in_month))


def _tod(local: datetime) -> int:
    """Microseconds since local midnight."""
    return (
        (local.hour * 60 + local.minute) * US_PER_MINUTE
        + local.second * 1_000_000
        + local.microsecond
    )


def _scale(amount: int | float | Decimal, unit_us: int) -> int:
    """amount × unit in whole microseconds; floats read as written (0.1 means 0.1)."""
    if isinstance(amount, bool) or not isinstance(amount, Real | Decimal):
        raise TypeError(f"Số lượng thời gian phải là số / amount must be a number: {amount!r}")
    if isinstance(amount, int):
        return amount * unit_us
    if isinstance(amount, float | Decimal):
        return int((Decimal(str(amount)) * unit_us).to_integral_value())
    return round(amount * unit_us)


# --- the shared calendar of this deployment -------------------------------------------
_lock = threading.Lock()
_cached: tuple[WorkCalendar, float] | None = None


def build_calendar(overrides: Iterable[tuple[date, bool]] | None = None) -> WorkCalendar:
    """A calendar from settings and the CalendarOverride table (or the given overrides)."""
    if overrides is None:
        from .models import CalendarOverride

        overrides = CalendarOverride.objects.values_list("date", "is_working_day")
    return WorkCalendar(settings.TINHSO_OFFICE_HOURS, dict(overrides), settings.TIME_ZONE)


def get_calendar() -> WorkCalendar:
    """The process-wide calendar. Hold on to it in hot loops; it is immutable."""
    global _cached
    cached = _cached
    if cached is not None and time.monotonic() - cached[1] < CACHE_SECONDS:
        return cached[0]
    with _lock:
        if _cached is None or time.monotonic() - _cached[1] >= CACHE_SECONDS:
            _cached = (build_calendar(), time.monotonic())
        return _cached[0]


def invalidate_calendar(**_kwargs) -> None:
    """Forget the shared calendar. Called on override changes; call it after bulk edits
    (bulk_create and QuerySet.update send no signals)."""
    global _cached
    with _lock:
        _cached = None


def _on_override_changed(using=None, **_kwargs) -> None:
    # Now for this connection, and again after commit so that no other thread keeps a
    # calendar rebuilt from the rows as they were before the commit.
    invalidate_calendar()
    transaction.on_commit(invalidate_calendar, using=using)


def _on_setting_changed(setting: str, **_kwargs) -> None:
    if setting in {"TINHSO_OFFICE_HOURS", "TIME_ZONE"}:
        invalidate_calendar()


_SENDER = "core.CalendarOverride"
post_save.connect(_on_override_changed, sender=_SENDER, dispatch_uid="calendar_override_save")
post_delete.connect(_on_override_changed, sender=_SENDER, dispatch_uid="calendar_override_del")
setting_changed.connect(_on_setting_changed, dispatch_uid="cal_settings")
