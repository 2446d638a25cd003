"""The port to the national document exchange axis (trục liên thông văn bản quốc gia): a pull
mailbox per agency (organ id). Packages travel as opaque bytes (edXML, signed by the sender):
this port neither reads nor checks them. An adapter in tinhso.integrations.document_axis
speaks the axis's protocol, chosen by TINHSO_DOCUMENT_AXIS_BACKEND at TINHSO_DOCUMENT_AXIS_URL
(docs/document-axis.md).

A receiver lists what waits in its mailbox, downloads each package, and acknowledges it as
done or failed (with a reason); until acknowledged a package stays listed, so a receiver that
stopped half-way lists it again. A sender sees each recipient's delivery state. Sending the
same bytes again from the same sender is the same message (safe to retry after a timeout).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import DomainError

# What a package is: an edXML document or an edXML status (arrived, registered, done, ...).
DOCUMENT, STATUS = "document", "status"
KINDS = (DOCUMENT, STATUS)
# A recipient's delivery state, as its sender sees it.
PENDING, DELIVERED, DONE, FAILED = "pending", "delivered", "done", "failed"
STATES = (PENDING, DELIVERED, DONE, FAILED)


class AxisError(DomainError):
    """The axis did not do what was asked. `message` is what the operator reads."""

    status = 503
    code = "document_axis_unavailable"
    default_message = _("Chưa kết nối được trục liên thông văn bản quốc gia; vui lòng thử lại "
                        "sau.")


class AxisUnavailable(AxisError):
    """Unreachable, timed out, refused by the LGSP gateway, or not the protocol: try later."""


class AxisRefused(AxisError):
    """The axis answered and refused this call (unknown recipient, too large, ...): sending
    it again unchanged will not help."""

    status = 400
    code = "document_axis_refused"


@dataclass(frozen=True)
class Received:
    message_id: str
    sender: str  # the sending agency's organ id
    kind: str  # DOCUMENT or STATUS
    size: int  # bytes
    received_at: datetime
    sha256: str = ""


@dataclass(frozen=True)
class Delivery:
    recipient: str
    state: str  # PENDING, DELIVERED (downloaded), DONE or FAILED (acknowledged)
    reason: str = ""  # the recipient's, when FAILED
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Sent:
    message_id: str
    kind: str
    size: int
    sent_at: datetime
    deliveries: tuple[Delivery, ...]
    sha256: str = ""

    def state_of(self, recipient: str) -> str | None:
        return next((d.state for d in self.deliveries if d.recipient == recipient), None)


class DocumentAxis(Protocol):
    def register_agency(self, organ_id: str, name: str) -> None:
        """Open (or rename) the agency's mailbox on the axis."""

    def send(self, sender: str, recipients: Sequence[str], package: bytes) -> str:
        """Post a document package to the recipients' mailboxes; its message id."""

    def send_status(self, sender: str, recipients: Sequence[str], package: bytes) -> str:
        """Post a status package (edXML status) to the recipients; its message id."""

    def received(self, organ_id: str, *, limit: int = 100) -> list[Received]:
        """What waits in the agency's mailbox (not yet acknowledged), oldest first."""

    def download(self, organ_id: str, message_id: str) -> bytes:
        """One package's bytes, exactly as sent."""

    def acknowledge(self, organ_id: str, message_id: str, *, done: bool,
                    reason: str = "") -> None:
        """Mark a received package done, or failed with a reason (which its sender reads)."""

    def sent(self, organ_id: str, *, limit: int = 100) -> list[Sent]:
        """What the agency sent, newest first, with each recipient's delivery state."""


def axis() -> DocumentAxis:
    """The axis chosen in settings (the simulator's address in the demo)."""
    return import_string(settings.TINHSO_DOCUMENT_AXIS_BACKEND)()
