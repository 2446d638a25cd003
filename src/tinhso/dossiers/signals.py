"""Signals other apps listen to (notifications, metrics) without dossiers importing them."""

from django.dispatch import Signal

# Sent after the transaction that changed a dossier commits.
# kwargs: dossier_id, action, from_status, to_status, at
dossier_changed = Signal()
