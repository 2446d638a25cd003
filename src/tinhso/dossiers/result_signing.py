"""Signed results: the one fact service index 5.1 counts as an electronic result.

A result counts as electronic only when its PDF carries a valid signature (signing.verdicts
VALID). Two ways there:
- the agency's leader signs it in tinhso (lifecycle.sign_result): the PDF is stamped with the
  QR code and short code of its public verification page, signed with the leader's personal
  key and sealed with the agency's seal (signing.issuance);
- the official finishing the dossier uploads a PDF already validly signed elsewhere (a USB
  token, a remote signing service): it is recorded as issued as it is (lifecycle.finish).

An uploaded file that is not validly signed is kept and shown, but counts for nothing until
a leader signs it. The records live in the signing app (SignedDocument, kind
"dossier_result", subject_id the Result's id).
"""

from __future__ import annotations

import hashlib

from django.utils import timezone

from tinhso.signing import codes, issuance, services
from tinhso.signing.models import SignedDocument
from tinhso.signing.verdicts import Verdict

from . import uploads
from .models import Dossier, Result

KIND = SignedDocument.Kind.DOSSIER_RESULT


def _pdf_results(d: Dossier) -> list[Result]:
    return [r for r in d.results.all()
            if r.is_electronic and r.file and uploads.kind_of(r.file.name) == "pdf"]


def signed(results) -> dict[int, SignedDocument]:
    """result id -> its signed document, for those that have one."""
    return issuance.issued(KIND, [r.pk for r in results])


def awaiting(d: Dossier) -> list[Result]:
    """The dossier's electronic PDF results nobody has signed yet."""
    results = _pdf_results(d)
    done = signed(results) if results else {}
    return [r for r in results if r.pk not in done]


def _read(result: Result) -> bytes:
    with result.file.open("rb") as handle:
        return handle.read()


def sign_awaiting(actor, d: Dossier) -> list[SignedDocument]:
    """Each result awaiting a signature, signed by `actor` and sealed by `actor`'s agency;
    the result's file becomes the signed one (what the applicant downloads)."""
    documents = []
    for result in awaiting(d):
        document = issuance.issue_pdf(actor, _read(result), issuance.Subject(
            KIND, result.pk, result.name, result.number))
        Result.objects.filter(pk=result.pk).update(file=document.file.name)
        documents.append(document)
    return documents


def verdict_of_upload(upload) -> Verdict | None:
    """The verdict of a result file being uploaded, when it is a PDF (else None)."""
    if upload is None or uploads.kind_of(getattr(upload, "name", "") or "") != "pdf":
        return None
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return services.validate_pdf(data)


def record_presigned(d: Dossier, result: Result, verdict: Verdict) -> SignedDocument:
    """A result uploaded already validly signed, recorded as issued by the dossier's agency
    (its file is not stamped: a change after signing would make it altered)."""
    data = _read(result)
    document, _created = SignedDocument.objects.get_or_create(
        kind=KIND, subject_id=result.pk, defaults={
            "code": codes.new_code(), "title": result.name[:2000],
            "number": result.number, "issuer_id": d.agency_id,
            "signer_name": verdict.signer_name[:200],
            "signed_at": verdict.signing_time or timezone.now(),
            "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
            "file": result.file.name})
    return document

