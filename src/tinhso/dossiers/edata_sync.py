"""A citizen's papers and results reach the national personal e-data store (kho quản lý dữ
liệu điện tử của tổ chức, cá nhân), so that they are kept and reused beyond this province.

A dossier owes the store once it has a result and something electronic to keep
(models.EDATA_OWED: a partial index holds just that backlog). The sender, run beside the
national portal's (`tinhso sync_national_portal`), puts each owed dossier's items: its
digitised papers (not those it reused from the store) and its electronic results, each with
its file (a result only once signed: signing makes the dossier owed again). The call is a PUT
of the dossier's whole set, so sending it again after an answer that never came back changes
nothing; the dossier is marked only once the store answered, and only if it did not change
meanwhile.
While the store is unreachable nothing is marked and the sender tries again later.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import EDATA_OWED, Dossier

log = logging.getLogger(__name__)

BATCH = 50


class StoreError(Exception):
    """`reason` is what the operator reads (Vietnamese)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StoreUnavailable(StoreError):
    """Unreachable, timed out, or not the protocol: try later."""


class StoreRefused(StoreError):
    """The store answered and refused this dossier's items."""


@dataclass(frozen=True)
class Item:
    kind: str  # "paper" or "result"
    name: str
    content: bytes
    number: str = ""

    def as_record(self) -> dict:
        return {"kind": self.kind, "name": self.name, "number": self.number,
                "size": len(self.content), "sha256": hashlib.sha256(self.content).hexdigest(),
                "content_base64": base64.b64encode(self.content).decode()}


class EdataStore(Protocol):
    def put(self, owner_id: str, dossier: Dossier, items: list[Item]) -> None:
        """Keep these items as the dossier's set for this owner; returns once acknowledged."""


def store() -> EdataStore:
    return import_string(settings.TINHSO_EDATA_BACKEND)()


@dataclass
class StoreReport:
    read: int = 0  # owed dossiers this batch read (fewer than asked: the pass is over)
    sent: int = 0
    last_id: int = 0  # where the next batch of this pass starts
    refused: list[tuple[str, str]] = field(default_factory=list)
    unavailable: str = ""


def _read(file) -> bytes:
    with file.open("rb") as f:
        return f.read()


def items_of(d: Dossier) -> list[Item]:
    papers = [Item("paper", c.name, _read(c.file)) for c in d.components.all()
              if c.is_digitized and not c.reused_from and c.file]
    # A result waiting for its signature is not kept yet: signing makes the dossier owed again.
    results = [Item("result", r.name, _read(r.file), r.number) for r in d.results.all()
               if r.is_electronic and r.file and d.has_electronic_result]
    return papers + results


def push_batch(target: EdataStore, *, after: int = 0, limit: int = BATCH) -> StoreReport:
    """Put up to `limit` owed dossiers after id `after` into the store, oldest first. A pass
    walks the backlog by id, so dossiers the store refuses are tried again on the next pass
    without holding back those behind them."""
    report = StoreReport(last_id=after)
    owed = list(Dossier.objects.filter(EDATA_OWED, pk__gt=after).exclude(applicant_id_number="")
                .select_related("procedure", "agency")
                .prefetch_related("components", "results").order_by("id")[:limit])
    report.read = len(owed)
    for d in owed:
        report.last_id = d.pk
        try:
            items = items_of(d)
            if not items:  # flagged electronic, yet no file is stored: nothing to keep
                raise StoreRefused(_("Hồ sơ không có tệp nào để đưa vào kho."))
            target.put(d.applicant_id_number, d, items)
        except StoreUnavailable as exc:
            report.unavailable = exc.reason
            return report
        except (StoreRefused, OSError) as exc:  # a refused set, or a file gone from storage
            reason = getattr(exc, "reason", None) or str(exc)
            report.refused.append((d.code, reason))
            log.warning("e-data store: %s not kept: %s", d.code, reason)
            continue
        # Compare-and-set: a dossier changed during the call (a result signed) is sent again.
        report.sent += Dossier.objects.filter(pk=d.pk, lock_version=d.lock_version).update(
            edata_synced_at=timezone.now())
    return report


def owed_count() -> int:
    return Dossier.objects.filter(EDATA_OWED).exclude(applicant_id_number="").count()

