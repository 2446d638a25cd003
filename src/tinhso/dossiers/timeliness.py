"""On time or late: the national rule behind the progress score (Decision 766).

`classify(facts, period_start, period_end)` is pure given a calendar. `facts` is a Dossier
or any object with the same attribute names: status, submitted_at, received_at, due_at,
finished_at, returned_at, closed_at, paused_since, paused_seconds, supplement_count, and
either processing_time + time_unit or procedure_version (for dossiers without a due date).

The period is either two dates (both days included) or two aware datetimes [start, end).
A dossier is judged as of the end of the period: one that ended after it was still open then.

Documented choices where the rule is silent:
- Withdrawn dossiers (7) are not counted: the applicant ended them, nobody was late.
  One withdrawn after the period was open at its end and counts as open.
- A dossier not yet received (1) has no running clock and is not counted; one refused at
  intake (3) is judged from its submission.
- A dossier that ended before the period belongs to an earlier period: not counted.
- The facts are the dossier's current ones: supplements after the period's end still count
  (the rule's "more than one supplement request" and the paused time in due_at).
- No due date and no statutory time: nothing to be late against, not counted.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Status

S = Status


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Trễ hạn")
    OPEN_ON_TIME = "open_on_time", _("Đang xử lý trong hạn")
    OPEN_LATE = "open_late", _("Đang xử lý quá hạn")
    NOT_COUNTED = "not_counted", _("Không tính")


def classify(facts, period_start, period_end, cal=None) -> Timeliness:
    p_start, p_end = _bounds(period_start, period_end)
    start = facts.received_at
    if start is None:
        if facts.status != S.REFUSED:
            return Timeliness.NOT_COUNTED
        start = facts.submitted_at
    if start is None or start >= p_end:
        return Timeliness.NOT_COUNTED
    if facts.status == S.WITHDRAWN and (facts.closed_at is None or facts.closed_at < p_end):
        return Timeliness.NOT_COUNTED

    end = counting_end(facts)
    if end is not None and end < p_end:
        if end < p_start:
            return Timeliness.NOT_COUNTED
        if facts.supplement_count > 1:
            return Timeliness.LATE
        due = statutory_due(facts, start, cal)
        if due is None:
            return Timeliness.NOT_COUNTED
        return Timeliness.LATE if end > due else Timeliness.ON_TIME

    # Still open at the end of the period.
    if facts.supplement_count > 1:
        return Timeliness.OPEN_LATE
    due = statutory_due(facts, start, cal)
    if due is None:
        return Timeliness.NOT_COUNTED
    if facts.paused_since is not None and facts.paused_since < p_end:
        # Waiting for a supplement at the period's end: that wait is not the agency's time.
        cal = cal or _calendar()
        due = cal.add_working_time(due, cal.working_time_between(facts.paused_since, p_end))
    last_day = _local_date(p_end - timedelta(microseconds=1))
    return Timeliness.OPEN_LATE if _local_date(due) < last_day else Timeliness.OPEN_ON_TIME


def counting_end(facts) -> datetime | None:
    """Which end counts: finished (9) first, then returned (10), then stopped/refused (8/3)."""
    if facts.finished_at is not None:
        return facts.finished_at
    if facts.returned_at is not None:
        return facts.returned_at
    if facts.status in (S.STOPPED, S.REFUSED):
        return facts.closed_at
    return None


def statutory_due(facts, start: datetime, cal) -> datetime | None:
    """The due instant; without one, start + statutory time + paused working time."""
    if facts.due_at is not None:
        return facts.due_at  # supplement pauses are already added by the lifecycle
    amount, unit = _statutory(facts)
    if amount is None or unit is None:
        return None
    cal = cal or _calendar()
    due = cal.due_at(start, amount, unit)
    return cal.add_working_time(due, timedelta(seconds=facts.paused_seconds or 0))


def _statutory(facts):
    amount = getattr(facts, "processing_time", None)
    unit = getattr(facts, "time_unit", None)
    if amount is None and not unit:  # facts without their own: the version's
        version = getattr(facts, "procedure_version", None)
        if version is not None:
            amount, unit = version.processing_time, version.time_unit
    return amount, unit


def _bounds(start, end) -> tuple[datetime, datetime]:
    return _instant(start, 0), _instant(end, 1)


def _instant(value, days_after: int) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("Cần thời điểm có múi giờ / an aware datetime is required")
        return value
    if isinstance(value, date):
        return datetime.combine(value + timedelta(days=days_after), time.min, _tz())
    raise TypeError(f"period bound must be a date or datetime: {value!r}")


def _local_date(instant: datetime) -> date:
    return instant.astimezone(_tz()).date()


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _calendar():
    from tinhso.core.calendar import get_calendar

    return get_calendar()
