"""A payment gateway simulator that speaks VNPay's merchant protocol (API 2.1.0) exactly.

    GET  /paymentv2/vpcpay.html?<vnp_ order>  the payer's page, as at VNPay: the order's
                                      checksum, merchant (vnp_TmnCode), version and amount
                                      checked; amount, order info, "pay" and "cancel"
    POST /paymentv2/txn/<id>/confirm  pays: calls the merchant's IPN address (GET, signed
                                      vnp_ result; the address VNPay keeps per merchant),
                                      then sends the browser to vnp_ReturnUrl, signed alike
    POST /paymentv2/txn/<id>/cancel   the same with vnp_ResponseCode 24 (cancelled by payer)
    POST /paymentv2/txn/<id>/resend   sends the last IPN again, as VNPay retries
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
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from . import signing
from .port import CANCELLED, SUCCESS
from .vnpay import DATE_FORMAT, GMT7, PAY_PATH, VERSION, vnp_date

log = logging.getLogger(__name__)
TXN_PATH = "/paymentv2/txn/"
ORDER_FIELDS = ("vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_Amount", "vnp_CurrCode",
                "vnp_TxnRef", "vnp_OrderInfo", "vnp_OrderType", "vnp_Locale", "vnp_ReturnUrl",
                "vnp_IpAddr", "vnp_CreateDate")
BANK, CARD = "NCB", "ATM"  # VNPay's sandbox test bank and a domestic card
FAILED = "02"  # vnp_TransactionStatus of a transaction that did not go through


@dataclass(frozen=True)
class Merchant:
    secret: str  # the hash secret (vnp_HashSecret)
    ipn_url: str  # the IPN address the merchant registered


class Gateway:
    """The simulator's state: merchants, pending orders and sent notices."""

    def __init__(self, merchants: dict[str, Merchant], *, ipn_timeout: float = 10.0):
        self.merchants = merchants
        self.ipn_timeout = ipn_timeout
        self.orders: dict[str, dict] = {}
        self.notices: dict[str, dict] = {}
        self.ipn_answers: dict[str, list] = {}
        self._numbers = itertools.count(int(datetime.now(UTC).strftime("%y%m%d")) * 10_000)
        self._lock = threading.Lock()

    def open_order(self, params: dict[str, str],
                   now: datetime | None = None) -> tuple[str | None, str]:
        """Check an order as VNPay does; its id, or None and VNPay's error (code, text)."""
        merchant = self.merchants.get(params.get("vnp_TmnCode", ""))
        if merchant is None:
            return None, "Website chưa được phê duyệt hoặc sai mã website (mã lỗi 02)."
        if not signing.verify(params, merchant.secret):
            return None, "Chữ ký không hợp lệ (mã lỗi 70)."
        missing = [f for f in ORDER_FIELDS if not params.get(f)]
        amount = params.get("vnp_Amount", "")
        if (missing or params["vnp_Version"] != VERSION or params["vnp_Command"] != "pay"
                or params["vnp_CurrCode"] != "VND" or not amount.isdigit()
                or not int(amount) or int(amount) % 100):
            return None, "Dữ liệu gửi sang không đúng định dạng (mã lỗi 03)."
        expires = params.get("vnp_ExpireDate", "")
        if expires and expires < vnp_date(now or datetime.now(UTC)):
            return None, "Giao dịch đã quá thời gian chờ thanh toán (mã lỗi 11)."
        order_id = secrets.token_urlsafe(12)
        with self._lock:
            self.orders[order_id] = dict(params)
        return order_id, ""

    def finish(self, order_id: str, code: str) -> tuple[dict, str] | None:
        with self._lock:
            order = self.orders.pop(order_id, None)
            if order is None:
                return None
            number = str(next(self._numbers))
        paid = code == SUCCESS
        merchant = self.merchants[order["vnp_TmnCode"]]
        notice = signing.signed({
            "vnp_Amount": order["vnp_Amount"], "vnp_BankCode": BANK,
            "vnp_BankTranNo": f"VNP{number}" if paid else "",
            "vnp_CardType": CARD if paid else "", "vnp_OrderInfo": order["vnp_OrderInfo"],
            "vnp_PayDate": datetime.now(GMT7).strftime(DATE_FORMAT),
            "vnp_ResponseCode": code, "vnp_TmnCode": order["vnp_TmnCode"],
            "vnp_TransactionNo": number if paid else "0",
            "vnp_TransactionStatus": SUCCESS if paid else FAILED,
            "vnp_TxnRef": order["vnp_TxnRef"],
        }, merchant.secret)
        self.notices[order_id] = {"notice": notice, "ipn_url": merchant.ipn_url,
                                  "return_url": order["vnp_ReturnUrl"]}
        self.send_ipn(order_id)
        return notice, order["vnp_ReturnUrl"]

    def send_ipn(self, order_id: str) -> dict | None:
        sent = self.notices.get(order_id)
        if sent is None:
            return None
        url = with_query(sent["ipn_url"], sent["notice"])
        try:
            with urllib.request.urlopen(url, timeout=self.ipn_timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode() or "{}")
        except (OSError, ValueError) as exc:  # the merchant is down: VNPay retries
            answer = {"RspCode": "network", "Message": str(exc)}
        self.ipn_answers.setdefault(order_id, []).append(answer)
        log.info("IPN %s -> %s", sent["notice"]["vnp_TxnRef"], answer)
        return answer


