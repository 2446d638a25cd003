"""A payment gateway simulator: a separate HTTP service that behaves like VNPay-style gateways.

    GET  /pay?<signed order>     the payer's page: amount, description, "pay" and "cancel"
    POST /pay/<id>/confirm       pays: calls the merchant's ipn_url (server to server, signed),
                                 then sends the browser back to return_url (signed)
    POST /pay/<id>/cancel        the same with response code 24 (cancelled by the payer)
    POST /pay/<id>/resend        sends the last notice again, as real gateways retry
    GET  /healthz

Standard library only, so that it runs as its own process (`tinhso payment_gateway`).
"""

from __future__ import annotations

import html
import itertools
import json
import logging
import secrets
import threading
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from . import signing
from .port import CANCELLED, SUCCESS

log = logging.getLogger(__name__)
ORDER_FIELDS = ("merchant", "reference", "amount", "description", "return_url", "ipn_url")


class Gateway:
    """The simulator's state: merchants' secrets, pending orders and sent notices."""

    def __init__(self, merchants: dict[str, str], *, ipn_timeout: float = 10.0):
        self.merchants = merchants
        self.ipn_timeout = ipn_timeout
        self.orders: dict[str, dict] = {}
        self.notices: dict[str, dict] = {}
        self.ipn_answers: dict[str, list] = {}
        self._numbers = itertools.count(int(datetime.now(UTC).strftime("%y%m%d")) * 10_000)
        self._lock = threading.Lock()

    def open_order(self, params: dict[str, str]) -> tuple[str | None, str]:
        merchant = params.get("merchant", "")
        secret = self.merchants.get(merchant)
        if secret is None or not signing.verify(params, secret):
            return None, "Chữ ký không hợp lệ hoặc đơn vị chấp nhận thanh toán không đúng."
        missing = [f for f in ORDER_FIELDS if not params.get(f)]
        if missing or not params["amount"].isdigit():
            return None, "Thiếu thông tin đơn hàng."
        order_id = secrets.token_urlsafe(12)
        with self._lock:
            self.orders[order_id] = {f: params[f] for f in ORDER_FIELDS}
        return order_id, ""

    def finish(self, order_id: str, code: str) -> tuple[dict, str] | None:
        with self._lock:
            order = self.orders.pop(order_id, None)
            if order is None:
                return None
            number = str(next(self._numbers))
        notice = signing.signed({
            "merchant": order["merchant"], "reference": order["reference"],
            "amount": order["amount"], "response_code": code,
            "transaction_no": number if code == SUCCESS else "",
            "paid_at": datetime.now(UTC).strftime("%Y%m%d%H%M%S"),
        }, self.merchants[order["merchant"]])
        self.notices[order_id] = {"notice": notice, "ipn_url": order["ipn_url"],
                                  "return_url": order["return_url"]}
        self.send_ipn(order_id)
        return notice, order["return_url"]

    def send_ipn(self, order_id: str) -> dict | None:
        sent = self.notices.get(order_id)
        if sent is None:
            return None
        url = f"{sent['ipn_url']}?{urlencode(sent['notice'])}"
        try:
            with urllib.request.urlopen(url, timeout=self.ipn_timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode() or "{}")
        except (OSError, ValueError) as exc:  # the merchant is down: a real gateway retries
            answer = {"RspCode": "network", "Message": str(exc)}
        self.ipn_answers.setdefault(order_id, []).append(answer)
        log.info("IPN %s -> %s", sent["notice"]["reference"], answer)
        return answer


def with_query(url: str, params: dict) -> str:
    return f"{url}{'&' if urlsplit(url).query else '?'}{urlencode(params)}"


PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Cổng thanh toán (giả lập)</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1f2328}}
button{{font-size:1rem;padding:.6rem 1.2rem;margin:.25rem .5rem .25rem 0}}
.pay{{background:#0b5cad;color:#fff;border:0}} dt{{font-weight:bold}}
:focus-visible{{outline:3px solid #ffd24d;box-shadow:0 0 0 5px #1f2328}}</style></head>
<body><main id="main"><p><strong>Cổng thanh toán giả lập</strong> — không trừ tiền thật.</p>
<h1>{title}</h1>{body}</main></body></html>"""


def page(title: str, body: str) -> bytes:
    return PAGE.format(title=html.escape(title), body=body).encode()


def make_handler(gw: Gateway):
    class Handler(BaseHTTPRequestHandler):
        server_version = "tinhso-payment-simulator/1"

        def log_message(self, fmt, *args):  # through logging, not stderr
            log.info("%s %s", self.address_string(), fmt % args)

        def _send(self, status: int, body: bytes, ctype="text/html; charset=utf-8",
                  headers=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == "/healthz":
                return self._send(200, b'{"status": "ok"}', "application/json")
            if url.path != "/pay":
                return self._send(404, page("Không tìm thấy", ""))
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            order_id, error = gw.open_order(params)
            if order_id is None:
                return self._send(400, page("Yêu cầu thanh toán không hợp lệ",
                                            f"<p role='alert'>{html.escape(error)}</p>"))
            amount = f"{int(params['amount']):,}".replace(",", ".")
            body = (
                "<dl><dt>Nội dung</dt><dd id='description'>"
                f"{html.escape(params['description'])}</dd>"
                f"<dt>Số tiền</dt><dd id='amount'>{amount} đồng</dd>"
                f"<dt>Mã đơn hàng</dt><dd>{html.escape(params['reference'])}</dd></dl>"
                f"<form method='post' action='/pay/{order_id}/confirm' style='display:inline'>"
                "<button class='pay' id='confirm-payment' type='submit'>Xác nhận thanh toán"
                "</button></form>"
                f"<form method='post' action='/pay/{order_id}/cancel' style='display:inline'>"
                "<button id='cancel-payment' type='submit'>Hủy giao dịch</button></form>"
            )
            return self._send(200, page("Thanh toán phí, lệ phí", body))

        def do_POST(self):
            parts = urlsplit(self.path).path.strip("/").split("/")
            if len(parts) != 3 or parts[0] != "pay":
                return self._send(404, page("Không tìm thấy", ""))
            _pay, order_id, verb = parts
            if verb == "resend":
                answer = gw.send_ipn(order_id)
                status = 200 if answer is not None else 404
                return self._send(status, json.dumps(answer).encode(), "application/json")
            if verb not in ("confirm", "cancel"):
                return self._send(404, page("Không tìm thấy", ""))
            done = gw.finish(order_id, SUCCESS if verb == "confirm" else CANCELLED)
            if done is None:
                return self._send(404, page("Giao dịch không còn hiệu lực",
                                            "<p>Đơn hàng đã được xử lý hoặc không tồn tại.</p>"))
            notice, return_url = done
            return self._send(303, b"", headers=[("Location", with_query(return_url, notice))])

    return Handler


def make_server(host: str, port: int, merchants: dict[str, str]) -> ThreadingHTTPServer:
    gw = Gateway(merchants)
    server = ThreadingHTTPServer((host, port), make_handler(gw))
    server.daemon_threads = True
    server.gateway = gw  # the state, for the operator's log and for tests
    return server
