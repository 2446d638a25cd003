"""The message log: every exchange through the gateway, answered or refused, kept so that it
cannot be altered silently.

It follows the audit log's design (core.audit: a hash chain anchored by Ed25519-signed
checkpoints, each also appended to a file outside the database), with one difference that the
gateway needs: a record is linked when it is written, not sealed later. The gateway has one
writer (a thread fed by a queue, see exchange.gateway) that takes every record waiting, gives
each the next seq, links it to the previous one with SHA-256, and commits the records with one
signed batch row in a single transaction ("group commit"); only then are the answers released.
So an answered exchange is on disk before its client sees the answer, no record is ever
outside a signed batch, and the chain is computed by one writer only (on PostgreSQL an
advisory lock keeps a second gateway from writing the same log; the unique seq does it on
SQLite).

Links are plain SHA-256 (not keyed): anyone with the gateway's public key can verify the log
offline. Rewriting a record breaks its link or its hash; rewriting the chain from that record
on no longer matches the signed batch heads; deleting records leaves a gap in seq or a batch
naming a record that is gone; deleting batch rows is seen against the anchor file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.audit import key_id, load_ed25519_key, public_key_pem

from .models import LogBatch, MessageRecord
from .timestamping import check_token, request_token, trust_crls, trust_roots

logger = logging.getLogger("tinhso.exchange.log")

GENESIS_HASH = "0" * 64
ADVISORY_LOCK_KEY = 0x7415_0E0C_01  # "tinhso exchange log"; the audit sealer uses another
FIELDS = ("seq", "exchange_id", "jti", "client", "service", "method", "path", "started_at",
          "ended_at", "status", "outcome", "reason", "request_digest", "response_digest",
          "request_bytes", "response_bytes", "prev_hash")
EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()


def utc_iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(values: dict) -> bytes:
    """The bytes a record's hash covers: its fields as sorted-key JSON, times in UTC."""
    payload = {name: values[name] for name in FIELDS}
    payload["started_at"] = utc_iso(values["started_at"])
    payload["ended_at"] = utc_iso(values["ended_at"])
    return json.dumps(payload, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def record_hash(values: dict) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


def batch_message(first: int, last: int, head: str, at: str, kid: str) -> bytes:
    """The bytes a batch's signature (and its time-stamp) covers."""
    return json.dumps({"first": first, "last": last, "head": head, "at": at, "key": kid},
                      sort_keys=True, separators=(",", ":")).encode()


# --- The gateway's signing key.

def signing_key():
    return load_ed25519_key(settings.TINHSO_EXCHANGE_SIGNING_KEY,
                            str(settings.TINHSO_EXCHANGE_SIGNING_KEY_FILE),
                            "TINHSO_EXCHANGE_SIGNING_KEY")


def gateway_public_key_pem() -> str:
    return public_key_pem(signing_key().public_key())


# --- Writing (the gateway's one writer).

class LogWriter:
    """Links and commits records; one instance per gateway process, used from one thread."""

    def __init__(self):
        self.key = signing_key()
        self.kid = key_id(self.key.public_key())
        self.anchor = Path(settings.TINHSO_EXCHANGE_ANCHOR_PATH)
        self.head: tuple[int, str] | None = None

    def open(self) -> None:
        """Take the writer's lock (PostgreSQL) and read the chain's head."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
                if not cursor.fetchone()[0]:
                    raise ImproperlyConfigured(
                        "another gateway process already writes this message log")
        last = MessageRecord.objects.order_by("-seq").values_list("seq", "hash").first()
        self.head = last or (0, GENESIS_HASH)

    def close(self) -> None:
        """Give up the writer's lock (a closed connection gives it up too)."""
        if connection.vendor == "postgresql" and self.head is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        self.head = None

    def write(self, records: list[dict]) -> None:
        """Link `records` (dicts of FIELDS but seq and prev_hash) and commit them with their
        signed batch. On failure nothing is kept and the head is unchanged."""
        if self.head is None:
            self.open()
        rows, batch = self.link(records)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute(*insert_statement(rows, batch))
        else:
            with transaction.atomic():
                MessageRecord.objects.bulk_create(rows)
                batch.save(force_insert=True)
        self.written(batch)

    def link(self, records: list[dict]) -> tuple[list[MessageRecord], LogBatch]:
        """The records linked after the head, and their signed batch (nothing written)."""
        seq, prev = self.head
        first = seq + 1
        rows = []
        for values in records:
            seq += 1
            values["seq"], values["prev_hash"] = seq, prev
            prev = record_hash(values)
            rows.append(MessageRecord(hash=prev, **{k: values[k] for k in FIELDS}))
        at = timezone.now()
        signature = self.key.sign(batch_message(first, seq, prev, utc_iso(at), self.kid))
        batch = LogBatch(first_seq=first, last_seq=seq, head=prev, at=at, key_id=self.kid,
                         signature=base64.b64encode(signature).decode())
        return rows, batch

    def written(self, batch: LogBatch) -> None:
        """After the commit: the head moves on and the batch's line goes to the anchor file
        (a line for a batch rolled back must never reach it; a crash between the two leaves a
        batch without its line, which verify tolerates for the newest batches only)."""
        self.head = (batch.last_seq, batch.head)
        self.anchor.parent.mkdir(parents=True, exist_ok=True)
        with open(self.anchor, "a", encoding="utf-8") as out:
            out.write(anchor_line(batch) + "\n")
            out.flush()


_RECORD_COLUMNS = (*FIELDS, "hash")
_BATCH_COLUMNS = ("first_seq", "last_seq", "head", "at", "key_id", "signature")


def insert_statement(rows: list[MessageRecord], batch: LogBatch) -> tuple[str, list]:
    """PostgreSQL: the records and their batch in one statement (a data-modifying WITH),
    committed on its own: one round trip instead of five, for the commit every answer waits
    for. A statement is atomic: the records are never in without their batch."""
    one = "(" + ", ".join(["%s"] * len(_RECORD_COLUMNS)) + ")"
    sql = (f"WITH batch AS (INSERT INTO exchange_logbatch ({', '.join(_BATCH_COLUMNS)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(_BATCH_COLUMNS))})) "
           f"INSERT INTO exchange_messagerecord ({', '.join(_RECORD_COLUMNS)}) VALUES "
           + ", ".join([one] * len(rows)))
    params = [getattr(batch, c) for c in _BATCH_COLUMNS]
    for row in rows:
        params.extend(getattr(row, c) for c in _RECORD_COLUMNS)
    return sql, params


def anchor_line(batch: LogBatch) -> str:
    return json.dumps(_batch_dict(batch), sort_keys=True, separators=(",", ":"))


def _batch_dict(batch: LogBatch) -> dict:
    return {"first": batch.first_seq, "last": batch.last_seq, "head": batch.head,
            "at": utc_iso(batch.at), "key": batch.key_id, "sig": batch.signature}


# --- Verifying.

@dataclass(frozen=True)
class Problem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.reason}"


