"""Signals for the exchange axis and anything else that follows documents, sent only after
the transaction that made the change commits (documents never imports who listens).

- `distributed(document_id, recipient_ids)`: an outgoing document was issued (or its
  recipients were added after issue) and the listed Recipient rows are outside the province:
  they must be sent on the exchange axis (`outside.external_sends` lists every one still
  pending, for a sender that polls instead of listening).
- `recalled(document_id, recipient_ids)`: an issued document was recalled; the outside
  recipients listed must be asked to recall it (edXML status 13).
- `incoming_status_changed(document_id, state)`: an incoming document that came from outside
  was registered, assigned, completed...; the sender is owed a status message.
"""

from django.dispatch import Signal

distributed = Signal()
recalled = Signal()
incoming_status_changed = Signal()
