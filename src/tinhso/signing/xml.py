"""XMLDSig for XML documents (edXML envelopes): enveloped, RSA-SHA256, exclusive c14n, with
signxml; validated against the same trust as PDFs, in the same verdict vocabulary.

The signature and the digest are checked against the certificate the document carries: for
the profile tinhso signs with, directly (enveloped_profile), for any other by signxml.
Whether that certificate is trusted and unrevoked is judged here with pyHanko's validator,
so that PDF and XML answer to one configuration (roots and CRLs) and one set of verdicts.
"""

from __future__ import annotations

import base64
import logging
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from lxml import etree
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, RevokedError
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
)
from signxml.exceptions import InvalidDigest, InvalidInput, InvalidSignature
from signxml.verifier import SignatureConfiguration

from . import awaiting, enveloped_profile, verdicts
from .ports import Signer, SigningError
from .trust import Trust, asn1_cert, configured_trust

log = logging.getLogger(__name__)
DS = "http://www.w3.org/2000/09/xmldsig#"
# No entities, no network, no huge trees: a package from outside is untrusted input.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                         remove_blank_text=False)
# Every package from the same sender carries the same chain, and judging it is a fifth of
# verifying a package. A chain found valid is kept as valid for the same trust (new roots or
# CRLs are a new Trust) and revocation mode until _valid_until; any other verdict is
# computed every time.
_VALID_FOR = 60.0
_KEPT_CHAINS = 1024
_valid_chains: dict[tuple, tuple[Trust, float]] = {}
_HASH_NAMES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class _PortKey:
    """What signxml needs of a private key (sign) for a key behind our port."""

    def __init__(self, port: Signer):
        self.port = port

    def sign(self, data: bytes, padding=None, algorithm=None) -> bytes:
        name = algorithm.name
        digest = hashes.Hash(_HASH_NAMES[name]())
        digest.update(data)
        return self.port.sign_digest(digest.finalize(), name)


def _parse(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        raise SigningError(f"Tài liệu XML không đúng cú pháp: {exc}", code="malformed_xml") \
            from None


def sign(data: bytes, signer: Signer) -> bytes:
    """The document with an enveloped signature over the whole of it (URI=""). A
    <ds:Signature Id="placeholder"/> in the document marks where the signature goes (edXML
    puts it in its header); otherwise it is the root's last child."""
    root = _parse(data)
    xml_signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = xml_signer.sign(root, key=_PortKey(signer), cert=signer.certificate_chain())
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def _names(cert: x509.Certificate) -> dict:
    def first(oid):
        values = cert.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    return {"signer_name": first(x509.NameOID.COMMON_NAME),
            "organisation": first(x509.NameOID.ORGANIZATION_NAME)}


def _chain_verdict(chain: list[x509.Certificate], trust: Trust, names: dict):
    key = (_revocation_mode(), *(c.public_bytes(Encoding.DER) for c in chain))
    kept = _valid_chains.get(key)
    if kept is not None and kept[0] is trust and time.time() < kept[1]:
        return verdicts.verdict(verdicts.VALID, **names)
    context = ValidationContext(trust_roots=list(trust.roots), crls=list(trust.crls),
                                allow_fetching=False,
                                revocation_mode=_revocation_mode())
    validator = CertificateValidator(asn1_cert(chain[0]),
                                     intermediate_certs=[asn1_cert(c) for c in chain[1:]],
                                     validation_context=context)
    try:
        awaiting.run(validator.async_validate_usage({"digital_signature"}))
    except RevokedError:
        return verdicts.verdict(verdicts.REVOKED, **names)
    except PathBuildingError:
        return verdicts.verdict(verdicts.UNKNOWN_SIGNER, **names)
    except PathValidationError as exc:  # expired, wrong key usage, a CA's CRL missing, ...
        log.info("XML signer's certificate not valid: %s", exc)
        return verdicts.verdict(verdicts.UNKNOWN_SIGNER, "Chứng thư số không hợp lệ.", **names)
    if len(_valid_chains) >= _KEPT_CHAINS:
        _valid_chains.clear()
    _valid_chains[key] = (trust, _valid_until(chain, trust))
    return verdicts.verdict(verdicts.VALID, **names)


def _valid_until(chain: list[x509.Certificate], trust: Trust) -> float:
    """How long a chain found valid now is taken as valid without asking again: a minute at
    most, and never past the end of a certificate (the chain's or a root's) or the date a
    CRL is due to be replaced."""
    ends = [c.not_valid_after_utc.timestamp() for c in chain]
    ends += [r["tbs_certificate"]["validity"]["not_after"].native.timestamp()
             for r in trust.roots]
    ends += [next_update.timestamp() for crl in trust.crls
             if (next_update := crl["tbs_cert_list"]["next_update"].native) is not None]
    return min([time.time() + _VALID_FOR, *ends])


def _revocation_mode() -> str:
    return settings.TINHSO_SIGNING_REVOCATION_MODE


def validate(data: bytes, *, trust: Trust | None = None) -> verdicts.Verdict:
    """The document's one signature judged offline (absent when it has none)."""
    trust = trust or configured_trust()
    try:
        root = _parse(data)
    except SigningError as exc:
        return verdicts.verdict(verdicts.INVALID, str(exc.message))
    signatures = root.findall(f".//{{{DS}}}Signature")
    if not signatures:
        return verdicts.verdict(verdicts.ABSENT)
    if len(signatures) > 1:
        return verdicts.verdict(verdicts.INVALID, "Tài liệu có nhiều hơn một chữ ký.")
    try:
        certs = [x509.load_der_x509_certificate(_b64(node.text))
                 for node in signatures[0].iter(f"{{{DS}}}X509Certificate")]
    except ValueError:  # binascii.Error included: garbage where a certificate should be
        return verdicts.verdict(verdicts.INVALID, "Chứng thư số kèm chữ ký không đọc được.")
    if not certs:
        return verdicts.verdict(verdicts.UNKNOWN_SIGNER, "Chữ ký không kèm chứng thư số.")
    names = _names(certs[0])
    config = SignatureConfiguration(
        signature_methods=frozenset({SignatureMethod.RSA_SHA256, SignatureMethod.RSA_SHA384,
                                     SignatureMethod.RSA_SHA512}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384,
                                     DigestAlgorithm.SHA512}),
        expect_references=1)
    # Only a signature over the whole document counts (URI=""): one over a fragment leaves
    # the rest free to change, the way signature-wrapping attacks work.
    references = signatures[0].findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
    if [r.get("URI") for r in references] != [""]:
        return verdicts.verdict(verdicts.INVALID, "Chữ ký không bao trùm toàn bộ tài liệu.",
                                **names)
    try:
        if not enveloped_profile.verifies(data, certs[0]):
            XMLVerifier().verify(root, x509_cert=certs[0], expect_config=config)
    except InvalidDigest:
        return verdicts.verdict(verdicts.ALTERED, **names)
    except (InvalidSignature, InvalidInput) as exc:
        log.info("XML signature not valid: %s", exc)
        return verdicts.verdict(verdicts.INVALID, **names)
    return _chain_verdict(certs, trust, names)


def _b64(text: str | None) -> bytes:
    return base64.b64decode("".join((text or "").split()))
