"""Property tests of working-time arithmetic against a plain day-by-day reference."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tinhso.core.calendar import WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDARS = [
    WorkCalendar("07:30-11:30,13:30-17:00"),
    # Three intervals, one ending at midnight, and overrides of every kind.
    WorkCalendar(
        "06:00-08:15,09:00-12:00,20:00-24:00",
        overrides={
            date(2026, 3, 11): False,  # a Wednesday off
            date(2026, 3, 14): True,  # a Saturday worked
            date(2026, 2, 18): True,  # a Tết day worked
        },
    ),
]
MAX_DAYS = 400

calendars = st.sampled_from(CALENDARS)
instants = st.datetimes(
    min_value=datetime(2025, 11, 1),
    max_value=datetime(2027, 3, 1),
    timezones=st.sampled_from([VN, UTC]),
)


def durations(cal, max_days=MAX_DAYS):
    day_us = cal.office_hours.day_length
    return st.integers(min_value=1, max_value=max_days * day_us).map(
        lambda us: timedelta(microseconds=us)
    )


def reference_between(cal, a, b):
    """Office time on working days in [a, b], summed one day and one interval at a time."""
    a, b = a.astimezone(VN), b.astimezone(VN)
    total, day = timedelta(0), a.date()
    while day <= b.date():
        if cal.is_working_day(day):
            midnight = datetime.combine(day, time(), tzinfo=VN)
            for start, end in cal.office_hours.intervals:
                lo = max(a, midnight + timedelta(microseconds=start))
                hi = min(b, midnight + timedelta(microseconds=end))
                if hi > lo:
                    total += hi - lo
        day += timedelta(days=1)
    return total


def inside_or_at_end(cal, instant):
    local = instant.astimezone(VN)
    day = (local - timedelta(microseconds=1)).date()  # 24:00 closes the day before
    midnight = datetime.combine(day, time(), tzinfo=VN)
    return cal.is_working_day(day) and any(
        midnight + timedelta(microseconds=start) < local <= midnight + timedelta(microseconds=end)
        for start, end in cal.office_hours.intervals
    )


@settings(max_examples=200)
@given(cal=calendars, data=st.data(), s=instants)
def test_measure_undoes_add(cal, data, s):
    d = data.draw(durations(cal))
    opened = cal.next_opening(s)  # inside office hours
    assert cal.working_time_between(opened, cal.add_working_time(opened, d)) == d
    # It also holds from any instant: time outside office hours counts for nothing.
    assert cal.working_time_between(s, cal.add_working_time(s, d)) == d


@settings(max_examples=200)
@given(cal=calendars, data=st.data(), s=instants)
def test_add_is_strictly_monotonic_in_delta(cal, data, s):
    d1, d2 = sorted(data.draw(st.lists(durations(cal), min_size=2, max_size=2)))
    r1, r2 = cal.add_working_time(s, d1), cal.add_working_time(s, d2)
    assert s < r1 <= r2
    if d1 < d2:
        assert r1 < r2


@settings(max_examples=200)
@given(cal=calendars, a=instants, b=instants, c=instants)
def test_between_is_additive_over_a_middle_point(cal, a, b, c):
    a, b, c = sorted([a, b, c])
    ab, bc = cal.working_time_between(a, b), cal.working_time_between(b, c)
    assert ab >= timedelta(0) and bc >= timedelta(0)
    assert cal.working_time_between(a, c) == ab + bc
    assert cal.working_time_between(c, a) == -(ab + bc)


@settings(max_examples=200)
@given(cal=calendars, data=st.data(), s=instants)
def test_result_lies_in_an_office_interval_or_at_its_end(cal, data, s):
    result = cal.add_working_time(s, data.draw(durations(cal)))
    assert inside_or_at_end(cal, result)
    assert result.tzinfo == VN


@settings(max_examples=60, deadline=None)
@given(cal=calendars, data=st.data(), s=instants)
def test_add_then_measure_never_counts_a_non_working_day(cal, data, s):
    d = data.draw(durations(cal, max_days=120))
    result = cal.add_working_time(s, d)
    assert reference_between(cal, s, result) == d


@settings(max_examples=100, deadline=None)
@given(cal=calendars, a=instants, b=instants)
def test_between_matches_reference(cal, a, b):
    a, b = sorted([a, b])
    if (b - a).days > 200:
        b = a + timedelta(days=200)
    assert cal.working_time_between(a, b) == reference_between(cal, a, b)


@settings(max_examples=200)
@given(cal=calendars, s=instants, n=st.integers(min_value=1, max_value=MAX_DAYS))
def test_working_days_keep_the_hour_inside_office_hours(cal, s, n):
    opened = cal.next_opening(s).astimezone(VN)
    due = cal.add_working_days(opened, n)
    assert cal.working_days_between(opened.date(), due.date()) in {n, n - 1}
    if due.time() != opened.time():
        # Only a clock started exactly at an opening lands at the previous closing.
        starts = {start for start, _ in cal.office_hours.intervals}
        midnight = datetime.combine(opened.date(), time(), tzinfo=VN)
        assert (opened - midnight) // timedelta(microseconds=1) in starts
    assert cal.working_time_between(opened, due) == n * timedelta(
        microseconds=cal.office_hours.day_length
    )
