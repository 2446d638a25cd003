"""RFC 3161 time-stamps: asking an authority for a token, and checking one (the message
log, exchange.log, stamps its batches with them).

A batch's signature says who wrote the log; a time-stamp from an independent authority says
when it existed at the latest. As X-Road does, stamping is asynchronous and covers many
records at once: every TINHSO_EXCHANGE_TSA_EVERY seconds the gateway asks the authority to
stamp the newest batch not yet stamped (the bytes its signature covers, which name the chain's
head and so every record before it), and keeps the token in the batch row. No request waits
for the authority, and while it is unreachable exchanges go on (the gap shows as batches
without a token; the next stamp covers them).

What `check_token` verifies: the token answers this batch (its message imprint is the SHA-256
of the batch's signed bytes), its CMS signature is valid under the certificate it embeds, and,
given trust roots (TINHSO_EXCHANGE_TSA_TRUST_ROOTS, by default the signing service's roots),
that certificate is a time-stamping authority's (extended key usage timeStamping) whose chain,
through the certificates the token embeds, reaches one of them, every link valid at the
token's time; and, given CRLs (TINHSO_EXCHANGE_TSA_CRLS, by default the signing service's),
that no certificate of that chain below the root is revoked: revoked before the token's time,
or at any time when the CRL gives no reason or a compromise (every token the key made is
then in doubt, RFC 3161 §4). A link that no CRL of its issuer covers is "revocation_unknown"
under the signing service's hard-fail mode, and passes under soft-fail, as for signatures.
"""

from __future__ import annotations

import hashlib
import secrets
import urllib.request
from pathlib import Path

from asn1crypto import algos, cms, tsp

GRANTED = {"granted", "granted_with_mods"}


class TimestampError(Exception):
    pass


def request_token(url: str, message: bytes, *, timeout: float = 10) -> bytes:
    """Ask the authority at `url` to stamp SHA-256(message); the token's DER bytes."""
    request = tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": {"hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                            "hashed_message": hashlib.sha256(message).digest()},
        "nonce": int.from_bytes(secrets.token_bytes(8), "big"),
        "cert_req": True,
    })
    http = urllib.request.Request(url, data=request.dump(), method="POST",  # noqa: S310
                                  headers={"Content-Type": "application/timestamp-query"})
    try:
        with urllib.request.urlopen(http, timeout=timeout) as answer:  # noqa: S310
            response = tsp.TimeStampResp.load(answer.read())
            status = response["status"]["status"].native
    except (OSError, ValueError) as exc:
        raise TimestampError(f"time-stamping authority unreachable or unreadable: {exc}") \
            from exc
    if status not in GRANTED:
        raise TimestampError(f"time-stamp refused: {status}")
    token = response["time_stamp_token"]
    tst = token["content"]["encap_content_info"]["content"].parsed
    if tst["nonce"].native != request["nonce"].native:
        raise TimestampError("time-stamp answers another request (nonce)")
    return token.dump()


def trust_roots() -> list:
    """The certificates in the configured roots' PEM files (a missing file adds none)."""
    from cryptography import x509
    from django.conf import settings

    roots = []
    for path in (settings.TINHSO_EXCHANGE_TSA_TRUST_ROOTS
                 or settings.TINHSO_SIGNING_TRUST_ROOTS):
        if Path(path).is_file():
            roots += x509.load_pem_x509_certificates(Path(path).read_bytes())
    return roots


def trust_crls() -> list:
    """The CRLs (DER or PEM) in the configured files (a missing file adds none)."""
    from cryptography import x509
    from django.conf import settings

    crls = []
    for path in settings.TINHSO_EXCHANGE_TSA_CRLS or settings.TINHSO_SIGNING_CRLS:
        if Path(path).is_file():
            data = Path(path).read_bytes()
            crls.append(x509.load_pem_x509_crl(data) if data.lstrip().startswith(b"-----")
                        else x509.load_der_x509_crl(data))
    return crls


