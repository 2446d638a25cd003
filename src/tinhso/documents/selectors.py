"""Reads of documents, already scoped to what the official may see (their agency; the
province's supervisors every agency).

Lists stay fast at tens of thousands of documents: they page by key (the id of the last row
shown, newest first, on the (agency, direction, id) index), never by OFFSET, carry no text
bodies (the content and the files' text are never selected), and count their queues in one
aggregate. Search folds the query like the stored text (core.text.fold: no diacritics, no
case) and matches fragments: on PostgreSQL a trigram index serves the metadata and the
attachments' text (migration 0002); SQLite scans.
"""

from __future__ import annotations

import contextlib

from django.db.models import BigIntegerField, Count, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone

from tinhso.core.access import get_visible, scope_to_agency, visible_agency_ids
from tinhso.core.calendar import get_calendar
from tinhso.core.text import fold

from .models import Document, DocumentEvent, DocumentFile, Status

PAGE_SIZE = 30
SEARCH_MIN = 2
DUE_SOON_WORKING_DAYS = 2
LIST_FIELDS = ("id", "agency_id", "direction", "status", "doc_type", "subject", "notation",
               "number", "number_year", "sender_name", "priority", "issued_at", "received_at",
               "due_at", "updated_at", "created_at", "assignee__username",
               "assignee__full_name", "recalled_at")
OUT, IN = Document.Direction.OUTGOING, Document.Direction.INCOMING

OUTGOING_QUEUES = {
    "drafts": Q(status=Status.DRAFT),
    "in_review": Q(status__in=(Status.IN_REVIEW, Status.REVIEWED)),
    "to_sign": Q(status__in=(Status.APPROVED, Status.SIGNED, Status.SEALED)),
    "issued": Q(status=Status.ISSUED),
    "recalled": Q(status=Status.RECALLED),
}
INCOMING_QUEUES = ("to_register", "to_direct", "to_assign", "in_progress", "mine", "due_soon",
                   "overdue", "completed")


def visible(actor):
    return scope_to_agency(Document.objects.all(), actor)


