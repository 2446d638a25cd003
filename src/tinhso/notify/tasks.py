"""Sending the outbox in the background (django-tasks; `tinhso db_worker` runs the queue)."""

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .models import MAX_ATTEMPTS, Notification
from .sending import deliver

# A send claimed by a worker that was killed stays "running" in the task table and is never
# run again, while its outbox row stays pending. So each worker process, at its first send and
# then every SWEEP_EVERY seconds, queues again the rows pending for longer than
# TINHSO_NOTIFY_STALE_SECONDS (the `retry_notifications` command does the same from cron).
SWEEP_EVERY = 300
_last_sweep: list[float] = []


def _requeue_lost_sends() -> None:
    now = time.monotonic()
    if _last_sweep and now - _last_sweep[0] < SWEEP_EVERY:
        return
    _last_sweep[:] = [now]
    stale = timedelta(seconds=settings.TINHSO_NOTIFY_STALE_SECONDS)
    requeue_notifications(stale_before=timezone.now() - stale)


@task()
def send_notification(notification_id: int) -> str:
    """Send one outbox row; on failure schedule the next attempt with backoff."""
    _requeue_lost_sends()
    row = deliver(notification_id)
    if row is None:
        return "skipped"
    if row.status == Notification.Status.PENDING:
        enqueue_notification(row.pk, run_after=row.next_attempt_at)
    return row.status


def enqueue_notification(notification_id: int, run_after: datetime | None = None) -> None:
    """Queue a send; a backend that cannot defer (the immediate one) runs it at once."""
    job = send_notification
    if run_after is not None and run_after > timezone.now() and job.get_backend().supports_defer:
        job = job.using(run_after=run_after)
    job.enqueue(notification_id)


def requeue_notifications(*, stale_before: datetime, include_failed: bool = False) -> int:
    """Enqueue rows that the queue lost: pending and past their next attempt by a margin.

    With `include_failed`, rows that gave up are given a fresh set of attempts (an operator
    fixed the gateway). Returns how many rows were queued.
    """
    pending = Q(status=Notification.Status.PENDING, attempts__lt=MAX_ATTEMPTS) & (
        Q(next_attempt_at__lte=stale_before) | Q(next_attempt_at__isnull=True))
    if include_failed:
        failed = Notification.objects.filter(status=Notification.Status.FAILED)
        revived = list(failed.values_list("pk", flat=True))
        failed.update(status=Notification.Status.PENDING, attempts=0,
                      next_attempt_at=timezone.now())
        pending |= Q(pk__in=revived)
    ids = list(Notification.objects.filter(pending).values_list("pk", flat=True))
    for pk in ids:
        enqueue_notification(pk)
    return len(ids)
