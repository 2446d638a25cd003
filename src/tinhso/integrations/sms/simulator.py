"""A simulator of the eSMS.vn brandname gateway (see the package's docstring): it checks each
request as the gateway does (keys, message type, brandname, number, repeated RequestId),
keeps what it accepts instead of sending it, and shows it. Standard library only
(`tinhso sms_gateway`).

    POST /MainService.svc/json/SendMultipleMessage_V4_post_json/   one message (JSON)
    GET  /                the messages received, newest first (a page for the demo)
    GET  /_sim/messages   the same as JSON
    POST /_sim/next       {"CodeResult", "ErrorMessage"}: answer the next send with this code
    POST /_sim/outage     {"down": true|false}: answer HTTP 503 to sends while down
    GET  /healthz
"""

from __future__ import annotations

import hmac
import html
import json
import re
import threading
import time
import uuid
from collections import deque
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer

from tinhso.integrations.simulators import JsonHandler
from tinhso.notify import smstext

from .client import ENDPOINT

MAX_BODY = 64 * 1024
KEEP = 1000            # messages shown; older ones are forgotten
REQUEST_ID_TTL = 24 * 3600  # the gateway blocks a repeated RequestId for a day
# A Vietnamese mobile number, national (0...) or international (84...) form.
PHONE = re.compile(r"^(?:0|84)(?:3|5|7|8|9)\d{8}$")


class Gateway:
    def __init__(self, api_key: str, secret: str, brandname: str):
        self.api_key, self.secret, self.brandname = api_key, secret, brandname
        self.messages: deque[dict] = deque(maxlen=KEEP)
        self.request_ids: dict[str, float] = {}
        self.forced: dict | None = None
        self.down = False
        self.lock = threading.Lock()

    def _check(self, body: dict) -> tuple[str, str] | None:
        if not (_same(body.get("ApiKey"), self.api_key)
                and _same(body.get("SecretKey"), self.secret)):
            return "101", "Authorize Failed"
        if not body.get("SmsType"):
            return "300", "Missing message type"
        if str(body["SmsType"]) != "2":  # the only type this stand-in carries
            return "300", "Message type is not supported"
        if body.get("Brandname") != self.brandname:
            return "104", "Brand name code is not exist"
        if not PHONE.match(str(body.get("Phone") or "")):
            return "108", "Phone number is not in correct format"
        return None

    def send(self, body: dict) -> dict:
        refusal = self._check(body)
        with self.lock:
            if refusal is None and self.forced is not None:
                forced, self.forced = self.forced, None
                refusal = (str(forced.get("CodeResult")), str(forced.get("ErrorMessage", "")))
            request_id = str(body.get("RequestId") or "")
            now = time.monotonic()
            if refusal is None and request_id:
                self.request_ids = {k: t for k, t in self.request_ids.items()
                                    if now - t < REQUEST_ID_TTL}
                if request_id in self.request_ids:
                    return {"CodeResult": "124", "CountRegenerate": 0,
                            "ErrorMessage": "Request exist 1", "SendStatus": "5"}
            if refusal is not None:
                return {"CodeResult": refusal[0], "CountRegenerate": 0,
                        "ErrorMessage": refusal[1]}
            if request_id:
                self.request_ids[request_id] = now
            sms_id = uuid.uuid4().hex
            unicode = str(body.get("IsUnicode", "0")) == "1"
            content = str(body.get("Content") or "")
            self.messages.appendleft({
                "SMSID": sms_id, "Phone": body["Phone"], "Brandname": body["Brandname"],
                "Content": content, "SmsType": str(body["SmsType"]),
                "IsUnicode": "1" if unicode else "0",
                "Sandbox": "1" if str(body.get("Sandbox", "0")) == "1" else "0",
                "RequestId": request_id,
                "Segments": smstext.segments(content, unicode=unicode),
                "ReceivedAt": datetime.now(UTC).isoformat(timespec="seconds")})
        return {"CodeResult": "100", "CountRegenerate": 0, "SMSID": sms_id}

    def listed(self) -> list[dict]:
        with self.lock:
            return [dict(m) for m in self.messages]


def _same(given, expected: str) -> bool:
    return isinstance(given, str) and bool(expected) and hmac.compare_digest(
        given.encode(), expected.encode())


PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="5"><title>Cổng SMS giả lập</title>
<style>body{{font-family:sans-serif;margin:2rem;max-width:60rem}}li{{margin-bottom:1rem}}
pre{{white-space:pre-wrap;background:#f4f4f4;padding:.5rem}}small{{color:#555}}</style></head>
<body><h1>Cổng SMS brandname giả lập</h1>
<p>Tin nhắn hệ thống gửi cho người dân trong bản chạy thử dừng ở đây, không gửi ra ngoài
(mới nhất trước; <a href="/_sim/messages">JSON</a>).</p>{body}</body></html>"""


def page(messages: list[dict]) -> str:
    if not messages:
        return PAGE.format(body='<p id="empty">Chưa có tin nhắn nào.</p>')
    items = "".join(
        f'<li data-smsid="{m["SMSID"]}"><small>{html.escape(m["ReceivedAt"])} · '
        f'{html.escape(m["Brandname"])} → {html.escape(m["Phone"])} · '
        f'{m["Segments"]} tin · {"có dấu" if m["IsUnicode"] == "1" else "không dấu"}'
        f'{" · sandbox" if m["Sandbox"] == "1" else ""}</small>'
        f'<pre>{html.escape(m["Content"])}</pre></li>' for m in messages)
    return PAGE.format(body=f'<ol id="messages">{items}</ol>')


class Handler(JsonHandler):
    server: Server

    def do_GET(self):
        if self.path == "/healthz":
            return self._answer(200, {"status": "ok"})
        if self.path == "/_sim/messages":
            return self._answer(200, {"messages": self.server.gateway.listed()})
        if self.path == "/":
            data = page(self.server.gateway.listed()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            return self.wfile.write(data)
        return self._answer(404, {"error": "không có"})

    def do_POST(self):
        gateway = self.server.gateway
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            return self._answer(413, {"error": "Request too large"})
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            body = None
        if self.path == "/_sim/next" and isinstance(body, dict):
            with gateway.lock:
                gateway.forced = body
            return self._answer(200, {"next": body})
        if self.path == "/_sim/outage" and isinstance(body, dict):
            gateway.down = bool(body.get("down"))
            return self._answer(200, {"down": gateway.down})
        if self.path != ENDPOINT:
            return self._answer(404, {"error": "không có"})
        if gateway.down:
            return self._answer(503, {"error": "Service unavailable"})
        if not isinstance(body, dict):
            return self._answer(200, {"error": "Invalid request"})
        return self._answer(200, gateway.send(body))


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, gateway: Gateway):
        super().__init__(address, Handler)
        self.gateway = gateway


def make_server(host: str, port: int, *, api_key: str, secret: str, brandname: str) -> Server:
    return Server((host, port), Gateway(api_key, secret, brandname))
