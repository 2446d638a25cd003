"""A dossier event reaches the index without anyone running a command."""

import threading

import pytest
from django.db import connection, connections, transaction

from tinhso.dossiers.models import Status
from tinhso.metrics import periods
from tinhso.metrics.aggregation import refresh
from tinhso.metrics.models import DossierFact, RefreshState
from tinhso.metrics.tasks import request_refresh
from tinhso.metrics.verify import verify

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_lifecycle_changes_refresh_the_index(province, make_dossier, settings,
                                             django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    refresh(full=True)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = make_dossier(Status.PROCESSING)
    fact = DossierFact.objects.get(dossier_id=dossier.pk)
    assert fact.open_from is not None and fact.end_day is None
    with django_capture_on_commit_callbacks(execute=True):
        finished = make_dossier(Status.RETURNED)
    assert DossierFact.objects.get(dossier_id=finished.pk).end_day is not None
    checks = verify([periods.parse("2026-02"), periods.parse("2026-03")])
    assert all(c.ok for c in checks) and checks[0].judged == 2


def test_refresh_requests_are_folded_together(db):
    """With the database queue, one refresh is queued however many changes arrive."""
    from django_tasks_db.models import DBTaskResult

    assert request_refresh() is True
    assert request_refresh() is False
    assert DBTaskResult.objects.count() == 1
    refresh()  # the worker's run clears the request
    assert RefreshState.objects.get().requested_at is None
    assert request_refresh() is True


def test_a_new_day_queues_a_refresh(db):
    from datetime import date, timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from tinhso.metrics.tasks import refresh_if_stale

    assert refresh_if_stale(date.today()) is True  # never built
    refresh()
    today = timezone.localdate(RefreshState.objects.get().last_run_at)
    assert refresh_if_stale(today) is False
    assert refresh_if_stale(today + timedelta(days=1)) is True
    assert DBTaskResult.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_change_never_waits_for_a_running_refresh():
    """The refresh holds the state row; a request made meanwhile must not block on it."""
    RefreshState.objects.get_or_create(pk=1)
    locked, release = threading.Event(), threading.Event()

    def running_refresh():
        with transaction.atomic():
            RefreshState.objects.select_for_update().get(pk=1)
            locked.set()
            release.wait(10)
        connections.close_all()

    thread = threading.Thread(target=running_refresh)
    thread.start()
    try:
        assert locked.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # blocking would raise, not hang
        assert request_refresh() is False
    finally:
        release.set()
        thread.join()
    assert request_refresh() is True  # once it is done, requests queue again


def test_under_steady_load_a_refresh_waits_for_the_minimum_interval(db, settings):
    """Right after a refresh, the next one is queued for last run + the interval, not 5 s."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TINHSO_METRICS_MIN_INTERVAL_SECONDS = 30
    refresh()
    last_run = RefreshState.objects.get().last_run_at
    assert request_refresh() is True
    run_after = DBTaskResult.objects.get().run_after
    assert run_after >= last_run + timedelta(seconds=30)
    # Long after the last refresh, a change is folded in after the short debounce only.
    RefreshState.objects.update(last_run_at=timezone.now() - timedelta(hours=1),
                                requested_at=None)
    DBTaskResult.objects.all().delete()
    before = timezone.now()
    assert request_refresh() is True
    assert DBTaskResult.objects.get().run_after <= before + timedelta(seconds=10)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_readers_keep_the_previous_results_until_the_refresh_commits_its_warmed_ones():
    """The refresh's `then` (the dashboard's warm-up) runs under the new stamp before the
    commit: another process still reads the previous stamp meanwhile, so no reader meets
    the new aggregates before their results are cached."""
    from tinhso.metrics.counts import stamp

    refresh(full=True)
    previous, seen = stamp(), {}

    def then():
        seen["refresher"] = stamp()

        def reader():
            seen["reader"] = stamp()
            connections.close_all()

        thread = threading.Thread(target=reader)
        thread.start()
        thread.join()

    refresh(then=then)
    assert seen["reader"] == previous != seen["refresher"] == stamp()
