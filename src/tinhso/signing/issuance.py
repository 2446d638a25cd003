"""Issuing a signed PDF that anyone can verify: QR code and short code on it, the official's
signature, the agency's seal, a check that the result is valid, and its record.

The record (SignedDocument) is what /verify/<code> shows and what an uploaded copy is matched
against. Issuing the same subject again returns its record: an official who repeats the
action (a double click, a retried request) signs nothing twice.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import codes, services, stamp
from .models import SignedDocument
from .ports import SigningError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Subject:
    """What is signed: its kind and id (in the asking app), title and number."""

    kind: str
    id: int
    title: str
    number: str = ""


def issued(kind: str, subject_ids) -> dict[int, SignedDocument]:
    return {d.subject_id: d for d in SignedDocument.objects.filter(
        kind=kind, subject_id__in=list(subject_ids))}


def issue_pdf(actor, data: bytes, subject: Subject) -> SignedDocument:
    """The PDF stamped with its verification QR code, signed by `actor` (personal key) and
    sealed with the seal of `actor`'s agency, validated, stored and recorded."""
    existing = SignedDocument.objects.filter(kind=subject.kind, subject_id=subject.id).first()
    if existing is not None:
        return existing
    code = codes.new_code()
    stamped = stamp.add_qr(data, codes.verify_url(code), code)
    signed = services.seal_pdf(actor, services.sign_pdf(actor, stamped))
    verdict = services.validate_pdf(signed)
    if not verdict.is_valid:  # never issue a file the verification page would reject
        raise SigningError(f"Tệp vừa ký không hợp lệ: {verdict.message}",
                           code="signed_not_valid")
    record = SignedDocument(
        code=code, kind=subject.kind, subject_id=subject.id, title=subject.title[:2000],
        number=subject.number, issuer_id=actor.agency_id,
        signer_name=verdict.signer_name[:200], signed_at=verdict.signing_time or timezone.now(),
        sha256=hashlib.sha256(signed).hexdigest(), size=len(signed))
    record.file.save(f"{code}.pdf", ContentFile(signed), save=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # issued meanwhile by a concurrent request: keep that one
        record.file.delete(save=False)
        return SignedDocument.objects.get(kind=subject.kind, subject_id=subject.id)
    return record
