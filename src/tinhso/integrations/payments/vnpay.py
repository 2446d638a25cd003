"""VNPay's merchant protocol (VNPAY Payment Gateway, API 2.1.0), both ways.

The payer's browser goes to `<gateway>/paymentv2/vpcpay.html?<vnp_ parameters>` signed with
the merchant's hash secret (signing.py); VNPay sends the browser back to `vnp_ReturnUrl` and
calls the merchant's IPN address (registered with VNPay, not sent with the order) with the
same signed result: vnp_Amount, vnp_BankCode, vnp_BankTranNo, vnp_CardType, vnp_OrderInfo,
vnp_PayDate, vnp_ResponseCode, vnp_TmnCode, vnp_TransactionNo, vnp_TransactionStatus,
vnp_TxnRef. Amounts travel ×100 (no decimals); dates are yyyyMMddHHmmss at GMT+7.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone

from . import signing
from .port import InvalidNotice, PaymentNotice, PaymentOrder

VERSION = "2.1.0"
PAY_PATH = "/paymentv2/vpcpay.html"
SANDBOX_URL = "https://sandbox.vnpayment.vn" + PAY_PATH
GMT7 = timezone(timedelta(hours=7))
DATE_FORMAT = "%Y%m%d%H%M%S"
ORDER_TYPE = "other"  # VNPay's category code for goods and services not listed
EXPIRES_AFTER = timedelta(minutes=15)


def vnp_date(at: datetime) -> str:
    return at.astimezone(GMT7).strftime(DATE_FORMAT)


def plain(text: str, limit: int = 255) -> str:
    """`vnp_OrderInfo` as VNPay asks it: Vietnamese without diacritics, no special characters."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", re.sub(r"[^0-9A-Za-z .:-]", " ", text)).strip()[:limit]


class VnpayGateway:
    def __init__(self, *, url: str, tmn_code: str, secret: str, locale: str = "vn"):
        self.url = url  # e.g. https://sandbox.vnpayment.vn/paymentv2/vpcpay.html
        self.tmn_code = tmn_code
        self.secret = secret
        self.locale = locale

    def order_params(self, order: PaymentOrder, *, now: datetime | None = None) -> dict[str, str]:
        now = now or datetime.now(UTC)
        return signing.signed({
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(order.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": order.reference,
            "vnp_OrderInfo": plain(order.description),
            "vnp_OrderType": ORDER_TYPE,
            "vnp_Locale": self.locale,
            "vnp_ReturnUrl": order.return_url,
            "vnp_IpAddr": order.payer_ip,
            "vnp_CreateDate": vnp_date(now),
            "vnp_ExpireDate": vnp_date(now + EXPIRES_AFTER),
        }, self.secret)

    def checkout_url(self, order: PaymentOrder, *, now: datetime | None = None) -> str:
        params = self.order_params(order, now=now)
        # The query is the signed text itself, the hash last, as VNPay's examples build it.
        return f"{self.url}?{signing.canonical(params)}&{signing.HASH}={params[signing.HASH]}"

    def read_notice(self, params: Mapping[str, str]) -> PaymentNotice:
        """The signed result on the return URL or the IPN; InvalidNotice when it is not ours."""
        if not signing.verify(params, self.secret):
            raise InvalidNotice("signature")
        if params.get("vnp_TmnCode") != self.tmn_code:
            raise InvalidNotice("merchant")
        amount = str(params.get("vnp_Amount", ""))
        if not amount.isdigit() or int(amount) % 100:
            raise InvalidNotice("amount")
        number = str(params.get("vnp_TransactionNo", ""))
        return PaymentNotice(
            reference=str(params.get("vnp_TxnRef", "")), amount=int(amount) // 100,
            response_code=str(params.get("vnp_ResponseCode", "")),
            transaction_status=str(params.get("vnp_TransactionStatus", "")),
            transaction_no="" if number.strip("0") == "" else number,  # "0": no transaction
            merchant=self.tmn_code)
