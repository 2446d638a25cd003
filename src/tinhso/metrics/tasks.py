"""Background refresh of the index aggregates (django-tasks; `tinhso db_worker` runs it)."""

from datetime import UTC, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task

from tinhso.dossiers.models import DossierEvent

from .aggregation import refresh
from .models import RefreshState
from .selectors import warm

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
    report = refresh(then=warm)
    if DossierEvent.objects.filter(pk__gt=report.last_event_id).exists():
        request_refresh()  # changes that came while it ran were not allowed to wait for it
    return report.dossiers


def request_refresh() -> bool:
    """Queue one refresh unless one is queued already; True when this call queued it.

    Called after every dossier change, so the usual answer (one is queued) costs one
    statement. A running refresh holds the state row for its whole transaction; a change
    never waits for it (that would stall every submission): it skips the locked row, and
    the refresh queues itself again when events arrived meanwhile.
    """
    now = timezone.now()
    claimed = _claim(now)
    if claimed is None:
        return False
    last_run = claimed[0]
    run_after = max(now + DEBOUNCE, last_run + min_interval() if last_run else now)
    job = refresh_index
    if job.get_backend().supports_defer:
        job = job.using(run_after=run_after)
    job.enqueue()
    return True


_CLAIM = """UPDATE metrics_refreshstate SET requested_at = %s
WHERE id = (SELECT id FROM metrics_refreshstate
            WHERE id = 1 AND (requested_at IS NULL OR requested_at <= %s){lock})
RETURNING last_run_at"""


def _claim(now) -> tuple | None:
    """Mark a refresh as requested unless a live request stands or a refresh holds the row:
    (last_run_at,) when marked. The row exists from migrate on (apps.ensure_refresh_state).
    """
    features, ops = connection.features, connection.ops
    lock = " FOR UPDATE SKIP LOCKED" if features.has_select_for_update_skip_locked else ""
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM.format(lock=lock),
                       [ops.adapt_datetimefield_value(now),
                        ops.adapt_datetimefield_value(now - stale_request())])
        row = cursor.fetchone()
    if row is None:
        return None
    last_run = row[0]
    if isinstance(last_run, str):
        last_run = parse_datetime(last_run)
    if last_run is not None and timezone.is_naive(last_run):  # SQLite keeps UTC, naive
        last_run = timezone.make_aware(last_run, UTC)
    return (last_run,)


def refresh_if_stale(today) -> bool:
    """Queue a refresh when the aggregates were never built or not yet refreshed today
    (dossiers waiting for a supplement are judged day by day, up to the last refresh)."""
    state = RefreshState.objects.filter(pk=1).values_list("last_full_at", "last_run_at").first()
    if state and state[0] and timezone.localdate(state[1]) >= today:
        return False
    return request_refresh()
