"""Background refresh of the index aggregates (django-tasks; `tinhso db_worker` runs it)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from tinhso.dossiers.models import DossierEvent

from .aggregation import refresh
from .models import RefreshState

# Changes arriving together are folded into one refresh a few seconds later.
DEBOUNCE = timedelta(seconds=5)


def min_interval() -> timedelta:
    """Under steady load a refresh starts at most this often after the previous one: the
    index stays within half a minute of the facts without a core spent aggregating."""
    return timedelta(seconds=settings.TINHSO_METRICS_MIN_INTERVAL_SECONDS)


def stale_request() -> timedelta:
    """A queued request older than this is taken as lost (worker restarted) and made again."""
    return min_interval() + timedelta(seconds=60)


@task()
def refresh_index() -> int:
    report = refresh()
    if DossierEvent.objects.filter(pk__gt=report.last_event_id).exists():
        request_refresh()  # changes that came while it ran were not allowed to wait for it
    return report.dossiers


def request_refresh() -> bool:
    """Queue one refresh unless one is queued already; True when this call queued it.

    A running refresh holds the state row for its whole transaction. A dossier change never
    waits for it (that would stall every submission): it skips the locked row, and the
    refresh queues itself again when events arrived meanwhile."""
    now = timezone.now()
    RefreshState.objects.get_or_create(pk=1)
    queued = Q(requested_at__gt=now - stale_request())
    with transaction.atomic():
        free = list(RefreshState.objects.select_for_update(skip_locked=True)
                    .filter(pk=1).exclude(queued).values_list("pk", "last_run_at"))
        if not free or not RefreshState.objects.filter(pk=1).update(requested_at=now):
            return False
    last_run = free[0][1]
    run_after = max(now + DEBOUNCE, last_run + min_interval() if last_run else now)
    job = refresh_index
    if job.get_backend().supports_defer:
        job = job.using(run_after=run_after)
    job.enqueue()
    return True


def refresh_if_stale(today) -> bool:
    """Queue a refresh when the aggregates were never built or not yet refreshed today
    (dossiers waiting for a supplement are judged day by day, up to the last refresh)."""
    state = RefreshState.objects.filter(pk=1).values_list("last_full_at", "last_run_at").first()
    if state and state[0] and timezone.localdate(state[1]) >= today:
        return False
    return request_refresh()
