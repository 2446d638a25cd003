"""What the applicant is told when their dossier changes, and how it reaches them.

Rows go to the `notify.Notification` outbox first; a task sends them (see dossiers.tasks).
SMS leaves through a port, `SmsSender`, chosen by the TINHSO_SMS_BACKEND setting; the default
only logs, so the demo needs no SMS gateway.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tinhso.notify.models import MAX_ATTEMPTS, Notification

from .models import Dossier, DossierEvent, SupplementRequest
from .transitions import Action

logger = logging.getLogger(__name__)
sms_logger = logging.getLogger("tinhso.sms")

# Changes the applicant hears about; the others concern only the officials.
NOTIFIED_ACTIONS = frozenset({
    Action.RECEIVE, Action.REFUSE, Action.REQUEST_SUPPLEMENT, Action.REQUEST_PAYMENT,
    Action.FINISH, Action.RETURN_RESULT, Action.STOP,
})


class SmsSender(Protocol):
    """Port to an SMS gateway. `send` raises on any failure so that the row is retried."""

    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsSender:
    """Writes the message to the "tinhso.sms" log instead of sending it."""

    def send(self, phone: str, text: str) -> None:
        sms_logger.info("SMS tới %s: %s", phone, text)


def get_sms_sender() -> SmsSender:
    return import_string(settings.TINHSO_SMS_BACKEND)()


# --- Composing.


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M ngày %d/%m/%Y") if value else "—"


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _last_event(dossier: Dossier, action: str) -> DossierEvent | None:
    return dossier.events.filter(action=action).order_by("-at", "-pk").first()


def compose(dossier: Dossier, action: str) -> tuple[str, str] | None:
    """(subject, text) in Vietnamese for this change, or None when nobody is told."""
    if action not in NOTIFIED_ACTIONS:
        return None
    with translation.override("vi"):
        event = _last_event(dossier, action)
        note = (event.note if event else "") or "—"
        values = {"code": dossier.code, "procedure": dossier.procedure.name, "reason": note}
        if action == Action.RECEIVE:
            values.update(received=_when(dossier.received_at), due=_when(dossier.due_at))
            subject = _("Hồ sơ %(code)s đã được tiếp nhận")
            text = _("Hồ sơ %(code)s (%(procedure)s) đã được tiếp nhận lúc %(received)s. "
                     "Ngày hẹn trả kết quả: %(due)s.")
        elif action == Action.REFUSE:
            subject = _("Hồ sơ %(code)s không được tiếp nhận")
            text = _("Hồ sơ %(code)s (%(procedure)s) không được tiếp nhận. Lý do: %(reason)s")
        elif action == Action.REQUEST_SUPPLEMENT:
            request = (SupplementRequest.objects.filter(dossier=dossier)
                       .order_by("-requested_at", "-pk").first())
            values["reason"] = (request.reasons if request else "") or note
            subject = _("Hồ sơ %(code)s cần bổ sung giấy tờ")
            text = _("Hồ sơ %(code)s (%(procedure)s) cần bổ sung: %(reason)s. Thời hạn giải "
                     "quyết tạm dừng cho đến khi nhận đủ giấy tờ bổ sung.")
        elif action == Action.REQUEST_PAYMENT:
            amount = (event.data.get("amount") if event else None) or dossier.fees_owed
            values["amount"] = _money(int(amount))
            subject = _("Hồ sơ %(code)s: yêu cầu thực hiện nghĩa vụ tài chính")
            text = _("Hồ sơ %(code)s (%(procedure)s) cần thực hiện nghĩa vụ tài chính: "
                     "%(amount)s đồng.")
        elif action == Action.FINISH:
            subject = _("Hồ sơ %(code)s đã có kết quả")
            text = _("Hồ sơ %(code)s (%(procedure)s) đã được giải quyết xong. Mời ông/bà nhận "
                     "kết quả theo hình thức đã đăng ký.")
        elif action == Action.RETURN_RESULT:
            subject = _("Hồ sơ %(code)s đã trả kết quả")
            text = _("Kết quả hồ sơ %(code)s (%(procedure)s) đã được trả. Mời ông/bà đánh "
                     "giá mức độ hài lòng về việc giải quyết hồ sơ.")
        else:  # Action.STOP
            subject = _("Hồ sơ %(code)s đã dừng xử lý")
            text = _("Hồ sơ %(code)s (%(procedure)s) đã dừng xử lý. Lý do: %(reason)s")
        return subject % values, text % values


def create_notifications(dossier_id: int, action: str) -> list[Notification]:
    """Write one outbox row per channel the applicant gave (e-mail, phone)."""
    if action not in NOTIFIED_ACTIONS:
        return []
    dossier = Dossier.objects.select_related("procedure").get(pk=dossier_id)
    if not (dossier.applicant_email or dossier.applicant_phone):
        return []
    subject, text = compose(dossier, action)
    now = timezone.now()
    rows = []
    if dossier.applicant_email:
        rows.append(Notification(dossier=dossier, event=action, channel=Notification.Channel.EMAIL,
                                 recipient=dossier.applicant_email, subject=subject, body=text,
                                 next_attempt_at=now))
    if dossier.applicant_phone:
        rows.append(Notification(dossier=dossier, event=action, channel=Notification.Channel.SMS,
                                 recipient=dossier.applicant_phone, body=text,
                                 next_attempt_at=now))
    return Notification.objects.bulk_create(rows)


# --- Sending.


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: 1, 2, 4, 8 minutes."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def _send(row: Notification) -> None:
    if row.channel == Notification.Channel.EMAIL:
        send_mail(row.subject, row.body, None, [row.recipient], fail_silently=False)
    else:
        get_sms_sender().send(row.recipient, row.body)


def deliver(notification_id: int) -> Notification | None:
    """Try to send one pending row once and record the outcome; None if nothing to do.

    The row stays locked while it is sent so that two workers never send it twice.
    """
    with transaction.atomic():
        row = (Notification.objects.select_for_update()
               .filter(pk=notification_id, status=Notification.Status.PENDING).first())
        if row is None:
            return None
        row.attempts += 1
        try:
            _send(row)
        except Exception as exc:  # any gateway failure: record it and let the caller retry
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                row.status = Notification.Status.FAILED
                row.next_attempt_at = None
                logger.error("Gửi thông báo %s thất bại sau %s lần: %s", row.pk,
                             row.attempts, row.last_error)
            else:
                row.next_attempt_at = timezone.now() + backoff(row.attempts)
                logger.warning("Gửi thông báo %s lỗi (lần %s): %s", row.pk, row.attempts,
                               row.last_error)
        else:
            row.status = Notification.Status.SENT
            row.sent_at = timezone.now()
            row.next_attempt_at = None
        row.save(update_fields=["attempts", "status", "last_error", "sent_at",
                                "next_attempt_at"])
    return row