def _signature_ok(b: dict, keys: dict) -> bool:
    from cryptography.exceptions import InvalidSignature

    public = keys.get(b["key"])
    if public is None:
        return False
    try:
        public.verify(base64.b64decode(b["sig"], validate=True),
                      batch_message(b["first"], b["last"], b["head"], b["at"], b["key"]))
    except (InvalidSignature, ValueError):
        return False
    return True


def _batches(anchor_path, keys, problems) -> dict[int, dict]:
    """Signed batches by last seq, from the table and cross-checked with the anchor file."""
    table = {b.last_seq: _batch_dict(b) for b in LogBatch.objects.order_by("last_seq")}
    path = Path(anchor_path or settings.TINHSO_EXCHANGE_ANCHOR_PATH)
    if path.exists():
        in_file: dict[int, dict] = {}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                in_file[int(raw["last"])] = {k: raw[k] for k in
                                             ("first", "last", "head", "at", "key", "sig")}
            except (ValueError, KeyError, TypeError):
                problems.append(Problem(0, _("Dòng %(n)d của tệp neo không đọc được.")
                                        % {"n": number}))
        for last in sorted(in_file.keys() - table.keys()):
            problems.append(Problem(in_file[last]["first"], _(
                "Lô ký #%(f)d–%(l)d có trong tệp neo nhưng không còn trong cơ sở dữ liệu "
                "(lô hoặc bản ghi bị xóa).") % {"f": in_file[last]["first"], "l": last}))
            table[last] = in_file[last]
        # A batch whose line is missing may be the last one before a crash: only a batch
        # followed by others in the file is reported.
        newest = max(in_file, default=0)
        for last in sorted(table.keys() - in_file.keys()):
            if last < newest:
                problems.append(Problem(table[last]["first"], _(
                    "Lô ký #%(f)d–%(l)d không có trong tệp neo.")
                    % {"f": table[last]["first"], "l": last}))
        for last in sorted(table.keys() & in_file.keys()):
            if table[last] != in_file[last]:
                problems.append(Problem(table[last]["first"], _(
                    "Lô ký #%(f)d–%(l)d trong cơ sở dữ liệu khác với tệp neo.")
                    % {"f": table[last]["first"], "l": last}))
    tokens = dict(LogBatch.objects.filter(timestamp_token__isnull=False).values_list(
        "last_seq", "timestamp_token"))
    roots, crls = (trust_roots(), trust_crls()) if tokens else ([], [])
    good = {}
    for last, b in table.items():
        if _signature_ok(b, keys):
            good[last] = b
            if last in tokens:
                wrong = check_token(bytes(tokens[last]), batch_message(
                    b["first"], b["last"], b["head"], b["at"], b["key"]), roots=roots, crls=crls)
                if wrong:
                    problems.append(Problem(b["first"], _(
                        "Dấu thời gian RFC 3161 của lô #%(f)d–%(l)d không hợp lệ (%(why)s).")
                        % {"f": b["first"], "l": last, "why": wrong}))
        else:
            problems.append(Problem(b["first"], _(
                "Chữ ký của lô #%(f)d–%(l)d không hợp lệ (lô bị sửa hoặc ký bằng khóa khác).")
                % {"f": b["first"], "l": last}))
    return good


