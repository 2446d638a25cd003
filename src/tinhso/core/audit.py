"""The tamper-evident audit log: entries chained by HMAC-SHA256, anchored by signed checkpoints.

Writing and linking are two steps, so that the requests that write entries never wait for one
another:

- `record` inserts one row and nothing else: no lock, no read of the chain's head (on
  PostgreSQL one prepared statement). A dossier action records inside its own transaction
  (rolled back with it). `record_read`, for an official's read, is the same INSERT run on its
  own, committed without waiting for a disk flush. The web processes never need the chain's
  key or the signing key.
- `seal` (run every few seconds by `tinhso seal_audit --every N`, beside the worker) takes the
  rows not yet in the chain in id order, gives each the next seq, links it to the previous
  one with HMAC-SHA256 under TINHSO_AUDIT_KEY (a key not in the database), and writes a
  checkpoint {seq, head, count, at} signed with an Ed25519 key, to the AuditCheckpoint table
  and, once committed, as one line appended to the anchor file outside the database
  (TINHSO_AUDIT_ANCHOR_PATH). Only one sealer links at a time (an advisory lock on
  PostgreSQL, the single writer on SQLite); it never blocks writers. A row that commits after
  rows with higher ids simply gets a later seq: seq is the chain's order, `at` the action's.

`verify` walks the chain and checks every signed checkpoint against it. Without the key the
links cannot be recomputed; with the key but without the signing key, a rewritten chain no
longer matches the checkpoints; a cut tail or an emptied table loses the rows a checkpoint
names; an edited checkpoint fails its signature. What it cannot see: rows deleted or edited
before they were sealed, and rows sealed after the last checkpoint then cut with it (one
sealing period at most); see docs/audit.md.

Rows linked before the chain had a key (keyed=False) were chained with unkeyed SHA-256: they
are checked as before and, from the first checkpoint on, pinned by it; an unkeyed row after a
keyed one is an error.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import functools
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import clientip
from .models import AuditCheckpoint, AuditEntry

logger = logging.getLogger("tinhso.audit")

GENESIS_HASH = "0" * 64
# Fixed key of the sealer's advisory lock; any other use of advisory locks must pick another.
ADVISORY_LOCK_KEY = 0x7415_0A0D_17  # "tinhso audit"
SEAL_BATCH = 2000

_current_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)


@dataclass(frozen=True)
class Problem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.reason}"


@dataclass(frozen=True)
class SealReport:
    sealed: int
    head: tuple[int, str] | None
    checkpoint: AuditCheckpoint | None
    skipped: bool = False  # another sealer held the lock


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


# --- Canonical form and links.


def _utc_iso(at) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: AuditEntry) -> bytes:
    """The bytes a link covers: sorted-key JSON, so field and key order never matter."""
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


def chain_key() -> bytes:
    key = settings.TINHSO_AUDIT_KEY
    if not key:
        raise ImproperlyConfigured("TINHSO_AUDIT_KEY is required to link or verify the audit "
                                   "chain when TINHSO_PRODUCTION is on")
    return key.encode("utf-8")


def compute_hash(entry: AuditEntry, key: bytes | None = None) -> str:
    """The entry's link: HMAC-SHA256 under the chain key, or plain SHA-256 for rows linked
    before the chain had a key."""
    if entry.keyed:
        return hmac.new(key or chain_key(), canonical(entry), hashlib.sha256).hexdigest()
    return hashlib.sha256(canonical(entry)).hexdigest()


# --- Writing.


def _normalise_data(data) -> dict:
    # Round-trip through JSON so the stored value is plain JSON (dates become text).
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def _client_ip(request) -> str | None:
    # The real client behind trusted proxies, in canonical text as PostgreSQL's inet prints it.
    return clientip.client_ip(request)


def _request_user(request):
    # The HttpRequest's user is the one AuthenticationMiddleware (or DRF, once done) set; a DRF
    # Request's own .user would run its authenticators again, and they may be what is failing.
    user = getattr(getattr(request, "_request", request), "user", None)
    return user if user is not None and user.is_authenticated else None


def _target(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    kind, ident = target
    return str(kind)[:100], str(ident)[:64]


def _entry(action: str, *, actor=None, target=None, data=None, request=None) -> AuditEntry:
    if request is None:
        request = current_request()
    request = getattr(request, "_request", request)  # a DRF Request: never re-authenticate
    if actor is None:
        actor = _request_user(request)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    target_type, target_id = _target(target)
    return AuditEntry(
        at=timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        actor_name=actor.get_username()[:150] if actor is not None else "",
        action=action[:60],
        target_type=target_type,
        target_id=target_id,
        ip_address=_client_ip(request),
        data=_normalise_data(data),
    )


_COLUMNS = ("INSERT INTO core_auditentry (at, actor_id, actor_name, action, target_type, "
            "target_id, ip_address, data, prev_hash, keyed) ")
_VALUES = "%s::timestamptz, %s::bigint, %s, %s, %s, %s, %s::inet, %s::jsonb, '', false"
# One written-out statement (PostgreSQL prepares it): the ORM's insert costs more to build
# than to run, and this runs on every dossier action and every official's read.
_INSERT = f"{_COLUMNS}VALUES ({_VALUES}) RETURNING id"
# For a read outside a transaction: set_config(..., true) lasts for the statement's own
# transaction, whose commit then does not wait for the WAL to reach the disk.
_INSERT_ASYNC = ("WITH async AS (SELECT set_config('synchronous_commit', 'off', true)) "  # noqa: S608
                 f"{_COLUMNS}SELECT {_VALUES} FROM async RETURNING id")


def _insert(entry: AuditEntry, sql: str) -> AuditEntry:
    if connection.vendor != "postgresql":
        entry.save(force_insert=True)
        return entry
    with connection.cursor() as cursor:
        cursor.execute(sql, [entry.at, entry.actor_id, entry.actor_name, entry.action,
                             entry.target_type, entry.target_id, entry.ip_address,
                             json.dumps(entry.data)])
        entry.pk = cursor.fetchone()[0]
    entry._state.adding, entry._state.db = False, connection.alias
    return entry


def record(action: str, *, actor=None, target=None, data=None, request=None) -> AuditEntry:
    """Write one entry (one INSERT); the sealer links it into the chain shortly after.

    `target` is a model instance or a (type, id) pair. Without an explicit request the one set
    by AuditContextMiddleware is used; without an explicit actor, the request's user.
    """
    return _insert(_entry(action, actor=actor, target=target, data=data, request=request),
                   _INSERT)


def record_read(action: str, **kwargs) -> AuditEntry:
    """Record a read (no state changed), as `record` does, but lighter for the hot path.

    Outside a transaction on PostgreSQL its commit does not wait for a disk flush
    (synchronous_commit off for that one statement): a crash of the database server can lose
    the last fraction of a second of read entries, never a state change and never the chain's
    integrity.
    """
    sql = _INSERT if connection.in_atomic_block else _INSERT_ASYNC
    return _insert(_entry(action, **kwargs), sql)


# --- The signing key of checkpoints.


@functools.cache
def load_ed25519_key(pem: str, path: str, setting: str):
    """The Ed25519 private key in `pem`, else in the file at `path`, generated there on first
    use (written whole, readable by its owner only). `setting` names it in the error."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    if not pem:
        file = Path(path)
        if not file.exists():
            file.parent.mkdir(parents=True, exist_ok=True)
            new = ed25519.Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption())
            tmp = file.with_name(f".{file.name}.{os.getpid()}")
            tmp.write_bytes(new)
            tmp.chmod(0o600)
            tmp.replace(file)  # whole or absent, even with two processes starting at once
        pem = file.read_text()
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{setting} must be an Ed25519 private key")
    return key


