"""A simulator of the national personal e-data store (see the package's docstring): it keeps
each owner's sets in memory, checks every item's size and digest against its content, and
refuses a malformed set with a reason. Standard library only (`tinhso edata_store`).

    PUT  /v1/owners/<personal id>/dossiers/<code>   (X-Api-Key)
    GET  /healthz
    GET  /_sim/owners/<personal id>   what the store keeps for one owner (without contents)
    POST /_sim/outage    {"down": true|false}: answer 503 to everything else while down
    GET  /_sim/stats     counts of calls, sets and items kept
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import threading
import urllib.parse
from http.server import ThreadingHTTPServer

from tinhso.integrations.simulators import JsonHandler

PATH = re.compile(r"^/v1/owners/(\d{9,14})/dossiers/([^/]{1,64})$")
MAX_BODY = 64 * 1024 * 1024
KINDS = ("paper", "result")


class Refused(Exception):
    pass


def _checked(item) -> dict:
    if not isinstance(item, dict) or item.get("kind") not in KINDS or not item.get("name"):
        raise Refused("Mỗi giấy tờ cần loại (paper/result) và tên.")
    try:
        content = base64.b64decode(item["content_base64"], validate=True)
    except (KeyError, TypeError, binascii.Error) as exc:
        raise Refused("Nội dung giấy tờ không phải base64.") from exc
    if len(content) != item.get("size") or \
            hashlib.sha256(content).hexdigest() != item.get("sha256"):
        raise Refused(f"Giấy tờ “{item['name']}”: kích thước hoặc mã băm không khớp nội dung.")
    return {k: item.get(k) for k in ("kind", "name", "number", "size", "sha256")}


class Store:
    def __init__(self):
        self.owners: dict[str, dict[str, dict]] = {}
        self.calls = 0
        self.down = False
        self.lock = threading.Lock()

    def put(self, owner: str, code: str, body: dict) -> int:
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            raise Refused("Bộ giấy tờ trống.")
        kept = [_checked(i) for i in items]
        with self.lock:
            self.owners.setdefault(owner, {})[code] = {
                "procedure": body.get("procedure"), "agency": body.get("agency"),
                "finished_at": body.get("finished_at"), "items": kept}
        return len(kept)

    def stats(self) -> dict:
        with self.lock:
            sets = sum(len(v) for v in self.owners.values())
            items = sum(len(s["items"]) for v in self.owners.values() for s in v.values())
            return {"calls": self.calls, "owners": len(self.owners), "sets": sets,
                    "items": items}


class Handler(JsonHandler):
    server: Server

    def do_GET(self):
        store = self.server.store
        if self.path == "/healthz":
            return self._answer(200, {"status": "ok"})
        if self.path == "/_sim/stats":
            return self._answer(200, store.stats())
        if self.path.startswith("/_sim/owners/"):
            with store.lock:
                kept = store.owners.get(self.path.removeprefix("/_sim/owners/"), {})
                return self._answer(200, {"dossiers": json.loads(json.dumps(kept))})
        return self._answer(404, {"error": "không có"})

    def do_POST(self):
        body = self._body()
        if self.path == "/_sim/outage" and isinstance(body, dict):
            self.server.store.down = bool(body.get("down"))
            return self._answer(200, {"down": self.server.store.down})
        return self._answer(404, {"error": "không có"})

    def do_PUT(self):
        store = self.server.store
        if store.down:
            return self._answer(503, {"error": "Kho dữ liệu đang bảo trì."})
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            return self._answer(413, {"error": "Dữ liệu quá lớn."})
        match = PATH.match(urllib.parse.unquote(self.path))
        if not match:
            return self._answer(404, {"error": "không có"})
        if not hmac.compare_digest(self.headers.get("X-Api-Key", "").encode(),
                                   self.server.token.encode()):
            return self._answer(401, {"error": "Chưa xác thực."})
        body = self._body(length)
        with store.lock:
            store.calls += 1
        try:
            stored = store.put(match[1], match[2], body)
        except Refused as exc:
            return self._answer(400, {"error": str(exc)})
        return self._answer(200, {"stored": stored})

    def _body(self, length: int | None = None):
        length = int(self.headers.get("Content-Length") or 0) if length is None else length
        try:
            return json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            return None


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, token: str):
        super().__init__(address, Handler)
        self.store = Store()
        self.token = token


def make_server(host: str, port: int, token: str) -> Server:
    return Server((host, port), token)
