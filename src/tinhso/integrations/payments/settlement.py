"""Paying a dossier's fees online: start an order, settle the gateway's signed notice.

The notice settles only when its amount is exactly what the dossier still owes, and only
once: the order reference becomes the Payment's reference, unique per method, so a
replayed notice finds it recorded and changes nothing.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tinhso.catalog.services import SYSTEM
from tinhso.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from tinhso.dossiers import lifecycle
from tinhso.dossiers.models import Dossier, Payment
from tinhso.dossiers.policy import can_see
from tinhso.dossiers.transitions import TRANSITIONS, Action

from . import gateway as configured_gateway
from .port import InvalidNotice, PaymentGateway, PaymentOrder

log = logging.getLogger(__name__)
METHOD = Payment.Method.PROVINCE_GATEWAY
PAYABLE = TRANSITIONS[Action.RECORD_PAYMENT][0]


def outstanding(dossier: Dossier) -> int:
    return max(dossier.fees_owed - dossier.fees_paid, 0)


def can_pay_online(dossier: Dossier) -> bool:
    return dossier.status in PAYABLE and outstanding(dossier) > 0


def start(actor, dossier: Dossier, *, return_url: str, ipn_url: str,
          gateway: PaymentGateway | None = None) -> str:
    """The gateway address to send the payer's browser to."""
    if not can_see(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."))
    if not can_pay_online(dossier):
        raise ValidationFailed(_("Hồ sơ này hiện không có khoản phí nào cần thanh toán."),
                               code="nothing_to_pay")
    order = PaymentOrder(
        reference=f"{dossier.code}.{secrets.token_hex(4)}", amount=outstanding(dossier),
        description=str(_("Thanh toán phí, lệ phí hồ sơ %(code)s") % {"code": dossier.code}),
        return_url=return_url, ipn_url=ipn_url)
    return (gateway or configured_gateway()).checkout_url(order)


@dataclass(frozen=True)
class Outcome:
    """VNPay's IPN answer codes, which gateways of this kind expect back."""

    code: str
    message: str
    dossier: Dossier | None = None

    def as_dict(self) -> dict:
        return {"RspCode": self.code, "Message": self.message}


def settle(params: Mapping[str, str], gateway: PaymentGateway | None = None) -> Outcome:
    """Handle the gateway's server-to-server notice (the only path that records a payment)."""
    try:
        notice = (gateway or configured_gateway()).read_notice(params)
    except InvalidNotice as exc:
        log.warning("payment notice refused: %s", exc)
        return Outcome("97", "Invalid signature")
    code = notice.reference.rsplit(".", 1)[0]
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None or not notice.reference.startswith(f"{code}."):
        return Outcome("01", "Order not found")
    if Payment.objects.filter(method=METHOD, reference=notice.reference).exists():
        return Outcome("02", "Order already confirmed", dossier)
    if not notice.succeeded:
        return Outcome("00", "Confirm Success", dossier)  # acknowledged; nothing to record
    if notice.amount != outstanding(dossier):
        return Outcome("04", "Invalid amount", dossier)
    try:
        dossier = lifecycle.record_payment(SYSTEM, dossier, amount=notice.amount,
                                           method=METHOD, reference=notice.reference)
    except Conflict as exc:
        if exc.code == "payment_replayed":
            return Outcome("02", "Order already confirmed", dossier)
        raise
    except DomainError as exc:  # e.g. the dossier was closed meanwhile
        log.warning("payment notice for %s not recorded: %s", code, exc.code)
        return Outcome("99", "Order not payable", dossier)
    return Outcome("00", "Confirm Success", dossier)


def paid_by(reference: str) -> bool:
    return Payment.objects.filter(method=METHOD, reference=reference).exists()