def signing_key():
    return load_ed25519_key(settings.TINHSO_AUDIT_SIGNING_KEY,
                            str(settings.TINHSO_AUDIT_SIGNING_KEY_FILE), "TINHSO_AUDIT_SIGNING_KEY")


def public_key_pem(key=None) -> str:
    from cryptography.hazmat.primitives import serialization

    key = key or signing_key().public_key()
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(pem: str):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def key_id(public_key) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# --- Checkpoints.


def checkpoint_message(seq: int, head: str, count: int, at: str, kid: str) -> bytes:
    """The bytes a checkpoint's signature covers."""
    return json.dumps({"seq": seq, "head": head, "count": count, "at": at, "key": kid},
                      sort_keys=True, separators=(",", ":")).encode()


def _anchor_line(cp: AuditCheckpoint) -> str:
    return json.dumps({"seq": cp.seq, "head": cp.head, "count": cp.count,
                       "at": _utc_iso(cp.at), "key": cp.key_id, "sig": cp.signature},
                      sort_keys=True, separators=(",", ":"))


def _append_anchor(line: str) -> None:
    path = Path(settings.TINHSO_AUDIT_ANCHOR_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as out:
        out.write(line + "\n")
        out.flush()
        os.fsync(out.fileno())
    # The same line in the logs, which production ships off the host: one more copy.
    logger.info("audit checkpoint %s", line)


def _write_checkpoint(seq: int, head: str, count: int) -> AuditCheckpoint:
    key = signing_key()
    kid = key_id(key.public_key())
    at = timezone.now()
    sig = key.sign(checkpoint_message(seq, head, count, _utc_iso(at), kid))
    cp = AuditCheckpoint.objects.create(seq=seq, head=head, count=count, at=at, key_id=kid,
                                        signature=base64.b64encode(sig).decode())
    line = _anchor_line(cp)
    # After commit: a checkpoint of rows that were rolled back must never reach the file.
    transaction.on_commit(lambda: _append_anchor(line))
    return cp


# --- Sealing.


def _take_sealer_lock() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            return bool(cursor.fetchone()[0])
        # SQLite: a write statement takes the database's write lock for the transaction.
        cursor.execute("UPDATE core_auditcheckpoint SET id = id WHERE 1 = 0")
    return True


def seal() -> SealReport:
    """Link every row not yet in the chain, then write a signed checkpoint of the new head."""
    key = chain_key()
    with transaction.atomic():
        if not _take_sealer_lock():
            return SealReport(0, None, None, skipped=True)
        head = chain_head()
        seq, prev = head if head else (0, GENESIS_HASH)
        sealed = 0
        while True:
            batch = list(AuditEntry.objects.filter(seq__isnull=True).order_by("id")
                         [:SEAL_BATCH])
            if not batch:
                break
            rows = []
            for entry in batch:
                seq += 1
                entry.seq, entry.prev_hash, entry.keyed = seq, prev, True
                entry.hash = prev = compute_hash(entry, key)
                rows.append((entry.seq, entry.prev_hash, entry.hash, True, entry.pk))
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE core_auditentry SET seq = %s, prev_hash = %s, hash = %s, "
                    "keyed = %s WHERE id = %s AND seq IS NULL", rows)
            sealed += len(rows)
        checkpoint = None
        last = AuditCheckpoint.objects.order_by("-seq").values_list("seq", "count").first()
        if last is not None and last[0] >= seq and (sealed or last[0] > seq):
            # The chain is shorter than a signed head: rows were cut. Link on, but sign
            # nothing that would seem to bless it; verify_audit names the missing rows.
            logger.error("audit chain head #%s is behind checkpoint #%s: run verify_audit",
                         seq, last[0])
        elif seq and (sealed or last is None):
            count = (last[1] + (seq - last[0]) if last is not None
                     else AuditEntry.objects.filter(seq__isnull=False).count())
            checkpoint = _write_checkpoint(seq, prev, count)
    return SealReport(sealed, (seq, prev) if seq else None, checkpoint)


