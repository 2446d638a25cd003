"""The port to the national public service portal, which every dossier change reaches
(dossiers.portal_sync sends; an adapter in tinhso.integrations speaks the portal's protocol,
chosen by TINHSO_NATIONAL_PORTAL_BACKEND)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .models import Dossier, DossierEvent


class PortalError(Exception):
    """The portal did not acknowledge. `reason` is what the operator reads (Vietnamese)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PortalUnavailable(PortalError):
    """Unreachable, timed out, or answered something that is not the protocol: try later."""


class PortalRefused(PortalError):
    """The portal answered and refused the call (its error code and message in `reason`)."""


class NationalPortal(Protocol):
    def holds(self, code: str) -> bool:
        """Whether the portal already holds the dossier (TraCuuHoSo)."""

    def sync(self, dossiers: Sequence[Dossier], *, updating: bool) -> None:
        """Send the dossiers as they are now (DongBoHoSoMC); returns once acknowledged."""

    def progress(self, events: Sequence[DossierEvent]) -> None:
        """Send processing steps (CapNhatTienDoHoSoMC); returns once acknowledged."""
