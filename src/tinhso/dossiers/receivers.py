"""Receivers of dossiers.signals inside this app (notifications to the applicant)."""

import logging
from functools import partial

from django.db import transaction
from django.dispatch import receiver

from .notifications import NOTIFIED_ACTIONS, create_notifications
from .signals import dossier_changed

logger = logging.getLogger(__name__)


@receiver(dossier_changed, dispatch_uid="dossiers_notify_applicant")
def notify_applicant(sender, *, dossier_id, action, **kwargs):
    """Write the outbox rows, then queue their sending once those rows are committed.

    The change itself is committed already, so a failure here must not turn the request
    into an error; it is logged at ERROR level for the operator instead.
    """
    if action not in NOTIFIED_ACTIONS:
        return
    from .tasks import enqueue_notification

    try:
        with transaction.atomic():
            for row in create_notifications(dossier_id, action):
                transaction.on_commit(partial(enqueue_notification, row.pk))
    except Exception:
        logger.exception("Không tạo được thông báo cho hồ sơ %s (%s)", dossier_id, action)
