"""Documents made in bulk, for the numbering benchmark, its test and the demo: rows written
set-wise (bulk_create), already at a given status, sharing one stored file."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from tinhso.core.text import fold

from .models import Document, DocumentFile, Recipient, Status
from .types import DocumentType


def stored_file(name: str, data: bytes) -> tuple[str, str]:
    """(storage name, sha256) of bytes saved once, to be shared by many file rows."""
    path = default_storage.save(f"documents/seed/{name}", ContentFile(data))
    return path, hashlib.sha256(data).hexdigest()


def documents_at(agency, status: str, subjects: list[str], *, data: bytes, creator=None,
                 doc_type: str = DocumentType.DECISION, recipients=(), kind: str = "sealed",
                 name: str = "van-ban.pdf", texts: list[str] | None = None,
                 direction: str = Document.Direction.OUTGOING) -> list[Document]:
    """Documents of `agency` at `status` (not numbered), one per subject, each with `data`
    as its main file (and, if given, the file's folded text) and the given recipients."""
    now = timezone.now()
    path, sha = stored_file(name, data)
    with transaction.atomic():
        docs = Document.objects.bulk_create([Document(
            agency=agency, direction=direction, status=status,
            doc_type=doc_type, subject=subject, sender_name=agency.name,
            sender_organ_id=agency.code, created_by=creator, created_at=now, updated_at=now,
            search_text=fold(f"{subject} {agency.name} {agency.code}")) for subject in subjects])
        rows = DocumentFile.objects.bulk_create([DocumentFile(
            document=d, kind=kind, name=name, file=path, sha256=sha, size=len(data),
            created_at=now, text=texts[i] if texts else "") for i, d in enumerate(docs)])
        for d, row in zip(docs, rows, strict=True):
            d.main_file = row
        Document.objects.bulk_update(docs, ["main_file"], batch_size=500)
        Recipient.objects.bulk_create([Recipient(document=d, agency=a, organ_id=a.code,
                                                 name=a.name)
                                       for d in docs for a in recipients])
    return docs


def sealed(agency, count: int, *, data: bytes, recipients=()) -> list[Document]:
    return documents_at(agency, Status.SEALED,
                        [f"Quyết định thử số {i + 1} về việc phê duyệt kế hoạch"
                         for i in range(count)], data=data, recipients=recipients)
