"""Mutual TLS at the LGSP gateway: the server's TLS context, and who a presented client
certificate belongs to.

At the TLS layer a client certificate is optional (JWT clients keep working over TLS). The
handshake checks that it chains to a configured client CA (one from another CA fails there,
with a TLS alert, and never reaches the log: Python's ssl module offers no nginx-like
`optional_no_ca`), but not its validity period: the gateway checks that itself, with the
rest, so that each failure below is a refusal with its code and a Vietnamese message, written
to the message log like any other.

The checks, in order, each its own refusal: issued by a configured client CA for TLS client
authentication (`untrusted_certificate`), within its validity period (`certificate_expired`,
`certificate_not_yet_valid`), covered by a current CRL of its CA (`revocation_unknown`) and not
on it (`certificate_revoked`), registered as an unrevoked `tls_cert` credential of an active
system (`unknown_certificate`). What a certificate's bytes tell (chain, use) is computed once
per certificate and cached; the rest are dictionary look-ups. CRLs are re-read by the gateway's
background refresh when their files change, never in the request path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.utils import timezone

logger = logging.getLogger("tinhso.exchange.mtls")

CACHE_SIZE = 4096
NO_NEXT_UPDATE = dt.datetime.max.replace(tzinfo=dt.UTC)  # a CRL that names no next update


class CertificateRefused(Exception):
    """A presented certificate that does not authenticate a client: HTTP status, machine code,
    Vietnamese message, and the system it is registered to when that is known (for the log)."""

    def __init__(self, status: int, code: str, message: str, client: str = ""):
        super().__init__(message)
        self.status, self.code, self.message, self.client = status, code, message, client


def fingerprint(der: bytes) -> str:
    """SHA-256 of the certificate's DER, lower-case hex: what a `tls_cert` credential holds."""
    return hashlib.sha256(der).hexdigest()


def serial_hex(certificate: x509.Certificate) -> str:
    return f"{certificate.serial_number:X}"


# --- The server's TLS context.

# OpenSSL's X509_V_FLAG_NO_CHECK_TIME: the handshake leaves a certificate's validity period
# to the gateway, which refuses an expired one in words and in the log (not a bare TLS alert).
NO_CHECK_TIME = 0x200000


def server_context(cert: str | Path, key: str | Path, client_ca: str | Path | None
                   ) -> ssl.SSLContext:
    """TLS 1.2+ with the gateway's certificate; with a client CA, a client certificate is
    requested (optional) and passed to the gateway's own checks."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)  # no system CAs: only ours count
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert), str(key))
    if client_ca:
        context.load_verify_locations(cafile=str(client_ca))  # also names the CA to clients
        context.verify_mode = ssl.CERT_OPTIONAL
        # The client CA is trusted as it is configured (often the issuing CA under a root).
        context.verify_flags |= NO_CHECK_TIME | ssl.VERIFY_X509_PARTIAL_CHAIN
    return context


def peer_certificate(transport) -> bytes | None:
    """The DER of the client's certificate on this connection, if it presented one."""
    ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
    return ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None


# --- Checking a presented certificate.

@dataclass(frozen=True)
class Presented:
    """What a certificate's bytes tell, computed once."""

    fingerprint: str
    serial: int
    issuer: bytes  # DER of the issuer's name: the key of its CA's CRL
    not_before: dt.datetime
    not_after: dt.datetime
    untrusted: str = ""  # why it is not a client certificate of a configured CA


@dataclass(frozen=True)
class Crl:
    revoked: frozenset[int]
    next_update: dt.datetime


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


