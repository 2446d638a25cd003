"""The national on-time rule, case by case."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from tinhso.core.calendar import WorkCalendar
from tinhso.core.timeunits import TimeUnit
from tinhso.dossiers.models import Status
from tinhso.dossiers.timeliness import Timeliness, classify, counting_end

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar("07:30-11:30,13:30-17:00")
T = Timeliness
S = Status
HOUR = 3600


def t(m, d, hh=10, mm=0):
    return datetime(2026, m, d, hh, mm, tzinfo=VN)


# Received Fri 13 Feb 10:00, 5 working days → due Fri 27 Feb 10:00 (across Tết).
RECEIVED, DUE = t(2, 13), t(2, 27)
FEB = (date(2026, 2, 1), date(2026, 2, 28))


def facts(**kw):
    base = {"status": S.FINISHED, "submitted_at": t(2, 13, 9), "received_at": RECEIVED,
            "due_at": DUE, "finished_at": None, "returned_at": None, "closed_at": None,
            "paused_since": None, "paused_seconds": 0, "supplement_count": 0,
            "processing_time": 5, "time_unit": TimeUnit.WORKING_DAYS}
    base.update(kw)
    return SimpleNamespace(**base)


CASES = [
    # --- ended within the period: processing end against the due date
    ("finished before due", dict(finished_at=t(2, 26)), FEB, T.ON_TIME),
    ("finished exactly at due", dict(finished_at=DUE), FEB, T.ON_TIME),
    ("finished a minute late", dict(finished_at=t(2, 27, 10, 1)), FEB, T.LATE),
    ("one supplement, on time", dict(finished_at=t(2, 26), supplement_count=1), FEB,
     T.ON_TIME),
    ("two supplements make it late", dict(finished_at=t(2, 23), supplement_count=2), FEB,
     T.LATE),
    ("finished end counts before returned", dict(status=S.RETURNED, finished_at=t(2, 26),
                                                returned_at=t(2, 27, 16)), FEB, T.ON_TIME),
    ("returned counts when no finish is recorded",
     dict(status=S.RETURNED, returned_at=t(2, 27, 16)), FEB, T.LATE),
    ("stopped before due", dict(status=S.STOPPED, closed_at=t(2, 24)), FEB, T.ON_TIME),
    ("stopped after due", dict(status=S.STOPPED, closed_at=t(2, 27, 11)), FEB, T.LATE),
    ("refused at intake within the statutory time",
     dict(status=S.REFUSED, received_at=None, due_at=None, closed_at=t(2, 13, 15)), FEB,
     T.ON_TIME),
    ("refused at intake beyond the statutory time",
     dict(status=S.REFUSED, received_at=None, due_at=None, closed_at=t(2, 27, 15)), FEB,
     T.LATE),
    # --- no due date: (end − start − paused) against the statutory time
    ("no due date, exactly the statutory time plus the pause",
     dict(due_at=None, paused_seconds=int(7.5 * HOUR), finished_at=t(3, 2)),
     (date(2026, 3, 1), date(2026, 3, 31)), T.ON_TIME),
    ("no due date, a minute beyond",
     dict(due_at=None, paused_seconds=int(7.5 * HOUR), finished_at=t(3, 2, 10, 1)),
     (date(2026, 3, 1), date(2026, 3, 31)), T.LATE),
    ("no due date, no pause", dict(due_at=None, finished_at=t(3, 2)),
     (date(2026, 3, 1), date(2026, 3, 31)), T.LATE),
    ("no due date in hours", dict(due_at=None, processing_time=8,
                                  time_unit=TimeUnit.WORKING_HOURS, finished_at=t(2, 23, 10)),
     FEB, T.ON_TIME),
    ("no due date and no statutory time", dict(due_at=None, processing_time=None,
                                               finished_at=t(2, 20)), FEB, T.NOT_COUNTED),
    # --- still open at the end of the period
    ("open, due after the period", dict(status=S.PROCESSING),
     (date(2026, 2, 1), date(2026, 2, 20)), T.OPEN_ON_TIME),
    ("open, due on the period's last day", dict(status=S.PROCESSING),
     (date(2026, 2, 1), date(2026, 2, 27)), T.OPEN_ON_TIME),
    ("open, due before the period's last day", dict(status=S.PROCESSING), FEB, T.OPEN_LATE),
    ("open with two supplement requests", dict(status=S.PROCESSING, supplement_count=2),
     (date(2026, 2, 1), date(2026, 2, 20)), T.OPEN_LATE),
    ("open, waiting for a supplement since before the due date",
     dict(status=S.SUPPLEMENT_REQUESTED, paused_since=t(2, 26), supplement_count=1), FEB,
     T.OPEN_ON_TIME),
    ("open, waiting for a supplement requested after the due date",
     dict(status=S.SUPPLEMENT_REQUESTED, paused_since=t(2, 27, 16), supplement_count=1), FEB,
     T.OPEN_LATE),
    ("open without a due date, beyond the statutory time",
     dict(status=S.PROCESSING, due_at=None), FEB, T.OPEN_LATE),
    ("finished after the period: open at its end",
     dict(finished_at=t(3, 2)), (date(2026, 2, 1), date(2026, 2, 25)), T.OPEN_ON_TIME),
    ("finished after the period: open and already late at its end",
     dict(finished_at=t(3, 2)), FEB, T.OPEN_LATE),
    # --- not counted
    ("withdrawn", dict(status=S.WITHDRAWN, closed_at=t(2, 20)), FEB, T.NOT_COUNTED),
    ("withdrawn after the period: open at its end", dict(status=S.WITHDRAWN, closed_at=t(3, 5)),
     (date(2026, 2, 1), date(2026, 2, 25)), T.OPEN_ON_TIME),
    ("submitted, not received", dict(status=S.SUBMITTED, received_at=None, due_at=None), FEB,
     T.NOT_COUNTED),
    ("received after the period", dict(status=S.PROCESSING),
     (date(2026, 1, 1), date(2026, 1, 31)), T.NOT_COUNTED),
    ("ended before the period", dict(finished_at=t(2, 26)),
     (date(2026, 3, 1), date(2026, 3, 31)), T.NOT_COUNTED),
]


@pytest.mark.parametrize(("kw", "period", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_classify(kw, period, expected):
    assert classify(facts(**kw), *period, cal=CAL) == expected


def test_datetime_bounds_are_half_open():
    f = facts(finished_at=t(2, 26))
    assert classify(f, t(2, 26), t(2, 26, 10, 1), cal=CAL) == T.ON_TIME
    assert classify(f, t(2, 26, 10, 1), t(2, 27), cal=CAL) == T.NOT_COUNTED  # ended before
    assert classify(f, t(2, 1), t(2, 26), cal=CAL) == T.OPEN_ON_TIME  # 10:00 is not < 10:00
    with pytest.raises(ValueError):
        classify(f, datetime(2026, 2, 1), datetime(2026, 3, 1), cal=CAL)


def test_counting_end_order():
    assert counting_end(facts(status=S.RETURNED, finished_at=t(2, 20),
                              returned_at=t(2, 21))) == t(2, 20)
    assert counting_end(facts(status=S.RETURNED, returned_at=t(2, 21))) == t(2, 21)
    assert counting_end(facts(status=S.STOPPED, closed_at=t(2, 22))) == t(2, 22)
    assert counting_end(facts(status=S.WITHDRAWN, closed_at=t(2, 22))) is None
    assert counting_end(facts(status=S.PROCESSING)) is None


def test_statutory_time_read_from_the_procedure_version():
    f = facts(due_at=None, finished_at=t(2, 27, 9))
    del f.processing_time, f.time_unit
    f.procedure_version = SimpleNamespace(processing_time=5, time_unit=TimeUnit.WORKING_DAYS)
    assert classify(f, *FEB, cal=CAL) == T.ON_TIME
    f.finished_at = t(2, 27, 11)
    assert classify(f, *FEB, cal=CAL) == T.LATE
