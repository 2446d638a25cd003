"""Every dossier change reaches the national public service portal, at least once and in
order per dossier.

The dossier row is its own outbox: the lifecycle marks it pending in the change's own
transaction (nothing else is written on the hot path), and one sender (`tinhso
sync_national_portal`, a single process: an advisory lock on PostgreSQL) sends each pending
dossier as it is now, then its events not yet sent as progress entries. A dossier becomes
"synced" only when the portal acknowledged it and nothing changed meanwhile: the mark is a
compare-and-set on `lock_version`, so a change during the call leaves it pending and it is
sent again, newer. One sender and one state per send keep each dossier's order.

- The portal unreachable (down, timing out, answering garbage): nothing is marked failed;
  the rows keep the reason in `sync_error` for the operator and the sender backs off.
- The portal refusing a batch: each dossier is sent on its own, after asking whether the
  portal holds it (TraCuuHoSo), so one bad record holds back only itself; a dossier still
  refused is "failed" with the portal's reason and retried later, less and less often.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from tinhso.core import locks

from .models import Dossier, DossierEvent, SyncState
from .portal_port import NationalPortal, PortalRefused, PortalUnavailable

log = logging.getLogger(__name__)

BATCH = 100
PROGRESS_BATCH = 500
RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=6)
ERROR_MAX = 2000


def portal() -> NationalPortal:
    """The portal chosen in settings (the simulator's address in the demo)."""
    return import_string(settings.TINHSO_NATIONAL_PORTAL_BACKEND)()


@dataclass
class SyncReport:
    sent: int = 0  # dossiers the portal acknowledged
    progress: int = 0  # progress entries acknowledged
    failed: int = 0  # dossiers the portal refused
    stale: int = 0  # acknowledged, but changed meanwhile: pending again
    unavailable: str = ""  # why the portal could not be reached, if it could not
    failures: list[tuple[str, str]] = field(default_factory=list)


def backlog(now: datetime | None = None) -> Q:
    """Dossiers the sender owes the portal now (failed ones once their retry time came)."""
    now = now or timezone.now()
    return (Q(sync_state=SyncState.PENDING)
            | Q(sync_state=SyncState.FAILED)
            & (Q(sync_retry_at__isnull=True) | Q(sync_retry_at__lte=now)))


def sync_batch(target: NationalPortal, *, limit: int = BATCH,
               now: datetime | None = None) -> SyncReport:
    """Send up to `limit` dossiers of the backlog, oldest first."""
    now = now or timezone.now()
    report = SyncReport()
    # The partial index holds the backlog only; ~synced keeps to it, the rest narrows.
    dossiers = list(
        Dossier.objects.filter(~Q(sync_state=SyncState.SYNCED)).filter(backlog(now))
        .select_related("procedure__sector", "current_agency", "case")
        .prefetch_related("components", "results", "payments", "supplement_requests")
        .order_by("id")[:limit])
    if not dossiers:
        return report
    try:
        acknowledged = _send(target, dossiers, report)
        events = _progress(target, acknowledged, report)
    except PortalUnavailable as exc:
        report.unavailable = exc.reason
        _note_unreachable(dossiers, exc.reason)
        return report
    _mark(acknowledged, events, report, timezone.now())
    return report


def _send(target: NationalPortal, dossiers: list[Dossier], report: SyncReport) -> list[Dossier]:
    """The dossiers the portal acknowledged, each as it was read (with its lock_version)."""
    known = [d for d in dossiers if d.synced_at is not None]
    new = [d for d in dossiers if d.synced_at is None]
    acknowledged = []
    for batch, updating in ((new, False), (known, True)):
        if not batch:
            continue
        try:
            target.sync(batch, updating=updating)
            acknowledged += batch
        except PortalRefused:
            # One by one: the portal's own answer tells which is new, so a record it lost
            # or already took (an answer that never came back) goes the right way.
            for d in batch:
                try:
                    target.sync([d], updating=target.holds(d.code))
                    acknowledged.append(d)
                except PortalRefused as exc:
                    _fail(d, exc.reason, report)
    return acknowledged


def _progress(target: NationalPortal, dossiers: Sequence[Dossier],
              report: SyncReport) -> dict[int, int]:
    """Send the events not yet sent; the last event id sent, per dossier."""
    if not dossiers:
        return {}
    since = {d.pk: d.synced_event_id or 0 for d in dossiers}
    events = [e for e in DossierEvent.objects.filter(dossier_id__in=since)
              .select_related("dossier", "agency").order_by("id")
              if e.pk > since[e.dossier_id]]
    last: dict[int, int] = {}
    for start in range(0, len(events), PROGRESS_BATCH):
        chunk = events[start:start + PROGRESS_BATCH]
        try:
            target.progress(chunk)
        except PortalRefused as exc:
            # The dossiers were acknowledged but not their steps: they stay owed.
            by_pk = {d.pk: d for d in dossiers}
            for pk in {e.dossier_id for e in chunk}:
                _fail(by_pk[pk], exc.reason, report)
            continue
        report.progress += len(chunk)
        for e in chunk:
            last[e.dossier_id] = e.pk
    return last


def _mark(dossiers: Sequence[Dossier], events: dict[int, int], report: SyncReport,
          at: datetime) -> None:
    refused = {code for code, _reason in report.failures}
    with transaction.atomic():
        for d in dossiers:
            if d.code in refused:
                continue
            # Compare-and-set: a change since the read (a newer lock_version) stays pending.
            changed = Dossier.objects.filter(pk=d.pk, lock_version=d.lock_version).update(
                sync_state=SyncState.SYNCED, synced_at=at, sync_error="", sync_attempts=0,
                sync_retry_at=None, synced_event_id=events.get(d.pk, d.synced_event_id))
            if changed:
                report.sent += 1
            else:
                report.stale += 1
                Dossier.objects.filter(pk=d.pk).update(
                    synced_at=at, synced_event_id=events.get(d.pk, d.synced_event_id))


def _fail(d: Dossier, reason: str, report: SyncReport) -> None:
    attempts = d.sync_attempts + 1
    delay = min(RETRY_FIRST * 2 ** (attempts - 1), RETRY_MAX)
    Dossier.objects.filter(pk=d.pk).update(
        sync_state=SyncState.FAILED, sync_error=reason[:ERROR_MAX], sync_attempts=attempts,
        sync_retry_at=timezone.now() + delay)
    report.failed += 1
    report.failures.append((d.code, reason))
    log.warning("portal refused %s: %s", d.code, reason)


def _note_unreachable(dossiers: Sequence[Dossier], reason: str) -> None:
    # Still owed, not failed: the reason is kept for the operator, nothing else changes.
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).update(sync_error=reason[:ERROR_MAX])


def sender_lock() -> bool:
    """Become the one sender."""
    return locks.hold_for_process(locks.PORTAL_SENDER)


def status_counts() -> dict[str, int]:
    """Dossiers per sync state, for the operator."""
    counts = dict.fromkeys(SyncState.values, 0)
    counts.update(Dossier.objects.order_by().values_list("sync_state")
                  .annotate(n=Count("pk")).values_list("sync_state", "n"))
    return counts
