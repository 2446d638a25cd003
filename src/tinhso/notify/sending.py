"""Sending one outbox row: by e-mail, or by SMS through a port, and recording the outcome.

SMS leaves through a port, `SmsSender`, chosen by the TINHSO_SMS_BACKEND setting: the brandname
gateway's adapter (integrations.sms) when TINHSO_SMS_URL names one, else a sender that only
logs. What a row says is written by the app that creates it (dossiers.notifications); this
module only delivers it, shaped for SMS by `smstext.shape` (folded to GSM-7 unless
TINHSO_SMS_UNICODE, within TINHSO_SMS_MAX_SEGMENTS).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from . import smstext
from .models import MAX_ATTEMPTS, Notification

logger = logging.getLogger(__name__)
sms_logger = logging.getLogger("tinhso.sms")


class Undeliverable(Exception):
    """The gateway refused this message for good (a number that cannot receive it, a text
    it rejects): the row fails at once with the reason instead of being tried five times."""


class SmsSender(Protocol):
    """Port to an SMS gateway. `send` raises on any failure so that the row is retried, or
    `Undeliverable` when trying again cannot help. `key` is the same on every attempt at one
    message, for gateways that drop a repeat (an attempt whose answer was lost)."""

    def send(self, phone: str, text: str, *, key: str = "") -> None: ...


class LoggingSmsSender:
    """Writes the message to the "tinhso.sms" log instead of sending it."""

    def send(self, phone: str, text: str, *, key: str = "") -> None:
        sms_logger.info("SMS tới %s: %s", phone, text)


def get_sms_sender() -> SmsSender:
    return import_string(settings.TINHSO_SMS_BACKEND)()


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: 1, 2, 4, 8 minutes."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def _send(row: Notification) -> None:
    if row.channel == Notification.Channel.EMAIL:
        send_mail(row.subject, row.body, None, [row.recipient], fail_silently=False)
    else:
        text = smstext.shape(row.body, unicode=settings.TINHSO_SMS_UNICODE,
                             max_segments=settings.TINHSO_SMS_MAX_SEGMENTS)
        get_sms_sender().send(row.recipient, text, key=message_key(row))


def message_key(row: Notification) -> str:
    """One message's idempotency key: its row, and its creation instant so that two
    databases sharing one gateway account (staging, production) never collide."""
    return f"tinhso-{row.pk}-{int(row.created_at.timestamp() * 1_000_000)}"


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
        except Undeliverable as exc:
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            row.status = Notification.Status.FAILED
            row.next_attempt_at = None
            logger.error("Thông báo %s không thể gửi: %s", row.pk, row.last_error)
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
