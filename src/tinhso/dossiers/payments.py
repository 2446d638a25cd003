"""Online payment of a dossier's fees: its one open order, and every payment a gateway confirms.

A dossier has at most one open order (FeeOrder). Asking again for the same amount returns it;
asking for another amount (the fees changed) cancels it here and opens a new one. A confirmed
payment settles the fees (lifecycle.record_payment) only when it pays the open order and the
dossier owes exactly that; any other confirmed payment (of a cancelled or already paid order,
for fees paid meanwhile at the desk, or of another amount than its order's, which the gateway
is also told is wrong) is recorded with its refund reason and added to the dossier's
`refund_due`, never dropped. A notice seen before (the same gateway transaction, or a second
failure notice of an order already closed) changes nothing. Rows are locked dossier first,
then order, as everywhere.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.catalog.services import SYSTEM
from tinhso.core import audit
from tinhso.core.errors import Conflict, DomainError, NotFound

from . import lifecycle
from .models import Dossier, FeeOrder, Payment
from .transitions import TRANSITIONS, Action

PAYABLE = TRANSITIONS[Action.RECORD_PAYMENT][0]
Refund = Payment.Refund


class Outcome(enum.Enum):
    UNKNOWN_ORDER = "unknown_order"
    SEEN = "seen"  # this gateway transaction was recorded before
    CANCELLED = "cancelled"  # the payer cancelled: nothing to record
    SETTLED = "settled"
    REFUND = "refund"  # recorded, flagged for refund
    WRONG_AMOUNT = "wrong_amount"  # not the order's amount (any money taken: kept for refund)


def outstanding(dossier: Dossier) -> int:
    return max(dossier.fees_owed - dossier.fees_paid, 0)


def payable(dossier: Dossier) -> bool:
    return dossier.status in PAYABLE and outstanding(dossier) > 0


def open_order(dossier: Dossier, *, new_reference: Callable[[], str],
               at: datetime | None = None) -> FeeOrder | None:
    """The dossier's open order for what it owes now, or None when it owes nothing."""
    at = at or timezone.now()
    with transaction.atomic():
        d = _locked(dossier.pk)
        amount = outstanding(d) if payable(d) else 0
        current = FeeOrder.objects.select_for_update().filter(
            dossier=d, state=FeeOrder.State.OPEN).first()
        if current is not None and current.amount == amount:
            return current
        if current is not None:
            current.state, current.closed_at = FeeOrder.State.CANCELLED, at
            current.save(update_fields=["state", "closed_at"])
        if not amount:
            return None
        return FeeOrder.objects.create(dossier=d, reference=new_reference(), amount=amount,
                                       created_at=at)


def confirm(*, reference: str, amount: int, succeeded: bool, gateway_reference: str,
            method: int, at: datetime | None = None) -> tuple[Outcome, Dossier | None]:
    """Take a gateway's signed notice about one order; safe to repeat and to run at once."""
    at = at or timezone.now()
    dossier_id = (FeeOrder.objects.filter(reference=reference)
                  .values_list("dossier_id", flat=True).first())
    if dossier_id is None:
        return Outcome.UNKNOWN_ORDER, None
    with transaction.atomic():
        d = _locked(dossier_id)
        order = FeeOrder.objects.select_for_update().get(reference=reference)
        if amount != order.amount:
            if succeeded and not _seen(method, reference, gateway_reference):
                _keep_for_refund(d, amount, method, reference, gateway_reference,
                                 Refund.OTHER_AMOUNT, at)
            return Outcome.WRONG_AMOUNT, d
        if _seen(method, reference, gateway_reference):
            return Outcome.SEEN, d
        if not succeeded:
            if order.state != FeeOrder.State.OPEN:
                return Outcome.SEEN, d
            order.state, order.closed_at = FeeOrder.State.CANCELLED, at
            order.save(update_fields=["state", "closed_at"])
            return Outcome.CANCELLED, d
        reason = _refund_reason(d, order, amount)
        if reason is None:
            try:
                d = lifecycle.record_payment(SYSTEM, d, amount=amount, method=method,
                                             reference=reference, at=at)
            except Conflict as exc:
                if exc.code != "payment_replayed":
                    raise
                reason = Refund.DUPLICATE
            except DomainError:  # e.g. not payable in its status any more
                reason = Refund.NOT_OWED
            else:
                Payment.objects.filter(method=method, reference=reference, refund="").update(
                    gateway_reference=gateway_reference)
                order.state, order.closed_at = FeeOrder.State.PAID, at
                order.save(update_fields=["state", "closed_at"])
                return Outcome.SETTLED, d
        if not _keep_for_refund(d, amount, method, reference, gateway_reference, reason, at):
            return Outcome.SEEN, d
    return Outcome.REFUND, d


def _keep_for_refund(d: Dossier, amount, method, reference, gateway_reference, reason,
                     at) -> bool:
    """Record a confirmed payment that settles nothing; False when a concurrent call did."""
    try:
        with transaction.atomic():
            Payment.objects.create(dossier=d, amount=amount, method=method,
                                   reference=reference, gateway_reference=gateway_reference,
                                   refund=reason, paid_at=at)
    except IntegrityError:  # the same gateway transaction, recorded by a concurrent call
        return False
    Dossier.objects.filter(pk=d.pk).update(refund_due=F("refund_due") + amount)
    d.refund_due += amount
    # Money held for a refund changes no status, so no lifecycle event: the chain has it.
    audit.record("dossier.payment_refund_due", target=("dossiers.dossier", d.pk),
                 data={"code": d.code, "amount": amount, "reference": reference,
                       "gateway_reference": gateway_reference, "refund": str(reason)})
    return True


def _locked(pk) -> Dossier:
    found = Dossier.objects.select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    return found


def _seen(method, reference, gateway_reference) -> bool:
    if gateway_reference:
        return Payment.objects.filter(method=method,
                                      gateway_reference=gateway_reference).exists()
    # A notice without the gateway's number: its order reference is all there is.
    return Payment.objects.filter(method=method, reference=reference).exists()


def _refund_reason(d: Dossier, order: FeeOrder, amount: int) -> str | None:
    """Why this confirmed payment does not settle the fees, or None when it does."""
    if order.state == FeeOrder.State.CANCELLED:
        return Refund.CANCELLED_ORDER
    if order.state == FeeOrder.State.PAID:
        return Refund.DUPLICATE
    if not payable(d) or outstanding(d) != amount:
        return Refund.NOT_OWED
    return None
