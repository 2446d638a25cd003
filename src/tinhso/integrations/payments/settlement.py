"""Paying a dossier's fees online: start an order, settle the gateway's signed notice.

The rules (one open order per dossier, what settles and what is kept for a refund) are the
dossiers app's (tinhso.dossiers.payments); here they meet the gateway: its checkout address
and its notices, answered in VNPay's IPN codes, checked in VNPay's order (checksum 97, order
01, amount 04, already confirmed 02, else 00). Every notice with a valid signature for one of
our orders gets an answer that stops the gateway's retries once it is recorded.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import NotFound, ValidationFailed
from tinhso.dossiers import payments
from tinhso.dossiers.models import Dossier, FeeOrder, Payment
from tinhso.dossiers.payments import Outcome as Done
from tinhso.dossiers.payments import outstanding
from tinhso.dossiers.policy import can_see

from . import gateway as configured_gateway
from .port import InvalidNotice, PaymentGateway, PaymentNotice, PaymentOrder

log = logging.getLogger(__name__)
METHOD = Payment.Method.PROVINCE_GATEWAY
__all__ = ["Returned", "can_pay_online", "outstanding", "returned", "settle", "start"]


def can_pay_online(dossier: Dossier) -> bool:
    return payments.payable(dossier)


def new_reference(dossier: Dossier) -> str:
    """A fresh order reference (VNPay's vnp_TxnRef: letters and digits only, unique)."""
    return re.sub(r"[^0-9A-Za-z]", "", dossier.code) + secrets.token_hex(4).upper()


def start(actor, dossier: Dossier, *, return_url: str, payer_ip: str,
          gateway: PaymentGateway | None = None) -> str:
    """The gateway address to send the payer's browser to: the dossier's one open order."""
    if not can_see(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."))
    order = payments.open_order(dossier, new_reference=lambda: new_reference(dossier))
    if order is None:
        raise ValidationFailed(_("Hồ sơ này hiện không có khoản phí nào cần thanh toán."),
                               code="nothing_to_pay")
    return (gateway or configured_gateway()).checkout_url(PaymentOrder(
        reference=order.reference, amount=order.amount,
        description=str(_("Thanh toán phí, lệ phí hồ sơ %(code)s") % {"code": dossier.code}),
        return_url=return_url, payer_ip=payer_ip))


@dataclass(frozen=True)
class Outcome:
    """VNPay's IPN answer: {"RspCode": .., "Message": ..}."""

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
    # Recorded for a refund when money was taken, and told to the gateway as VNPay asks.
    Done.WRONG_AMOUNT: ("04", "Invalid amount"),
}
INVALID_SIGNATURE = ("97", "Invalid signature")
UNKNOWN_ERROR = ("99", "Unknown error")


def settle(params: Mapping[str, str], gateway: PaymentGateway | None = None) -> Outcome:
    """Handle the gateway's server-to-server notice (the only path that records a payment)."""
    try:
        notice = (gateway or configured_gateway()).read_notice(params)
    except InvalidNotice as exc:
        log.warning("payment notice refused: %s", exc)
        return Outcome(*(INVALID_SIGNATURE if exc.forged else UNKNOWN_ERROR))
    done, dossier = payments.confirm(
        reference=notice.reference, amount=notice.amount, succeeded=notice.succeeded,
        gateway_reference=notice.transaction_no, method=METHOD)
    if done is Done.REFUND:
        log.warning("payment %s (%s) recorded for a refund", notice.reference,
                    notice.transaction_no)
    return Outcome(*ANSWERS[done], dossier)


@dataclass(frozen=True)
class Returned:
    """What the payer's browser, back from the gateway, is told (the IPN records payments).

    state: "invalid" (not signed by the gateway), "cancelled", "paid", "refund" (taken but
    owed no more: to be refunded) or "pending" (the gateway's notice not recorded yet).
    """

    state: str
    dossier_code: str = ""


def returned(params: Mapping[str, str], gateway: PaymentGateway | None = None) -> Returned:
    try:
        notice = (gateway or configured_gateway()).read_notice(params)
    except InvalidNotice:
        return Returned("invalid")
    code = (FeeOrder.objects.filter(reference=notice.reference)
            .values_list("dossier__code", flat=True).first()) or ""
    if not notice.succeeded:
        return Returned("cancelled", code)
    paid = paid_by(notice)
    return Returned("pending" if paid is None else "paid" if paid else "refund", code)


def paid_by(notice: PaymentNotice) -> bool | None:
    """True when the notice's payment settled the fees, False when it is kept for a refund,
    None when it is not recorded (yet)."""
    rows = Payment.objects.filter(method=METHOD, reference=notice.reference)
    if notice.transaction_no:
        rows = rows.filter(gateway_reference=notice.transaction_no)
    refund = rows.values_list("refund", flat=True).first()
    return None if refund is None else not refund