def get_for_official(actor, pk) -> Document:
    """One document the official may see; another agency's answers NotFound."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    return get_visible(Document.objects.select_related(
        "agency", "main_file", "register", "source", "response_for", "assignee",
        "directed_by", "reviewer", "approver"), actor, pk=pk)


def _page(qs, before=None, size: int = PAGE_SIZE):
    """(rows, the key of the next page or None): newest first, keyed by id.

    Two steps: the page's ids first, read from an index alone (an index-only scan of
    (agency, direction[, status], id)), then those rows. In one step PostgreSQL may walk the
    primary key backwards filtering every row, which costs a full scan for an agency whose
    documents are old or few among many."""
    return _rows(_ids(qs, before, size), size)


def _ids(qs, before, size: int) -> list[int]:
    if before:
        with contextlib.suppress(TypeError, ValueError):
            qs = qs.filter(pk__lt=int(before))
    return list(qs.order_by("-pk").values_list("pk", flat=True)[:size + 1])


def _rows(ids: list[int], size: int):
    more = len(ids) > size
    ids = ids[:size]
    rows = list(Document.objects.filter(pk__in=ids).select_related("assignee")
                .only(*LIST_FIELDS).order_by("-pk"))
    return rows, (rows[-1].pk if more and rows else None)


def _due_soon_limit(now):
    return get_calendar().add_working_days(now, DUE_SOON_WORKING_DAYS)


def incoming_queue(qs, queue: str, actor, now=None):
    now = now or timezone.now()
    open_ = Q(status=Status.ASSIGNED)
    return qs.filter({
        "to_register": Q(status=Status.ARRIVED),
        "to_direct": Q(status=Status.REGISTERED),
        "to_assign": Q(status__in=(Status.REGISTERED, Status.DIRECTED)),
        "in_progress": open_,
        "mine": open_ & Q(assignee_id=actor.pk),
        "due_soon": open_ & Q(due_at__gte=now, due_at__lt=_due_soon_limit(now)),
        "overdue": open_ & Q(due_at__lt=now),
        "completed": Q(status=Status.COMPLETED),
    }[queue])


def outgoing(actor, *, queue: str = "", before=None):
    qs = visible(actor).filter(direction=OUT)
    if queue in OUTGOING_QUEUES:
        qs = qs.filter(OUTGOING_QUEUES[queue])
    return _page(qs, before)


def incoming(actor, *, queue: str = "", before=None, now=None):
    # A recalled copy leaves the recipient's lists; it stays reachable from its history.
    qs = visible(actor).filter(direction=IN).exclude(status=Status.RECALLED)
    if queue in INCOMING_QUEUES:
        qs = incoming_queue(qs, queue, actor, now)
    return _page(qs, before)


def incoming_counts(actor, now=None) -> dict[str, int]:
    now = now or timezone.now()
    qs = visible(actor).filter(direction=IN)
    soon = _due_soon_limit(now)
    assigned = Q(status=Status.ASSIGNED)
    return qs.aggregate(
        to_register=Count("pk", filter=Q(status=Status.ARRIVED)),
        to_direct=Count("pk", filter=Q(status=Status.REGISTERED)),
        to_assign=Count("pk", filter=Q(status__in=(Status.REGISTERED, Status.DIRECTED))),
        in_progress=Count("pk", filter=assigned),
        mine=Count("pk", filter=assigned & Q(assignee_id=actor.pk)),
        due_soon=Count("pk", filter=assigned & Q(due_at__gte=now, due_at__lt=soon)),
        overdue=Count("pk", filter=assigned & Q(due_at__lt=now)),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
    )


def outgoing_counts(actor) -> dict[str, int]:
    qs = visible(actor).filter(direction=OUT)
    return qs.aggregate(**{name: Count("pk", filter=q) for name, q in OUTGOING_QUEUES.items()})


def search(actor, q: str, *, direction: str = "", before=None):
    """Documents whose subject, number and notation, sender (or one of whose files' text)
    hold every word of the query, diacritics and case ignored. Returns (rows, next key)."""
    fragment = fold(q or "")
    if len(fragment) < SEARCH_MIN:
        return [], None
    qs = visible(actor).exclude(direction=IN, status=Status.RECALLED)
    ids = visible_agency_ids(actor)
    if ids is not None and len(ids) == 1:
        # The same type as the column: the trigram index holds the agency id (btree_gin),
        # and a GIN index only takes a same-type comparison (the driver may send a smallint).
        qs = qs.filter(agency_id=Cast(Value(next(iter(ids))), BigIntegerField()))
    if direction in (OUT, IN):
        qs = qs.filter(direction=direction)
    # Two index searches, one page each, merged: an OR of the two in one query would have
    # PostgreSQL filter every row instead of using either index.
    # Every word of the query, anywhere and in any order ("chuyen doi so 2027" finds "…
    # chuyển đổi số năm 2027"); each word a fragment, so "quyet" finds "quyết định".
    words = [w for w in fragment.split() if len(w) >= SEARCH_MIN] or [fragment]
    in_meta, in_text = Q(), Q()
    for word in words:
        in_meta &= Q(search_text__contains=word)
        in_text &= Q(text__contains=word)
    in_files = DocumentFile.objects.filter(in_text).values("document_id")
    found = set(_ids(qs.filter(in_meta), before, PAGE_SIZE))
    found |= set(_ids(qs.filter(pk__in=in_files), before, PAGE_SIZE))
    return _rows(sorted(found, reverse=True)[:PAGE_SIZE + 1], PAGE_SIZE)


def history(document: Document):
    return DocumentEvent.objects.filter(document=document).order_by("at", "pk")


def files_of(document: Document):
    return document.files.defer("text").order_by("pk")


def assignable(document: Document):
    """Officials of the document's agency who may be given it."""
    from tinhso.core.models import User

    return (User.objects.filter(agency_id=document.agency_id, is_active=True)
            .order_by("full_name", "username"))


def reminders(now=None) -> list[dict]:
    """Per agency: incoming documents due within two working days and overdue ones."""
    now = now or timezone.now()
    soon = _due_soon_limit(now)
    rows = (Document.objects.filter(direction=IN, status=Status.ASSIGNED,
                                    due_at__lt=soon)
            .values("agency_id", "agency__name")
            .annotate(due_soon=Count("pk", filter=Q(due_at__gte=now)),
                      overdue=Count("pk", filter=Q(due_at__lt=now)))
            .order_by("agency__name"))
    return list(rows)

