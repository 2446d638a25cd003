"""The signing service: what the rest of tinhso calls.

Signing is done by an acting official with his or her own key, and the seal by an official of
the agency whose seal it is; each signature goes to the audit log (the signed file itself is
the caller's to keep). Validation needs no actor: anyone may check a document (the public
/verify/ page), and it changes nothing.
"""

from __future__ import annotations

import hashlib

from cryptography import x509
from django.utils.translation import gettext as _

from tinhso.core import audit
from tinhso.core.errors import PermissionDenied

from . import pdf, xml
from .keys import person_identity, seal_identity, signer_for
from .ports import Signer
from .verdicts import Verdict


def _subject(signer: Signer, oid) -> str:
    values = signer.certificate_chain()[0].subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def appearance_of(signer: Signer, *, seal: bool = False) -> pdf.Appearance:
    """What the visible signature shows is what the certificate says (name, position,
    organisation), never what a form typed."""
    return pdf.Appearance(name=_subject(signer, x509.NameOID.COMMON_NAME),
                          position=_subject(signer, x509.NameOID.TITLE),
                          organisation=_subject(signer, x509.NameOID.ORGANIZATION_NAME),
                          seal=seal)


def _check_official(actor) -> None:
    if actor is None or not actor.is_active or actor.agency_id is None:
        raise PermissionDenied(_("Chỉ cán bộ của một cơ quan mới được ký số."))


def _record(action: str, actor, signer: Signer, data: bytes, signed: bytes) -> None:
    cert = signer.certificate_chain()[0]
    audit.record(action, actor=actor, data={
        "certificate_serial": format(cert.serial_number, "x"),
        "subject": cert.subject.rfc4514_string(),
        "sha256_before": hashlib.sha256(data).hexdigest(),
        "sha256_after": hashlib.sha256(signed).hexdigest(),
    })


def sign_pdf(actor, data: bytes) -> bytes:
    """The PDF signed (PAdES) by the acting official with his or her own key."""
    _check_official(actor)
    signer = signer_for(person_identity(actor.username))
    signed = pdf.sign(data, signer, appearance_of(signer))
    _record("signing.pdf_signed", actor, signer, data, signed)
    return signed


def seal_pdf(actor, data: bytes) -> bytes:
    """The PDF with the seal signature of the acting official's agency, beside what is
    already signed (an incremental update: earlier signatures stay valid)."""
    _check_official(actor)
    signer = signer_for(seal_identity(actor.agency.code))
    signed = pdf.sign(data, signer, appearance_of(signer, seal=True))
    _record("signing.pdf_sealed", actor, signer, data, signed)
    return signed


def sign_xml(actor, data: bytes, *, seal: bool = False) -> bytes:
    """An XML document (an edXML envelope) signed, enveloped XMLDSig: by the official's key,
    or by the agency's seal key (what an agency sends on the exchange axis)."""
    _check_official(actor)
    identity = seal_identity(actor.agency.code) if seal else person_identity(actor.username)
    signer = signer_for(identity)
    signed = xml.sign(data, signer)
    _record("signing.xml_signed", actor, signer, data, signed)
    return signed


def seal_xml_for(agency, data: bytes) -> bytes:
    """An XML document sealed by an agency's own system, no official acting: what the exchange
    axis sends by itself (status messages; the envelopes of documents that people already
    signed and sealed). Audited like every signature, with the agency's seal as the signer."""
    signer = signer_for(seal_identity(agency.code))
    signed = xml.sign(data, signer)
    _record("signing.xml_sealed_by_system", None, signer, data, signed)
    return signed


def validate_pdf(data: bytes) -> Verdict:
    """Every signature of a PDF judged offline against the configured trust."""
    return pdf.validate(data)


def validate_xml(data: bytes) -> Verdict:
    """An XML document's signature judged offline against the configured trust."""
    return xml.validate(data)
