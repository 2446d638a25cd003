"""Background refresh of the index aggregates (django-tasks; `tinhso db_worker` runs it)."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from tinhso.dossiers.models import DossierEvent

from .aggregation import refresh
from .models import RefreshState

# Changes arriving together are folded into one refresh a few seconds later.
DEBOUNCE = timedelta(seconds=5)
# A queued request older than this is taken as lost (worker restarted) and made again.
STALE_REQUEST = timedelta(seconds=60)


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
    queued = Q(requested_at__gt=now - STALE_REQUEST)
    with transaction.atomic():
        free = (RefreshState.objects.select_for_update(skip_locked=True)
                .filter(pk=1).exclude(queued).values_list("pk", flat=True))
        if not free or not RefreshState.objects.filter(pk__in=list(free)).update(
                requested_at=now):
            return False
    job = refresh_index
    if job.get_backend().supports_defer:
        job = job.using(run_after=now + DEBOUNCE)
    job.enqueue()
    return True


def refresh_if_stale(today) -> bool:
    """Queue a refresh when the aggregates were never built or not yet refreshed today
    (dossiers waiting for a supplement are judged day by day, up to the last refresh)."""
    state = RefreshState.objects.filter(pk=1).values_list("last_full_at", "last_run_at").first()
    if state and state[0] and timezone.localdate(state[1]) >= today:
        return False
    return request_refresh()
