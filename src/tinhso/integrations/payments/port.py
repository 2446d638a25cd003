"""The payment port: what the portal needs of an online payment gateway.

A gateway takes the payer's browser to its own page with a signed order (`checkout_url`),
then tells us the outcome twice: the browser comes back to the order's `return_url`, and the
gateway's server calls our IPN address (instant payment notification), which the merchant
registers with the gateway beforehand. Only the server-to-server notice settles a fee; both
carry the same signed fields, read back by `read_notice`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

SUCCESS = "00"
CANCELLED = "24"  # VNPay: the payer cancelled the transaction


@dataclass(frozen=True)
class PaymentOrder:
    reference: str  # our order reference (unique per attempt), echoed back by the gateway
    amount: int  # đồng
    description: str
    return_url: str
    payer_ip: str  # the payer's address, which the gateway asks for


@dataclass(frozen=True)
class PaymentNotice:
    reference: str
    amount: int  # đồng
    response_code: str  # SUCCESS, CANCELLED or another gateway code
    transaction_no: str  # the gateway's own transaction number ("" when none)
    merchant: str
    transaction_status: str = SUCCESS

    @property
    def succeeded(self) -> bool:
        return self.response_code == SUCCESS and self.transaction_status == SUCCESS


class InvalidNotice(Exception):
    """A notice whose signature or merchant does not check out (`reason` says which)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def forged(self) -> bool:
        """Not signed by the gateway with our secret (else signed but unreadable)."""
        return self.reason in ("signature", "merchant")


class PaymentGateway(Protocol):
    def checkout_url(self, order: PaymentOrder) -> str: ...

    def read_notice(self, params: Mapping[str, str]) -> PaymentNotice: ...
