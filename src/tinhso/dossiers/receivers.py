"""Receivers of dossiers.signals inside this app (notifications to the applicant)."""

from django.dispatch import receiver

from .notifications import NOTIFIED_ACTIONS, announce
from .signals import dossier_changed


@receiver(dossier_changed, dispatch_uid="dossiers_notify_applicant")
def notify_applicant(sender, *, dossier_id, action, **kwargs):
    """The change is committed already: write its outbox rows and queue them
    (notifications.announce, which logs a failure instead of raising it)."""
    if action in NOTIFIED_ACTIONS:
        announce(dossier_id, action)
