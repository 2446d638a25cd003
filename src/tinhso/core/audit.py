"""The tamper-evident audit log: an append-only chain of entries linked by SHA-256.

Each entry's hash covers its own content and the previous entry's hash, so changing, removing
or reordering a row breaks the chain from that row on. What a chain kept in the same database
cannot show is a cut tail (the newest rows deleted together): record the head printed by
`tinhso verify_audit` somewhere else and check it later with `--expect-head SEQ:HASH`.

Appends are serialised: on PostgreSQL by a transaction-level advisory lock held until the
caller's transaction ends, on SQLite by its single writer. The entry is written inside the
caller's transaction, so an action that is rolled back leaves no audit row. Because the lock
is held to commit, call `record` late in a service, after its own row locks are taken.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

GENESIS_HASH = "0" * 64
# Fixed key of the advisory lock; any other use of advisory locks must pick a different one.
ADVISORY_LOCK_KEY = 0x7415_0A0D_17  # "tinhso audit"

_current_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)


@dataclass(frozen=True)
class Problem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.reason}"


# --- Who is acting: model signals have no request, so the request can be put in context.


@contextlib.contextmanager
def request_context(request) -> Iterator[None]:
    """Make `request` the default for entries recorded inside the block (see the middleware)."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


class AuditContextMiddleware:
    """Lets model-signal entries (role granted, user changed) name the acting user and IP.

    Goes after AuthenticationMiddleware. The user is read only when an entry is written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            return self.get_response(request)


def current_request():
    return _current_request.get()


# --- Canonical form and hash.


def _utc_iso(at) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: AuditEntry) -> bytes:
    """The bytes the hash covers: sorted-key JSON, so field and key order never matter."""
    payload = {
        "seq": entry.seq,
        "at": _utc_iso(entry.at),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "ip": entry.ip_address,
        "data": entry.data,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


# --- Appending.


def _normalise_data(data) -> dict:
    # Round-trip through JSON so the stored value (jsonb reorders keys, dates become text)
    # is exactly what was hashed.
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def _client_ip(request) -> str | None:
    raw = (request.META.get("REMOTE_ADDR") or "").strip() if request is not None else ""
    try:
        return str(ipaddress.ip_address(raw))  # canonical text, as PostgreSQL's inet prints it
    except ValueError:
        return None


def _request_user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _target(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    kind, ident = target
    return str(kind)[:100], str(ident)[:64]


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def record(action: str, *, actor=None, target=None, data=None, request=None) -> AuditEntry:
    """Append one entry. `target` is a model instance or a (type, id) pair.

    Without an explicit request the one set by AuditContextMiddleware is used; without an
    explicit actor, the request's authenticated user.
    """
    if request is None:
        request = current_request()
    if actor is None:
        actor = _request_user(request)
    if actor is not None and not actor.is_authenticated:
        actor = None
    target_type, target_id = _target(target)
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        entry = AuditEntry(
            seq=seq,
            at=timezone.now(),  # taken under the lock, so time follows seq
            actor_id=actor.pk if actor is not None else None,
            actor_name=actor.get_username()[:150] if actor is not None else "",
            action=action[:60],
            target_type=target_type,
            target_id=target_id,
            ip_address=_client_ip(request),
            data=_normalise_data(data),
            prev_hash=prev_hash,
        )
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
    return entry


# --- Verifying.


def parse_head(text: str) -> tuple[int, str]:
    """'SEQ:HASH' as printed by verify_audit."""
    seq, sep, digest = text.partition(":")
    if not sep or not seq.strip().isdigit() or len(digest.strip()) != 64:
        raise ValueError(text)
    return int(seq), digest.strip().lower()


def chain_head() -> tuple[int, str] | None:
    return AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()


def verify(*, expect_head: tuple[int, str] | None = None) -> list[Problem]:
    """Walk the chain in seq order and list every row that does not fit.

    A row's stored hash is what the next row links to, so one altered row is reported once
    rather than breaking every row after it.
    """
    problems: list[Problem] = []
    prev_seq, prev_hash = 0, GENESIS_HASH
    found_head = False
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != prev_seq + 1:
            problems.append(Problem(entry.seq, str(_(
                "Thiếu bản ghi trước bản ghi này: số thứ tự nhảy từ %(prev)d lên %(seq)d "
                "(bản ghi bị xóa)."
            ) % {"prev": prev_seq, "seq": entry.seq})))
        elif entry.prev_hash != prev_hash:
            problems.append(Problem(entry.seq, str(_(
                "Liên kết chuỗi bị đứt: mã băm của bản ghi trước không khớp "
                "(bản ghi bị xóa, thay thế hoặc đổi thứ tự)."
            ))))
        if compute_hash(entry) != entry.hash:
            problems.append(Problem(entry.seq, str(_(
                "Nội dung bản ghi đã bị sửa: mã băm không khớp với nội dung."
            ))))
        if expect_head is not None and entry.seq == expect_head[0]:
            found_head = True
            if entry.hash != expect_head[1]:
                problems.append(Problem(entry.seq, str(_(
                    "Bản ghi đầu chuỗi đã lưu bên ngoài không khớp mã băm (nhật ký bị viết lại)."
                ))))
        prev_seq, prev_hash = entry.seq, entry.hash
    if expect_head is not None and not found_head:
        problems.append(Problem(expect_head[0], str(_(
            "Không còn bản ghi đầu chuỗi đã lưu bên ngoài (nhật ký bị cắt đuôi)."
        ))))
    return problems