def with_query(url: str, params: dict) -> str:
    return f"{url}{'&' if urlsplit(url).query else '?'}{urlencode(params)}"


PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Cổng thanh toán VNPAY (giả lập)</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1f2328}}
button{{font-size:1rem;padding:.6rem 1.2rem;margin:.25rem .5rem .25rem 0}}
.pay{{background:#0b5cad;color:#fff;border:0}} dt{{font-weight:bold}}
:focus-visible{{outline:3px solid #ffd24d;box-shadow:0 0 0 5px #1f2328}}</style></head>
<body><main id="main"><p><strong>Cổng thanh toán VNPAY giả lập</strong> — không trừ tiền thật.</p>
<h1>{title}</h1>{body}</main></body></html>"""


def page(title: str, body: str) -> bytes:
    return PAGE.format(title=html.escape(title), body=body).encode()


def make_handler(gw: Gateway):
    class Handler(BaseHTTPRequestHandler):
        server_version = "tinhso-vnpay-simulator/2.1.0"

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
            if url.path != PAY_PATH:
                return self._send(404, page("Không tìm thấy", ""))
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            order_id, error = gw.open_order(params)
            if order_id is None:
                return self._send(400, page("Yêu cầu thanh toán không hợp lệ",
                                            f"<p role='alert'>{html.escape(error)}</p>"))
            amount = f"{int(params['vnp_Amount']) // 100:,}".replace(",", ".")
            action = f"{TXN_PATH}{order_id}"
            body = (
                "<dl><dt>Nội dung</dt><dd id='description'>"
                f"{html.escape(params['vnp_OrderInfo'])}</dd>"
                f"<dt>Số tiền</dt><dd id='amount'>{amount} đồng</dd>"
                f"<dt>Mã đơn hàng</dt><dd>{html.escape(params['vnp_TxnRef'])}</dd></dl>"
                f"<form method='post' action='{action}/confirm' style='display:inline'>"
                "<button class='pay' id='confirm-payment' type='submit'>Xác nhận thanh toán"
                "</button></form>"
                f"<form method='post' action='{action}/cancel' style='display:inline'>"
                "<button id='cancel-payment' type='submit'>Hủy giao dịch</button></form>"
            )
            return self._send(200, page("Thanh toán phí, lệ phí", body))

        def do_POST(self):
            path = urlsplit(self.path).path
            parts = path.removeprefix(TXN_PATH).split("/")
            if not path.startswith(TXN_PATH) or len(parts) != 2:
                return self._send(404, page("Không tìm thấy", ""))
            order_id, verb = parts
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


def make_server(host: str, port: int, merchants: dict[str, Merchant]) -> ThreadingHTTPServer:
    gw = Gateway(merchants)
    server = ThreadingHTTPServer((host, port), make_handler(gw))
    server.daemon_threads = True
    server.gateway = gw  # the state, for the operator's log and for tests
    return server