# --- Verifying.


def parse_head(text: str) -> tuple[int, str]:
    """'SEQ:HASH' as printed by verify_audit."""
    seq, sep, digest = text.partition(":")
    if not sep or not seq.strip().isdigit() or len(digest.strip()) != 64:
        raise ValueError(text)
    return int(seq), digest.strip().lower()


def chain_head() -> tuple[int, str] | None:
    return (AuditEntry.objects.filter(seq__isnull=False).order_by("-seq")
            .values_list("seq", "hash").first())


def pending_count() -> int:
    return AuditEntry.objects.filter(seq__isnull=True).count()


def _checkpoint_from(raw: dict) -> dict:
    return {"seq": int(raw["seq"]), "head": str(raw["head"]), "count": int(raw["count"]),
            "at": str(raw["at"]), "key": str(raw["key"]), "sig": str(raw["sig"])}


def _read_anchor(path: Path, problems: list[Problem]) -> dict[int, dict] | None:
    if not path.exists():
        return None
    found: dict[int, dict] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            cp = _checkpoint_from(json.loads(line))
        except (ValueError, KeyError, TypeError):
            problems.append(Problem(0, str(_(
                "Dòng %(n)d của tệp neo không đọc được (tệp bị sửa).") % {"n": number})))
            continue
        found[cp["seq"]] = cp
    return found


def _signature_ok(cp: dict, keys: dict) -> bool:
    from cryptography.exceptions import InvalidSignature

    public = keys.get(cp["key"])
    if public is None:
        return False
    try:
        public.verify(base64.b64decode(cp["sig"], validate=True),
                      checkpoint_message(cp["seq"], cp["head"], cp["count"], cp["at"],
                                         cp["key"]))
    except (InvalidSignature, ValueError):
        return False
    return True


