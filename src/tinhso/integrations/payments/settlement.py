"""Paying a dossier's fees online: start an order, settle the gateway's signed notice.

The rules (one open order per dossier, what settles and what is kept for a refund) are the
dossiers app's (tinhso.dossiers.payments); here they meet the gateway: its checkout address
and its notices, answered in its own codes. Every notice with a valid signature for one of
our orders gets an answer that stops the gateway's retries once it is recorded.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import NotFound, ValidationFailed
from tinhso.dossiers import payments
from tinhso.dossiers.models import Dossier, Payment
from tinhso.dossiers.payments import Outcome as Done
from tinhso.dossiers.payments import outstanding
from tinhso.dossiers.policy import can_see

from . import gateway as configured_gateway
from .port import InvalidNotice, PaymentGateway, PaymentNotice, PaymentOrder

log = logging.getLogger(__name__)
METHOD = Payment.Method.PROVINCE_GATEWAY
__all__ = ["can_pay_online", "outstanding", "paid_by", "settle", "start"]


def can_pay_online(dossier: Dossier) -> bool:
    return payments.payable(dossier)


def start(actor, dossier: Dossier, *, return_url: str, ipn_url: str,
          gateway: PaymentGateway | None = None) -> str:
    """The gateway address to send the payer's browser to: the dossier's one open order."""
    if not can_see(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."))
    order = payments.open_order(
        dossier, new_reference=lambda: f"{dossier.code}.{secrets.token_hex(4)}")
    if order is None:
        raise ValidationFailed(_("Hồ sơ này hiện không có khoản phí nào cần thanh toán."),
                               code="nothing_to_pay")
    return (gateway or configured_gateway()).checkout_url(PaymentOrder(
        reference=order.reference, amount=order.amount,
        description=str(_("Thanh toán phí, lệ phí hồ sơ %(code)s") % {"code": dossier.code}),
        return_url=return_url, ipn_url=ipn_url))


@dataclass(frozen=True)
class Outcome:
    """VNPay's IPN answer codes, which gateways of this kind expect back."""

    code: str
    message: str
    dossier: Dossier | None = None

    def as_dict(self) -> dict:
        return {"RspCode": self.code, "Message": self.message}


ANSWERS = {
    Done.UNKNOWN_ORDER: ("01", "Order not found"),
    Done.SEEN: ("02", "Order already confirmed"),
    Done.CANCELLED: ("00", "Confirm Success"),
    Done.SETTLED: ("00", "Confirm Success"),
    # Recorded and kept for a refund: confirmed, so that the gateway stops retrying.
    Done.REFUND: ("00", "Confirm Success"),
}


def settle(params: Mapping[str, str], gateway: PaymentGateway | None = None) -> Outcome:
    """Handle the gateway's server-to-server notice (the only path that records a payment)."""
    try:
        notice = (gateway or configured_gateway()).read_notice(params)
    except InvalidNotice as exc:
        log.warning("payment notice refused: %s", exc)
        return Outcome("97", "Invalid signature")
    done, dossier = payments.confirm(
        reference=notice.reference, amount=notice.amount, succeeded=notice.succeeded,
        gateway_reference=notice.transaction_no, method=METHOD)
    if done is Done.REFUND:
        log.warning("payment %s (%s) recorded for a refund", notice.reference,
                    notice.transaction_no)
    return Outcome(*ANSWERS[done], dossier)


def paid_by(notice: PaymentNotice) -> bool | None:
    """True when the notice's payment settled the fees, False when it is kept for a refund,
    None when it is not recorded (yet)."""
    rows = Payment.objects.filter(method=METHOD, reference=notice.reference)
    if notice.transaction_no:
        rows = rows.filter(gateway_reference=notice.transaction_no)
    refund = rows.values_list("refund", flat=True).first()
    return None if refund is None else not refund
