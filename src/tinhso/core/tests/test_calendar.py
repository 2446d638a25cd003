"""Table tests of the work calendar: Vietnamese holidays, office hours, units, overrides."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest

from tinhso.core.calendar import (
    OfficeHours,
    OfficeHoursError,
    WorkCalendar,
    get_calendar,
    invalidate_calendar,
)
from tinhso.core.models import CalendarOverride
from tinhso.core.timeunits import TimeUnit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HOURS = "07:30-11:30,13:30-17:00"


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.fixture
def cal():
    return WorkCalendar(HOURS)


@pytest.fixture
def shared():
    # Test transactions roll back without signals: start and end with a fresh calendar.
    invalidate_calendar()
    yield
    invalidate_calendar()


def test_tet_2026_five_working_days_same_hour(cal):
    start = at(2026, 2, 13, 10)
    assert cal.add_working_days(start, 5) == at(2026, 2, 27, 10)
    assert cal.due_at(start, 5, TimeUnit.WORKING_DAYS) == at(2026, 2, 27, 10)
    assert cal.working_time_between(start, at(2026, 2, 27, 10)) == 5 * timedelta(
        hours=7, minutes=30
    )
    for day in range(16, 21):
        assert not cal.is_working_day(date(2026, 2, day))


def test_gio_to_substitute_and_may_holidays(cal):
    assert not cal.is_working_day(date(2026, 4, 26))  # Sunday, the holiday itself
    assert not cal.is_working_day(date(2026, 4, 27))  # Monday off instead
    assert cal.is_working_day(date(2026, 4, 28))
    assert not cal.is_working_day(date(2026, 4, 30))
    assert not cal.is_working_day(date(2026, 5, 1))
    assert cal.add_working_days(at(2026, 4, 24, 9), 1) == at(2026, 4, 28, 9)
    assert cal.add_working_days(at(2026, 4, 29, 9), 1) == at(2026, 5, 4, 9)


def test_saturday_22_aug_2026_is_a_working_day(cal):
    assert cal.is_working_day(date(2026, 8, 22))
    assert not cal.is_working_day(date(2026, 8, 29))  # an ordinary Saturday
    assert not cal.is_working_day(date(2026, 8, 31))  # the day off it pays for
    assert cal.add_working_days(at(2026, 8, 21, 15), 1) == at(2026, 8, 22, 15)
    assert cal.add_working_days(at(2026, 8, 28, 15), 1) == at(2026, 9, 3, 15)


def test_swap_decided_in_the_year_before():
    # Sat 27 Dec 2014 was worked to take Fri 2 Jan 2015 off.
    cal = WorkCalendar(HOURS)
    assert cal.is_working_day(date(2014, 12, 27))
    assert not cal.is_working_day(date(2015, 1, 2))


def test_saturday_evening_start_begins_monday_morning(cal):
    sat = at(2026, 3, 7, 19)
    assert cal.next_opening(sat) == at(2026, 3, 9, 7, 30)
    assert cal.working_time_between(sat, at(2026, 3, 9, 7, 30)) == timedelta(0)
    assert cal.add_working_time(sat, timedelta(hours=1)) == at(2026, 3, 9, 8, 30)
    assert cal.due_at(sat, 1, TimeUnit.WORKING_DAYS) == at(2026, 3, 9, 17)
    assert cal.add_working_time(sat, timedelta(0)) == at(2026, 3, 9, 7, 30)


def test_next_opening_inside_between_and_after_intervals(cal):
    assert cal.next_opening(at(2026, 3, 9, 9)) == at(2026, 3, 9, 9)
    assert cal.next_opening(at(2026, 3, 9, 6)) == at(2026, 3, 9, 7, 30)
    assert cal.next_opening(at(2026, 3, 9, 11, 30)) == at(2026, 3, 9, 13, 30)
    assert cal.next_opening(at(2026, 3, 9, 17)) == at(2026, 3, 10, 7, 30)
    assert cal.next_opening(at(2026, 2, 13, 18)) == at(2026, 2, 23, 7, 30)  # over Tết


def test_lunch_break_is_not_counted(cal):
    assert cal.working_time_between(at(2026, 3, 9, 11), at(2026, 3, 9, 14)) == timedelta(hours=1)
    assert cal.add_working_time(at(2026, 3, 9, 11), timedelta(hours=1)) == at(2026, 3, 9, 14)
    assert cal.add_working_time(at(2026, 3, 9, 12, 15), timedelta(minutes=30)) == at(2026, 3, 9, 14)
    # Exactly used up at noon closing: due at 11:30, not after lunch.
    assert cal.add_working_time(at(2026, 3, 9, 11), timedelta(minutes=30)) == at(2026, 3, 9, 11, 30)


def test_working_hours_unit(cal):
    start = at(2026, 2, 13, 16)  # Friday before Tết: 1 h left that day
    assert cal.due_at(start, 8, TimeUnit.WORKING_HOURS) == at(2026, 2, 23, 16, 30)
    assert cal.due_at(start, Decimal("1.5"), TimeUnit.WORKING_HOURS) == at(2026, 2, 23, 8)
    assert cal.due_at(start, 1, "working_hours") == at(2026, 2, 13, 17)


def test_calendar_days_unit(cal):
    assert cal.due_at(at(2026, 2, 13, 10), 15, TimeUnit.CALENDAR_DAYS) == at(2026, 2, 28, 10)
    # Received on Saturday evening: the clock starts Monday 07:30, then plain days.
    assert cal.due_at(at(2026, 3, 7, 19), 3, TimeUnit.CALENDAR_DAYS) == at(2026, 3, 12, 7, 30)


def test_fractional_working_days(cal):
    # Half an office day is 3 h 45 of the 7 h 30 day.
    assert cal.add_working_days(at(2026, 3, 9, 7, 30), 0.5) == at(2026, 3, 9, 11, 15)


def test_aware_in_any_zone_and_out_in_hanoi_time(cal):
    start_utc = datetime(2026, 2, 13, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
    due = cal.add_working_days(start_utc, 5)
    assert due == at(2026, 2, 27, 10)
    assert due.tzinfo == VN and due.utcoffset() == timedelta(hours=7)


def test_rejects_naive_negative_and_unknown(cal):
    with pytest.raises(ValueError, match="aware"):
        cal.add_working_days(datetime(2026, 3, 9, 10), 1)
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_time(at(2026, 3, 9, 10), timedelta(minutes=-1))
    with pytest.raises(ValueError, match="unit"):
        cal.due_at(at(2026, 3, 9, 10), 1, "fortnights")
    with pytest.raises(TypeError):
        cal.due_at(at(2026, 3, 9, 10), "5", TimeUnit.WORKING_DAYS)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "07:30",
        "7h30-11h30",
        "07:30-11:30;13:30-17:00",
        "11:30-07:30",
        "07:30-07:30",
        "07:30-12:00,11:00-17:00",  # overlap
        "13:30-17:00,07:30-11:30",  # not in order
        "25:00-26:00",
        "07:60-11:00",
        "07:30-24:30",
        "07:30-11:30,",
    ],
)
def test_malformed_office_hours(value):
    with pytest.raises(ValueError, match="không hợp lệ") as err:
        OfficeHours.parse(value)
    assert isinstance(err.value, OfficeHoursError)
    assert "invalid office hours" in str(err.value)


def test_office_hours_parsing_any_number_of_intervals():
    hours = OfficeHours.parse(" 07:00-09:00 , 10:00-12:00,13:00-24:00 ")
    assert hours.day_length == (2 + 2 + 11) * 3600 * 10**6
    cal = WorkCalendar(hours)
    assert cal.add_working_time(at(2026, 3, 9, 8), timedelta(hours=2)) == at(2026, 3, 9, 11)
    assert cal.add_working_days(at(2026, 3, 9, 8), 1) == at(2026, 3, 10, 8)


def test_matches_holidays_package_over_four_years(cal):
    vn = holidays.VN(language="vi", years=range(2023, 2029))
    day = date(2024, 1, 1)
    while day < date(2028, 1, 1):
        assert cal.is_working_day(day) == vn.is_working_day(day), day
        day += timedelta(days=1)


def test_long_span_equals_day_by_day_count(cal):
    start = at(2025, 1, 6, 9)
    due = cal.add_working_days(start, 2500)
    counted, day = 0, start.date()
    while day < due.date():
        counted += cal.is_working_day(day)
        day += timedelta(days=1)
    assert counted == 2500 and due.time() == start.timetz().replace(tzinfo=None)
    assert cal.working_days_between(start.date(), due.date()) == 2500
    assert cal.working_time_between(start, due) == 2500 * timedelta(hours=7, minutes=30)
    assert cal.working_time_between(due, start) == -2500 * timedelta(hours=7, minutes=30)


@pytest.mark.django_db
def test_override_moves_due_date_and_cache_sees_it(shared):
    start = at(2026, 3, 10, 10)  # Tuesday
    assert get_calendar().add_working_days(start, 1) == at(2026, 3, 11, 10)
    held = get_calendar()
    assert get_calendar() is held  # cached between calls

    override = CalendarOverride.objects.create(
        date=date(2026, 3, 11), is_working_day=False, note="Quyết định của UBND tỉnh"
    )
    assert get_calendar() is not held
    assert not get_calendar().is_working_day(date(2026, 3, 11))
    assert get_calendar().add_working_days(start, 1) == at(2026, 3, 12, 10)
    assert get_calendar().due_at(start, 1, TimeUnit.WORKING_DAYS) == at(2026, 3, 12, 10)

    override.delete()
    assert get_calendar().add_working_days(start, 1) == at(2026, 3, 11, 10)


@pytest.mark.django_db
def test_override_wins_over_holidays_and_weekends(shared):
    CalendarOverride.objects.bulk_create(
        [
            CalendarOverride(date=date(2026, 2, 16), is_working_day=True),  # a Tết day
            CalendarOverride(date=date(2026, 8, 22), is_working_day=False),  # the swap Saturday
            CalendarOverride(date=date(2026, 3, 8), is_working_day=True),  # a Sunday
        ]
    )
    invalidate_calendar()  # bulk_create sends no signals
    cal = get_calendar()
    assert cal.is_working_day(date(2026, 2, 16))
    assert not cal.is_working_day(date(2026, 8, 22))
    assert cal.is_working_day(date(2026, 3, 8))
    assert cal.add_working_days(at(2026, 2, 13, 10), 1) == at(2026, 2, 16, 10)


@pytest.mark.django_db
def test_shared_calendar_follows_settings(shared, settings):
    settings.TINHSO_OFFICE_HOURS = "08:00-12:00"
    assert get_calendar().add_working_days(at(2026, 3, 9, 10), 1) == at(2026, 3, 10, 10)
    assert get_calendar().add_working_time(at(2026, 3, 9, 10), timedelta(hours=3)) == at(
        2026, 3, 10, 9
    )
    settings.TINHSO_OFFICE_HOURS = "8h-12h"
    with pytest.raises(ValueError, match="TINHSO_OFFICE_HOURS"):
        get_calendar()


@pytest.mark.django_db
def test_commit_invalidates_again(shared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        CalendarOverride.objects.create(date=date(2026, 3, 11), is_working_day=False)
        built_before_commit = get_calendar()
        assert not built_before_commit.is_working_day(date(2026, 3, 11))
    assert len(callbacks) == 1
    assert get_calendar() is not built_before_commit