class ClientCertificates:
    """The configured client CAs and their CRLs; `identify` names the system a certificate
    authenticates or raises CertificateRefused."""

    def __init__(self, ca_path: str | Path, crl_paths=()):
        self.cas = x509.load_pem_x509_certificates(Path(ca_path).read_bytes())
        self.crl_paths = [Path(p) for p in crl_paths]
        self.crls: dict[bytes, Crl] = {}
        self._stamps: dict[Path, tuple] = {}
        self._cache: dict[str, Presented] = {}
        self.reload_crls()

    def reload_crls(self) -> bool:
        """Re-read the CRL files that changed since the last call; True if any did. A CRL
        that does not read, or whose signature no configured CA makes, is ignored (the one
        read before it, if any, stays in force until its next update)."""
        crls, changed = dict(self.crls), False
        for path in self.crl_paths:
            try:
                info = os.stat(path)
            except OSError:
                continue
            stamp = (info.st_mtime_ns, info.st_size)
            if self._stamps.get(path) == stamp:
                continue
            self._stamps[path] = stamp
            changed = True
            try:
                data = path.read_bytes()
                crl = (x509.load_pem_x509_crl(data) if data.lstrip().startswith(b"-----")
                       else x509.load_der_x509_crl(data))
            except (OSError, ValueError):
                logger.error("CRL %s does not read; ignored", path)
                continue
            if not any(ca.subject == crl.issuer and crl.is_signature_valid(ca.public_key())
                       for ca in self.cas):
                logger.error("CRL %s is not signed by a configured client CA; ignored", path)
                continue
            key = crl.issuer.public_bytes()
            if key in crls and crls[key].next_update > crl.next_update_utc:
                continue  # never replace a newer list by an older one
            crls[key] = Crl(frozenset(entry.serial_number for entry in crl),
                            crl.next_update_utc or NO_NEXT_UPDATE)
        self.crls = crls  # one assignment: the event loop sees the old lists or the new
        return changed

    def presented(self, der: bytes) -> Presented:
        digest = fingerprint(der)
        known = self._cache.get(digest)
        if known is None:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            known = self._cache[digest] = self._read(der, digest)
        return known

    def _read(self, der: bytes, digest: str) -> Presented:
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        try:
            cert = x509.load_der_x509_certificate(der)
        except ValueError:
            return Presented(digest, 0, b"", epoch, epoch, "Chứng thư TLS không đọc được.")
        untrusted = ""
        issuer = next((ca for ca in self.cas if ca.subject == cert.issuer), None)
        try:
            if issuer is None:
                raise ValueError("unknown issuer")
            cert.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            untrusted = ("Chứng thư TLS không do CA cấp chứng thư cho hệ thống khách của tỉnh "
                         f"cấp (bên cấp: {cert.issuer.rfc4514_string()[:120]}).")
        if not untrusted:
            try:
                usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
            except x509.ExtensionNotFound:
                usages = ()
            if ExtendedKeyUsageOID.CLIENT_AUTH not in usages:
                untrusted = ("Chứng thư TLS không dùng để xác thực hệ thống khách (thiếu mục "
                             "đích clientAuth).")
        return Presented(digest, cert.serial_number, cert.issuer.public_bytes(),
                         cert.not_valid_before_utc, cert.not_valid_after_utc, untrusted)

    def identify(self, der: bytes, certificates: dict[str, str],
                 now: dt.datetime | None = None) -> str:
        """The identifier of the system `der` authenticates, given the registry's
        fingerprint -> system map; else CertificateRefused."""
        now = now or timezone.now()
        cert = self.presented(der)
        owner = certificates.get(cert.fingerprint, "")
        if cert.untrusted:
            raise CertificateRefused(401, "untrusted_certificate", cert.untrusted, owner)
        if now < cert.not_before:
            raise CertificateRefused(401, "certificate_not_yet_valid", f"Chứng thư TLS của hệ "
                                     f"thống khách (số hiệu {cert.serial:X}) chưa có hiệu lực "
                                     f"(từ {_local(cert.not_before)}).", owner)
        if now > cert.not_after:
            raise CertificateRefused(401, "certificate_expired", f"Chứng thư TLS của hệ thống "
                                     f"khách (số hiệu {cert.serial:X}) đã hết hạn (lúc "
                                     f"{_local(cert.not_after)}).", owner)
        crl = self.crls.get(cert.issuer)
        if crl is None or crl.next_update < now:
            raise CertificateRefused(503, "revocation_unknown", "Không kiểm tra được chứng thư "
                                     "TLS đã bị thu hồi hay chưa (danh sách thu hồi của CA chưa "
                                     "có hoặc đã quá hạn); vui lòng báo đơn vị vận hành LGSP.",
                                     owner)
        if cert.serial in crl.revoked:
            raise CertificateRefused(401, "certificate_revoked", f"Chứng thư TLS của hệ thống "
                                     f"khách (số hiệu {cert.serial:X}) đã bị thu hồi.", owner)
        if not owner:
            raise CertificateRefused(401, "unknown_certificate", f"Chứng thư TLS (số hiệu "
                                     f"{cert.serial:X}) chưa được đăng ký cho hệ thống khách "
                                     f"nào đang hoạt động, hoặc đã bị thu hồi trong đăng ký.")
        return owner
