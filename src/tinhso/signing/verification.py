"""What the public verification page answers: a code's signed file and its verdict now, or
an uploaded copy's verdict and whether it is a file tinhso issued.

Verdicts are computed at each request, offline, against the configured trust: a certificate
revoked since the signing shows as revoked. Nothing here changes anything; anyone may ask.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from . import codes, services
from .models import SignedDocument
from .verdicts import INVALID, Verdict, verdict

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Check:
    verdict: Verdict
    document: SignedDocument | None = None  # the issued file it is (same bytes), if any


def by_code(text: str) -> SignedDocument | None:
    code = codes.normalise(text)
    if code is None:
        return None
    return SignedDocument.objects.select_related("issuer").filter(code=code).first()


def stored_bytes(document: SignedDocument) -> bytes | None:
    try:
        with document.file.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, ValueError):
        return None


def check_issued(document: SignedDocument) -> Check:
    """The stored file of an issued document, judged now."""
    data = stored_bytes(document)
    if data is None:
        return Check(verdict(INVALID, "Không đọc được tệp đã lưu của văn bản."), document)
    return Check(services.validate_pdf(data), document)


def looks_like_pdf(head: bytes) -> bool:
    # A PDF may carry a few bytes of junk before its header; readers accept it in the
    # first kilobyte.
    return PDF_MAGIC in head[:1024]


def check_upload(data: bytes) -> Check:
    """An uploaded copy: its own verdict, and the issued document it is byte for byte."""
    digest = hashlib.sha256(data).hexdigest()
    document = (SignedDocument.objects.select_related("issuer")
                .filter(sha256=digest).first())
    return Check(services.validate_pdf(data), document)


@dataclass(frozen=True)
class SignatureRow:
    """One signature as the page lists it: a person's, or an organisation's seal."""

    is_seal: bool
    name: str
    organisation: str
    signing_time: object
    is_valid: bool
    message: str


def signature_rows(verdict: Verdict) -> list[SignatureRow]:
    # A seal certificate names the agency as both its holder (CN) and organisation (O);
    # a person's names the person (signing.pki).
    return [SignatureRow(is_seal=bool(s.signer_name) and s.signer_name == s.organisation,
                         name=s.signer_name, organisation=s.organisation,
                         signing_time=s.signing_time, is_valid=s.is_valid, message=s.message)
            for s in verdict.signatures]