def check_token(token_der: bytes, message: bytes, *, roots=None, crls=None) -> str:
    """'' if the token stamps `message` and its signature holds (and, with `roots`, a list of
    cryptography certificates, its authority chains to one of them, unrevoked by `crls`),
    else what is wrong."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    try:
        signed = cms.ContentInfo.load(token_der)["content"]
        tst_bytes = signed["encap_content_info"]["content"].contents
        tst = tsp.TSTInfo.load(tst_bytes)
        imprint = tst["message_imprint"]["hashed_message"].native
        if imprint != hashlib.sha256(message).digest():
            return "imprint"
        signer = signed["signer_infos"][0]
        attrs = {a["type"].native: a["values"][0].native for a in signer["signed_attrs"]}
        digest_name = signer["digest_algorithm"]["algorithm"].native
        digest = {"sha256": hashes.SHA256, "sha384": hashes.SHA384,
                  "sha512": hashes.SHA512}[digest_name]
        if attrs.get("message_digest") != hashlib.new(digest_name, tst_bytes).digest():
            return "digest"
        serial = signer["sid"].chosen["serial_number"].native
        cert = next(x509.load_der_x509_certificate(c.chosen.dump())
                    for c in signed["certificates"]
                    if c.chosen.serial_number == serial)
        to_verify = b"\x31" + signer["signed_attrs"].dump()[1:]  # as the SET it was signed
        key = cert.public_key()
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signer["signature"].native, to_verify, padding.PKCS1v15(), digest())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signer["signature"].native, to_verify, ec.ECDSA(digest()))
        else:
            return "key"
        if roots is not None:
            embedded = [x509.load_der_x509_certificate(c.chosen.dump())
                        for c in signed["certificates"]]
            return chain_problem(cert, embedded, roots, tst["gen_time"].native, crls=crls)
    except InvalidSignature:
        return "signature"
    except (ValueError, KeyError, TypeError, StopIteration, AttributeError):
        return "unreadable"
    return ""


def chain_problem(cert, embedded: list, roots: list, at, *, crls=None) -> str:
    """'' if `cert` is a time-stamping authority's chaining to a root, valid at `at` (and not
    revoked, when `crls` are given)."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature

    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return "not_tsa"
    if x509.ExtendedKeyUsageOID.TIME_STAMPING not in usages:
        return "not_tsa"
    candidates = [*embedded, *roots]
    for _depth in range(8):
        if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
            return "expired"
        if cert in roots:
            return ""
        for issuer in candidates:
            if issuer.subject != cert.issuer or issuer == cert:
                continue
            try:
                cert.verify_directly_issued_by(issuer)
            except (ValueError, TypeError, InvalidSignature):
                continue
            revoked = revocation_problem(cert, issuer, crls, at) if crls is not None else ""
            if revoked:
                return revoked
            cert = issuer
            break
        else:
            return "untrusted"
    return "untrusted"


# Reasons that leave the tokens made before the revocation trustworthy: the key was not lost.
HARMLESS_REASONS = {"affiliation_changed", "superseded", "cessation_of_operation",
                    "privilege_withdrawn"}


def revocation_problem(cert, issuer, crls: list, at) -> str:
    """'' unless a CRL of `issuer` (signed by it) revokes `cert` for a token made at `at`;
    "revocation_unknown" when none covers it and revocation data is required."""
    from cryptography import x509
    from django.conf import settings

    covering = [crl for crl in crls
                if crl.issuer == issuer.subject and crl.is_signature_valid(issuer.public_key())]
    if not covering:
        hard = settings.TINHSO_SIGNING_REVOCATION_MODE == "hard-fail"
        return "revocation_unknown" if hard else ""
    for crl in covering:
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is None:
            continue
        try:
            reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.name
        except x509.ExtensionNotFound:
            reason = None
        if entry.revocation_date_utc <= at or reason not in HARMLESS_REASONS:
            return "revoked"
    return ""
