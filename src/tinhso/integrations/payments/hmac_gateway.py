"""A VNPay-like gateway: orders and notices are query strings signed with a shared secret."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.utils import timezone

from . import signing
from .port import InvalidNotice, PaymentNotice, PaymentOrder

NOTICE_FIELDS = ("merchant", "reference", "amount", "response_code", "transaction_no")


class HmacGateway:
    def __init__(self, *, url: str, merchant: str, secret: str):
        self.url = url
        self.merchant = merchant
        self.secret = secret

    def order_params(self, order: PaymentOrder) -> dict[str, str]:
        return signing.signed({
            "merchant": self.merchant,
            "reference": order.reference,
            "amount": str(order.amount),
            "description": order.description,
            "return_url": order.return_url,
            "ipn_url": order.ipn_url,
            "created_at": timezone.now().strftime("%Y%m%d%H%M%S"),
        }, self.secret)

    def checkout_url(self, order: PaymentOrder) -> str:
        return f"{self.url}?{urlencode(self.order_params(order))}"

    def read_notice(self, params: Mapping[str, str]) -> PaymentNotice:
        if not signing.verify(params, self.secret):
            raise InvalidNotice("signature")
        if params.get("merchant") != self.merchant:
            raise InvalidNotice("merchant")
        try:
            amount = int(params.get("amount", ""))
        except ValueError:
            raise InvalidNotice("amount") from None
        return PaymentNotice(reference=str(params.get("reference", "")), amount=amount,
                             response_code=str(params.get("response_code", "")),
                             transaction_no=str(params.get("transaction_no", "")),
                             merchant=self.merchant)
