"""The aggregates agree exactly with classify() and the raw dossiers, after a full build and
after incremental refreshes."""

from datetime import date, timedelta

import pytest

from tinhso.dossiers.models import Dossier, Status
from tinhso.metrics import periods
from tinhso.metrics.aggregation import refresh
from tinhso.metrics.models import COUNTERS, DailyFact, PausedVerdict
from tinhso.metrics.verify import verify

from .conftest import NOW, TODAY

PERIODS = ["2026-03", "2026-02", "2026-01", "2025-12", "2026-Q1", "2026",
           "2026-02-14..2026-02-22", "2025-10-01..2026-03-20", "2026-03-15..2026-03-15"]


def _check(today=TODAY):
    checks = verify([periods.parse(p) for p in PERIODS], today=today)
    problems = [m for c in checks for m in c.mismatches]
    assert problems == []
    return checks


def test_full_build_agrees_with_classify_for_every_period(seeded):
    report = refresh(full=True, now=NOW)
    assert report.full and report.dossiers == 600
    checks = _check()
    year = next(c for c in checks if c.period.code == "2026")
    assert year.judged > 200 and 0 < year.on_time < year.judged
    assert DailyFact.objects.exists()


def test_seeded_data_exercises_the_hard_cases(seeded):
    """Refused at intake (statutory due), paused now, several supplements, withdrawn."""
    refresh(full=True, now=NOW)
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {Status.REFUSED, Status.SUPPLEMENT_REQUESTED, Status.RETURNED} <= statuses
    assert PausedVerdict.objects.exists()


def test_refused_dossiers_are_judged_in_slices(seeded, monkeypatch):
    """Dossiers refused at intake get their statutory due slice by slice (a statement's
    parameters are bounded); the result is the same as in one go."""
    from tinhso.metrics import aggregation
    from tinhso.metrics.models import DossierFact

    refused = Dossier.objects.filter(status=Status.REFUSED).count()
    assert refused > 3
    refresh(full=True, now=NOW)
    whole = dict(DossierFact.objects.values_list("dossier_id", "due_at"))
    monkeypatch.setattr(aggregation, "STATUTORY_SLICE", 2)
    refresh(full=True, now=NOW)
    assert dict(DossierFact.objects.values_list("dossier_id", "due_at")) == whole
    _check()


def test_incremental_refresh_equals_a_full_build(seeded):
    refresh(full=True, now=NOW)
    # Change dossiers behind the aggregates' back the way the lifecycle would: new facts and
    # an event each (the refresh reads events, not signals).
    from tinhso.dossiers.models import DossierEvent

    changed = list(Dossier.objects.filter(status=Status.PROCESSING)[:5])
    for d in changed:
        d.status, d.finished_at = Status.FINISHED, NOW - timedelta(hours=1)
        d.save(update_fields=["status", "finished_at"])
        DossierEvent.objects.create(dossier=d, at=NOW, action="finish", from_status=4,
                                    to_status=9, agency_id=d.current_agency_id)
    report = refresh(now=NOW)
    assert 5 <= report.dossiers < 600
    _check()
    before = _counters()
    refresh(full=True, now=NOW)
    assert _counters() == before


def _counters():
    """Daily rows with any counter set (taking a contribution back can leave zero rows)."""
    rows = DailyFact.objects.order_by("agency_id", "day").values_list("agency_id", "day",
                                                                      *COUNTERS)
    return [r for r in rows if any(r[2:])]


def test_refresh_twice_changes_nothing(seeded):
    refresh(full=True, now=NOW)
    first = list(DailyFact.objects.order_by("agency_id", "day").values_list())
    report = refresh(now=NOW + timedelta(hours=1))  # events of the last 10 minutes: none
    assert report.dossiers == 0
    assert list(DailyFact.objects.order_by("agency_id", "day").values_list()) == first


def test_verify_reports_a_tampered_aggregate(seeded):
    refresh(full=True, now=NOW)
    row = DailyFact.objects.filter(ended_on_time__gt=0, day__gte=date(2026, 3, 1)).first()
    row.ended_on_time += 1
    row.save()
    checks = verify([periods.parse("2026-03")], today=TODAY)
    assert not checks[0].ok
    assert any("ended_on_time" in m for m in checks[0].mismatches)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "x", "2026-03-05..2026-03-01"])
def test_bad_periods_are_refused_in_vietnamese(text):
    from tinhso.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match=r"Kỳ không hợp lệ|Ngày cuối"):
        periods.parse(text)


def test_cached_results_end_with_the_next_refresh(seeded):
    from tinhso.dossiers.models import DossierEvent
    from tinhso.metrics import selectors

    refresh(full=True, now=NOW)
    march = periods.parse("2026-03")
    before = selectors.index_for(march, today=TODAY).counters.received
    dossier = Dossier.objects.filter(received_at__isnull=False).order_by("pk").first()
    dossier.received_at = NOW - timedelta(days=1)
    dossier.save(update_fields=["received_at"])
    DossierEvent.objects.create(dossier=dossier, at=NOW, action="note", to_status=dossier.status,
                                agency_id=dossier.agency_id)
    assert selectors.index_for(march, today=TODAY).counters.received == before  # cached
    refresh(now=NOW)
    assert selectors.index_for(march, today=TODAY).counters.received == before + 1
    _check()


def test_a_change_that_commits_after_a_run_is_read_by_the_next_one(seeded):
    """An event whose id was taken before a run but committed after it sits below the
    watermark: the next run finds it by its time. Only events since the previous run (less
    the longest a change takes) are read again, not the whole safety window."""
    from tinhso.dossiers.models import DossierEvent
    from tinhso.metrics.models import DossierFact, RefreshState

    refresh(full=True, now=NOW)
    late, old = list(Dossier.objects.filter(status=Status.PROCESSING)[:2])
    for d, at in ((late, NOW - timedelta(seconds=30)), (old, NOW - timedelta(minutes=5))):
        d.status, d.finished_at = Status.FINISHED, at
        d.save(update_fields=["status", "finished_at"])
        event = DossierEvent.objects.create(dossier=d, at=at, action="finish", from_status=4,
                                            to_status=9, agency_id=d.current_agency_id)
    # The previous run (at NOW) saw ids up to the last one but not these two rows.
    RefreshState.objects.filter(pk=1).update(last_event_id=event.pk)
    report = refresh(now=NOW + timedelta(seconds=20))
    assert report.dossiers == 1  # `late`; `old` is within ten minutes, not within the margin
    status = dict(DossierFact.objects.filter(dossier_id__in=[late.pk, old.pk])
                  .values_list("dossier_id", "status"))
    assert status == {late.pk: Status.FINISHED, old.pk: Status.PROCESSING}