def verify(*, anchor_path=None, public_keys=None) -> list[Problem]:
    """Walk the log in seq order and check every link, hash and signed batch. Problems are in
    seq order, the first altered or missing record first."""
    if public_keys is None:
        have = (settings.TINHSO_EXCHANGE_SIGNING_KEY
                or Path(settings.TINHSO_EXCHANGE_SIGNING_KEY_FILE).exists())
        public_keys = [signing_key().public_key()] if have else []
    keys = {key_id(k): k for k in public_keys}
    problems: list[Problem] = []
    batches = _batches(anchor_path, keys, problems)
    signed_up_to = max(batches, default=0)
    prev_seq, prev_hash = 0, GENESIS_HASH
    rows = MessageRecord.objects.order_by("seq").values_list(*FIELDS, "hash")
    for row in rows.iterator(chunk_size=5000):
        values = dict(zip(FIELDS, row[:-1], strict=True))
        seq, stored = values["seq"], row[-1]
        if seq != prev_seq + 1:
            problems.append(Problem(prev_seq + 1, _(
                "Thiếu bản ghi #%(a)d–%(b)d (bị xóa).") % {"a": prev_seq + 1, "b": seq - 1}))
        elif values["prev_hash"] != prev_hash:
            problems.append(Problem(seq, _(
                "Liên kết chuỗi bị đứt: bản ghi trước đã bị sửa, xóa hoặc thay.")))
        if record_hash(values) != stored:
            problems.append(Problem(seq, _("Nội dung bản ghi đã bị sửa: mã băm không khớp.")))
        batch = batches.get(seq)
        if batch is not None and batch["head"] != stored:
            problems.append(Problem(seq, _(
                "Mã băm của bản ghi khác với đầu chuỗi lô đã ký (chuỗi bị viết lại).")))
        if seq > signed_up_to:
            problems.append(Problem(seq, _("Bản ghi không thuộc lô ký nào (bị chèn thêm).")))
        prev_seq, prev_hash = seq, stored
    for last, batch in sorted(batches.items()):
        if last > prev_seq:
            problems.append(Problem(prev_seq + 1, _(
                "Lô ký #%(f)d–%(l)d ghi các bản ghi không còn (nhật ký bị cắt đuôi).")
                % {"f": batch["first"], "l": last}))
    problems.sort(key=lambda p: p.seq)
    return problems


def stamp_newest(url: str, *, timeout: float = 10) -> LogBatch | None:
    """Stamp the newest batch without a token (one call to the authority), if there is one."""
    close_old_connections()
    batch = LogBatch.objects.filter(timestamp_token__isnull=True).order_by("-last_seq").first()
    if batch is None:
        return None
    message = batch_message(batch.first_seq, batch.last_seq, batch.head, utc_iso(batch.at),
                            batch.key_id)
    token = request_token(url, message, timeout=timeout)
    LogBatch.objects.filter(pk=batch.pk, timestamp_token__isnull=True).update(
        timestamp_token=token)
    batch.timestamp_token = token
    return batch
