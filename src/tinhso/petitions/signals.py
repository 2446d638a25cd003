"""Signals other apps listen to (metrics) without petitions importing them."""

from django.dispatch import Signal

# Sent after the transaction that changed a petition commits. kwargs: petition_id, action
petition_changed = Signal()