def _checkpoints(anchor_path, public_keys, problems) -> dict[int, dict]:
    """The signed checkpoints, from the anchor file and the table, each copy cross-checked."""
    if public_keys is None:
        # Never make a key while verifying: without one, every checkpoint is reported.
        have = (settings.TINHSO_AUDIT_SIGNING_KEY
                or Path(settings.TINHSO_AUDIT_SIGNING_KEY_FILE).exists())
        public_keys = [signing_key().public_key()] if have else []
    keys = {key_id(k): k for k in public_keys}
    path = Path(anchor_path or settings.TINHSO_AUDIT_ANCHOR_PATH)
    in_file = _read_anchor(path, problems)
    in_table = {cp["seq"]: cp for cp in (
        {"seq": c.seq, "head": c.head, "count": c.count, "at": _utc_iso(c.at), "key": c.key_id,
         "sig": c.signature} for c in AuditCheckpoint.objects.order_by("seq"))}
    if in_file is None:
        if in_table:
            problems.append(Problem(max(in_table), str(_(
                "Không có tệp neo %(path)s: không đối chiếu được các mốc trong cơ sở dữ liệu "
                "với bản lưu bên ngoài.") % {"path": path})))
        in_file = {}
    else:
        for seq in sorted(in_table.keys() | in_file.keys()):
            if seq not in in_file:
                problems.append(Problem(seq, str(_(
                    "Mốc trong cơ sở dữ liệu không có trong tệp neo (tệp neo bị thay hoặc "
                    "cắt)."))))
            elif seq not in in_table:
                problems.append(Problem(seq, str(_(
                    "Mốc trong tệp neo không còn trong cơ sở dữ liệu (bảng mốc bị xóa)."))))
            elif in_file[seq] != in_table[seq]:
                problems.append(Problem(seq, str(_(
                    "Mốc trong tệp neo và trong cơ sở dữ liệu khác nhau."))))
    good: dict[int, dict] = {}
    for seq in sorted(in_table.keys() | in_file.keys()):
        copies = [c for c in (in_file.get(seq), in_table.get(seq)) if c is not None]
        valid = [c for c in copies if _signature_ok(c, keys)]
        if len(valid) < len(copies):
            problems.append(Problem(seq, str(_(
                "Chữ ký của mốc kiểm chứng không hợp lệ (mốc bị giả hoặc sửa, hoặc ký bằng "
                "khóa khác)."))))
        if valid:
            good[seq] = valid[0]
    return good


def verify(*, expect_head: tuple[int, str] | None = None, anchor_path=None,
           public_keys=None) -> list[Problem]:
    """Walk the chain in seq order, list every row that does not fit, then check that every
    signed checkpoint still names a row of the chain with its hash and count.

    A row's stored hash is what the next row links to, so one altered row is reported once
    rather than breaking every row after it. Rows not yet sealed are not checked here.
    """
    key = chain_key()
    problems: list[Problem] = []
    checkpoints = _checkpoints(anchor_path, public_keys, problems)
    seen_at: dict[int, tuple[str, int]] = {}  # checkpoint seq -> (hash found, rows up to it)
    prev_seq, prev_hash, keyed_seen = 0, GENESIS_HASH, False
    found_head = False
    rows = AuditEntry.objects.filter(seq__isnull=False).order_by("seq")
    for count, entry in enumerate(rows.iterator(chunk_size=2000), 1):
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
        if keyed_seen and not entry.keyed:
            problems.append(Problem(entry.seq, str(_(
                "Bản ghi không có khóa nằm sau bản ghi có khóa (bản ghi bị viết lại)."))))
        elif compute_hash(entry, key) != entry.hash:
            problems.append(Problem(entry.seq, str(_(
                "Nội dung bản ghi đã bị sửa: mã băm không khớp với nội dung."
            ))))
        keyed_seen = keyed_seen or entry.keyed
        if entry.seq in checkpoints:
            seen_at[entry.seq] = (entry.hash, count)
        if expect_head is not None and entry.seq == expect_head[0]:
            found_head = True
            if entry.hash != expect_head[1]:
                problems.append(Problem(entry.seq, str(_(
                    "Bản ghi đầu chuỗi đã lưu bên ngoài không khớp mã băm (nhật ký bị viết lại)."
                ))))
        prev_seq, prev_hash = entry.seq, entry.hash
    for seq, cp in sorted(checkpoints.items()):
        if seq not in seen_at:
            problems.append(Problem(seq, str(_(
                "Mốc kiểm chứng đã ký ghi đầu chuỗi ở bản ghi này nhưng bản ghi không còn "
                "(nhật ký bị cắt đuôi hoặc bị xóa)."))))
            continue
        found_hash, found_count = seen_at[seq]
        if found_hash != cp["head"]:
            problems.append(Problem(seq, str(_(
                "Mã băm của bản ghi khác với mốc kiểm chứng đã ký (chuỗi bị viết lại)."))))
        elif found_count != cp["count"]:
            problems.append(Problem(seq, str(_(
                "Số bản ghi đến mốc này khác với mốc kiểm chứng đã ký: %(found)d thay vì "
                "%(count)d.") % {"found": found_count, "count": cp["count"]})))
    if keyed_seen and not checkpoints:
        problems.append(Problem(prev_seq, str(_(
            "Chuỗi có bản ghi đã liên kết bằng khóa nhưng không có mốc kiểm chứng nào "
            "(các mốc bị xóa)."))))
    if expect_head is not None and not found_head:
        problems.append(Problem(expect_head[0], str(_(
            "Không còn bản ghi đầu chuỗi đã lưu bên ngoài (nhật ký bị cắt đuôi)."
        ))))
    return problems
