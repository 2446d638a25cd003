"""A simulator of the national document exchange axis (see the package's docstring for the
API): a mailbox per registered agency, kept in memory; a package's bytes are kept once however
many recipients it has, and dropped once every recipient acknowledged it. Threaded, and nothing
is written to disk, so that a few dozen 1 MB packages a second go through. Standard library
only (`tinhso document_axis`).

For tests and the demo only (no such thing on the real axis):

    GET /_sim/stats   counts of agencies, messages, deliveries by state, bytes held
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import urllib.parse
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer

from tinhso.integrations.simulators import JsonHandler

DOCUMENT, STATUS = "document", "status"
PENDING, DELIVERED, DONE, FAILED = "pending", "delivered", "done", "failed"
ORGAN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_PACKAGE = 10 * 1024 * 1024
# An oversized body is read and dropped up to this much, so that the sender (still writing it)
# gets the 413 and its reason rather than a reset connection; beyond it the connection closes.
DRAIN_MAX = 64 * 1024 * 1024
MAX_LIST = 1000
XML_TYPES = ("application/xml", "text/xml")


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code = status, code


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class Delivery:
    state: str = PENDING
    reason: str = ""
    updated_at: str = field(default_factory=_now)


@dataclass
class Message:
    id: str
    sender: str
    kind: str
    size: int
    sha256: str
    sent_at: str
    content: bytes | None
    deliveries: dict[str, Delivery]

    def sent_record(self) -> dict:
        return {"message_id": self.id, "kind": self.kind, "size": self.size,
                "sha256": self.sha256, "sent_at": self.sent_at,
                "recipients": [{"organ_id": organ, "state": d.state, "reason": d.reason,
                                "updated_at": d.updated_at}
                               for organ, d in self.deliveries.items()]}

    def received_record(self, organ: str) -> dict:
        return {"message_id": self.id, "from": self.sender, "kind": self.kind,
                "size": self.size, "sha256": self.sha256, "received_at": self.sent_at,
                "state": self.deliveries[organ].state}


class Axis:
    """The mailboxes. One lock: every operation is a few dictionary steps."""

    def __init__(self, agencies: dict[str, str] | None = None):
        self.agencies: dict[str, str] = dict(agencies or {})
        self.messages: dict[str, Message] = {}
        self.by_content: dict[tuple[str, str, str], str] = {}  # (sender, kind, sha256) -> id
        self.inbox: dict[str, dict[str, None]] = {}  # organ -> unacknowledged ids, in order
        self.outbox: dict[str, list[str]] = {}  # organ -> ids sent, oldest first
        self.lock = threading.Lock()

    def register(self, body) -> tuple[bool, dict]:
        if not isinstance(body, dict):
            raise Refused(400, "invalid_json", "Cần đối tượng JSON {organ_id, name}.")
        organ, name = str(body.get("organ_id") or ""), str(body.get("name") or "").strip()
        if not ORGAN.match(organ) or not name:
            raise Refused(400, "invalid_agency", "Mã định danh cơ quan (organ_id) không hợp lệ "
                          "hoặc thiếu tên cơ quan.")
        with self.lock:
            created = organ not in self.agencies
            self.agencies[organ] = name[:300]
        return created, {"organ_id": organ, "name": name[:300]}

    def send(self, sender: str, recipients: list[str], kind: str, content: bytes) -> tuple:
        if kind not in (DOCUMENT, STATUS):
            raise Refused(400, "invalid_kind", "Loại gói tin (kind) phải là document hoặc "
                          "status.")
        if not content:
            raise Refused(400, "empty_package", "Gói tin rỗng.")
        recipients = list(dict.fromkeys(r for r in recipients if r))
        if not recipients:
            raise Refused(400, "no_recipient", "Cần ít nhất một cơ quan nhận (to).")
        digest = hashlib.sha256(content).hexdigest()
        with self.lock:
            self._known(sender, "sender")
            unknown = [r for r in recipients if r not in self.agencies]
            if unknown:
                raise Refused(400, "unknown_recipient", "Cơ quan nhận chưa đăng ký trên trục: "
                              + ", ".join(u[:64] for u in unknown[:20]) + ".")
            known = self.by_content.get((sender, kind, digest))
            if known is not None:
                # The same package again (a retry after a lost answer): the same message, and
                # only recipients it did not name yet receive it.
                message = self.messages[known]
                for r in recipients:
                    if r not in message.deliveries:
                        message.deliveries[r] = Delivery()
                        self.inbox.setdefault(r, {})[known] = None
                        if message.content is None:
                            message.content = content
                return False, message.id
            message = Message(uuid.uuid4().hex, sender, kind, len(content), digest, _now(),
                              content, {r: Delivery() for r in recipients})
            self.messages[message.id] = message
            self.by_content[(sender, kind, digest)] = message.id
            self.outbox.setdefault(sender, []).append(message.id)
            for r in recipients:
                self.inbox.setdefault(r, {})[message.id] = None
            return True, message.id

    def received(self, organ: str, limit: int) -> list[dict]:
        with self.lock:
            self._known(organ, "receiver")
            ids = list(self.inbox.get(organ, {}))[:limit]
            return [self.messages[i].received_record(organ) for i in ids]

    def download(self, organ: str, message_id: str) -> bytes:
        with self.lock:
            message = self._addressed(organ, message_id)
            if message.content is None or message.deliveries[organ].state in (DONE, FAILED):
                raise Refused(410, "acknowledged", "Gói tin đã được xác nhận xử lý xong, không "
                              "còn trong hộp thư.")
            delivery = message.deliveries[organ]
            if delivery.state == PENDING:
                delivery.state, delivery.updated_at = DELIVERED, _now()
            return message.content

    def acknowledge(self, organ: str, message_id: str, body) -> dict:
        status = body.get("status") if isinstance(body, dict) else None
        reason = str(body.get("reason") or "").strip()[:1000] if isinstance(body, dict) else ""
        if status not in (DONE, FAILED):
            raise Refused(400, "invalid_status", "Trạng thái (status) phải là done hoặc "
                          "failed.")
        if status == FAILED and not reason:
            raise Refused(400, "reason_required", "Báo lỗi xử lý gói tin cần nêu lý do.")
        with self.lock:
            message = self._addressed(organ, message_id)
            delivery = message.deliveries[organ]
            if delivery.state in (DONE, FAILED):
                if delivery.state != status:
                    raise Refused(409, "already_acknowledged", f"Gói tin đã được xác nhận "
                                  f"là {delivery.state}.")
                return {"message_id": message_id, "state": delivery.state}
            delivery.state, delivery.reason, delivery.updated_at = status, reason, _now()
            self.inbox.get(organ, {}).pop(message_id, None)
            if all(d.state in (DONE, FAILED) for d in message.deliveries.values()):
                message.content = None  # every recipient is through with it
            return {"message_id": message_id, "state": status}

    def sent(self, organ: str, limit: int) -> list[dict]:
        with self.lock:
            self._known(organ, "sender")
            ids = self.outbox.get(organ, [])[-limit:][::-1]
            return [self.messages[i].sent_record() for i in ids]

    def stats(self) -> dict:
        with self.lock:
            states: dict[str, int] = {}
            for m in self.messages.values():
                for d in m.deliveries.values():
                    states[d.state] = states.get(d.state, 0) + 1
            return {"agencies": len(self.agencies), "messages": len(self.messages),
                    "deliveries": states,
                    "bytes_held": sum(m.size for m in self.messages.values() if m.content)}

    def _known(self, organ: str, role: str) -> None:
        if organ not in self.agencies:
            who = "gửi" if role == "sender" else "nhận"
            raise Refused(404, "unknown_agency", f"Cơ quan {who} {organ[:64]} chưa đăng ký "
                          f"trên trục.")

    def _addressed(self, organ: str, message_id: str) -> Message:
        self._known(organ, "receiver")
        message = self.messages.get(message_id)
        if message is None or organ not in message.deliveries:
            raise Refused(404, "unknown_message", "Không có gói tin này trong hộp thư của cơ "
                          "quan.")
        return message


class Handler(JsonHandler):
    server: Server

    def do_GET(self):
        path, query = self._split()
        if path == ["healthz"]:
            return self._answer(200, {"status": "ok"})
        if path == ["_sim", "stats"]:
            return self._answer(200, self.server.axis.stats())
        self._serve(path, query, None)

    def do_POST(self):
        path, query = self._split()
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            return self._refuse(Refused(411, "length_required", "Cần Content-Length."))
        length = int(length)
        if length > self.server.max_package:
            self._drain(length)
            return self._refuse(Refused(413, "package_too_large", f"Gói tin {length} byte vượt "
                                        f"quá giới hạn {self.server.max_package} byte của trục."))
        self._serve(path, query, self.rfile.read(length))

    def _serve(self, path: list[str], query: dict, body: bytes | None):
        if not hmac.compare_digest(self.headers.get("X-Api-Key", "").encode(),
                                   self.server.token.encode()):
            return self._refuse(Refused(401, "unauthenticated", "Chưa xác thực (X-Api-Key)."))
        try:
            self._route(path, query, body)
        except Refused as refused:
            self._refuse(refused)

    def _route(self, path: list[str], query: dict, body: bytes | None):
        axis, post = self.server.axis, body is not None
        if path[:2] != ["v1", "agencies"]:
            raise Refused(404, "not_found", "Không có địa chỉ này.")
        rest = path[2:]
        if post and not rest:
            created, agency = axis.register(_json(body))
            return self._answer(201 if created else 200, agency)
        if len(rest) == 2 and rest[1] == "sent":
            if not post:
                return self._answer(200, {"messages": axis.sent(rest[0], _limit(query))})
            kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if kind not in XML_TYPES:
                raise Refused(415, "not_xml", "Gói tin phải gửi với Content-Type "
                              "application/xml.")
            created, message_id = axis.send(rest[0], query.get("to", "").split(","),
                                            query.get("kind", DOCUMENT), body)
            return self._answer(201 if created else 200,
                                {"message_id": message_id, "duplicate": not created})
        if len(rest) == 2 and rest[1] == "received" and not post:
            return self._answer(200, {"messages": axis.received(rest[0], _limit(query))})
        if len(rest) == 3 and rest[1] == "received" and not post:
            return self._bytes(axis.download(rest[0], rest[2]))
        if len(rest) == 4 and rest[1] == "received" and rest[3] == "status" and post:
            return self._answer(200, axis.acknowledge(rest[0], rest[2], _json(body)))
        raise Refused(404, "not_found", "Không có địa chỉ này.")

    def _split(self) -> tuple[list[str], dict]:
        parts = urllib.parse.urlsplit(self.path)
        path = [urllib.parse.unquote(p) for p in parts.path.strip("/").split("/")]
        return path, dict(urllib.parse.parse_qsl(parts.query))

    def _refuse(self, refused: Refused):
        self._answer(refused.status, {"code": refused.code, "error": str(refused)})

    def _bytes(self, content: bytes):
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def _drain(self, length: int):
        if length > DRAIN_MAX:
            self.close_connection = True
            return
        while length > 0:
            chunk = self.rfile.read(min(length, 1 << 16))
            if not chunk:
                break
            length -= len(chunk)


def _json(body: bytes):
    try:
        return json.loads(body or b"null")
    except ValueError:
        raise Refused(400, "invalid_json", "Dữ liệu gửi lên không phải JSON.") from None


def _limit(query: dict) -> int:
    try:
        return max(1, min(MAX_LIST, int(query.get("limit", 100))))
    except ValueError:
        raise Refused(400, "invalid_limit", "limit phải là số nguyên.") from None


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of senders, through the gateway's connection pool

    def __init__(self, address, token: str, max_package: int = MAX_PACKAGE,
                 agencies: dict[str, str] | None = None):
        super().__init__(address, Handler)
        self.axis = Axis(agencies)
        self.token = token
        self.max_package = max_package


def make_server(host: str, port: int, token: str, *, max_package: int = MAX_PACKAGE,
                agencies: dict[str, str] | None = None) -> Server:
    return Server((host, port), token, max_package, agencies)
