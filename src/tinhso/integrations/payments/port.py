"""The payment port: what the portal needs of an online payment gateway.

A gateway takes the payer's browser to its own page with a signed order (`checkout_url`),
then tells us the outcome twice: the browser comes back to `return_url`, and the gateway's
server calls `ipn_url` (instant payment notification). Only the server-to-server notice
settles a fee; both carry the same signed fields, read back by `read_notice`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

SUCCESS = "00"
CANCELLED = "24"


@dataclass(frozen=True)
class PaymentOrder:
    reference: str  # our order reference (unique per attempt), echoed back by the gateway
    amount: int  # đồng
    description: str
    return_url: str
    ipn_url: str


@dataclass(frozen=True)
class PaymentNotice:
    reference: str
    amount: int
    response_code: str  # SUCCESS, CANCELLED or another gateway code
    transaction_no: str  # the gateway's own transaction number
    merchant: str

    @property
    def succeeded(self) -> bool:
        return self.response_code == SUCCESS


class InvalidNotice(Exception):
    """A notice whose signature or merchant does not check out."""


class PaymentGateway(Protocol):
    def checkout_url(self, order: PaymentOrder) -> str: ...

    def read_notice(self, params: Mapping[str, str]) -> PaymentNotice: ...
