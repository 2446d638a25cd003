"""The package's signature judged by the signing service, in the three words the exchange
axis speaks (valid, invalid, absent) and a reason in Vietnamese.

A "placeholder" is a Signature element with nothing real inside (no SignedInfo, an empty or
undecodable SignatureValue, no readable certificate), as some producers send: it is invalid,
and said so plainly rather than as a failed computation.
"""

from __future__ import annotations

import base64
import binascii

from cryptography import x509

from tinhso.signing import services, verdicts

from .model import SignatureCheck
from .names import DS

VALID, INVALID, ABSENT = "valid", "invalid", "absent"
PLACEHOLDER = "placeholder"
PLACEHOLDER_REASON = ("Chữ ký số không hợp lệ: phần tử Signature chỉ là chỗ giữ chỗ, không có "
                      "giá trị chữ ký hoặc chứng thư số đọc được.")


def _ds(name: str) -> str:
    return f"{{{DS}}}{name}"


def _b64(text: str | None) -> bytes:
    return base64.b64decode("".join((text or "").split()), validate=True)


def is_placeholder(node) -> bool:
    if node.find(_ds("SignedInfo")) is None:
        return True
    try:
        if not _b64(node.findtext(_ds("SignatureValue"))):
            return True
        certs = list(node.iter(_ds("X509Certificate")))
        if not certs:
            return True
        for cert in certs:
            x509.load_der_x509_certificate(_b64(cert.text))
    except (binascii.Error, ValueError):
        return True
    return False


def from_verdict(verdict: verdicts.Verdict, signer_id: str = "") -> SignatureCheck:
    word = {verdicts.VALID: VALID, verdicts.ABSENT: ABSENT}.get(verdict.code, INVALID)
    return SignatureCheck(verdict=word, code=verdict.code, reason=verdict.message,
                          signer_name=verdict.signer_name, organisation=verdict.organisation,
                          signer_id=signer_id)


def _signer_id(node) -> str:
    """The organ id a seal's certificate names (its subject's UID), if any: the signer's
    certificate is the first one, as the signing service reads it."""
    cert = x509.load_der_x509_certificate(_b64(node.find(f".//{_ds('X509Certificate')}").text))
    values = cert.subject.get_attributes_for_oid(x509.NameOID.USER_ID)
    return str(values[0].value) if values else ""


def check(root, data: bytes) -> SignatureCheck:
    """`root` is `data` already parsed (safely); the service re-reads `data` itself."""
    found = root.findall(f".//{_ds('Signature')}")
    if not found:
        return from_verdict(verdicts.verdict(verdicts.ABSENT))
    if len(found) == 1 and is_placeholder(found[0]):
        return SignatureCheck(verdict=INVALID, code=PLACEHOLDER, reason=PLACEHOLDER_REASON)
    return from_verdict(services.validate_xml(data),
                        _signer_id(found[0]) if len(found) == 1 else "")
