"""Client certificates for mutual TLS at the gateway, issued by the demo's CA (signing.pki)
and registered as `tls_cert` credentials through exchange.services (so audited like every
registry change). A province with its own CA issues certificates there and registers their
fingerprints through the same services (API or pages); only issuing is the demo's.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tinhso.core.errors import ValidationFailed
from tinhso.signing.pki import DemoPki

from . import mtls, services
from .models import ClientCredential, MemberSystem


@dataclass
class Issued:
    credential: ClientCredential
    certificate_path: Path  # the certificate, then the subordinate CA
    key_path: Path


def file_stem(identifier: str) -> str:
    """GOV/000.00.00.H44/MOTCUA -> GOV_000.00.00.H44_MOTCUA (a file name)."""
    return identifier.replace("/", "_")


def issue(actor, system: MemberSystem, pki: DemoPki, out_dir: str | Path, *,
          not_before: dt.datetime | None = None, not_after: dt.datetime | None = None,
          days: int = 365) -> Issued:
    """Issue `system` a client certificate, register it (audited), then write its key and
    certificate to out_dir. Nothing is written when registration is refused."""
    if not system.is_active:
        raise ValidationFailed("Hệ thống đã ngừng hoạt động, không cấp chứng thư.",
                               code="inactive_system")
    key, cert = pki.issue_tls_client(system.identifier, not_before=not_before,
                                     not_after=not_after, days=days)
    der = cert.public_bytes(serialization.Encoding.DER)
    credential = services.add_credential(
        actor, system, kind=ClientCredential.Kind.TLS_CERT,
        cert_fingerprint=mtls.fingerprint(der), cert_serial=mtls.serial_hex(cert),
        valid_to=cert.not_valid_after_utc)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = file_stem(system.identifier)
    key_path, cert_path = out / f"{stem}.key", out / f"{stem}.pem"
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM)
                          + pki.ca.cert.public_bytes(serialization.Encoding.PEM))
    return Issued(credential, cert_path, key_path)


def is_current(system: MemberSystem, cert_path: Path) -> bool:
    """Whether the certificate in this file is the system's, registered, unrevoked and valid
    for another day: one to keep using rather than issue anew."""
    if not cert_path.exists():
        return False
    cert = x509.load_pem_x509_certificates(cert_path.read_bytes())[0]
    return system.credentials.filter(
        kind=ClientCredential.Kind.TLS_CERT, revoked_at__isnull=True,
        cert_fingerprint=mtls.fingerprint(cert.public_bytes(serialization.Encoding.DER)),
        valid_to__gt=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).exists()


def revoke(actor, system: MemberSystem, pki: DemoPki, serial: str = ""
           ) -> list[ClientCredential]:
    """Revoke the system's certificate with this serial (hex), or all of them: the credential
    in the registry (audited) and the certificate on the CA's CRL, which the gateway re-reads.
    Returns the credentials revoked."""
    credentials = list(system.credentials.filter(kind=ClientCredential.Kind.TLS_CERT,
                                                 revoked_at__isnull=True))
    if serial:
        credentials = [c for c in credentials if c.cert_serial.upper() == serial.upper()]
    if not credentials:
        raise ValidationFailed("Hệ thống không có chứng thư TLS nào còn hiệu lực"
                               + (f" với số hiệu {serial}." if serial else "."),
                               code="no_certificate")
    for credential in credentials:
        services.revoke_credential(actor, credential)
        if credential.cert_serial:  # one registered without its serial leaves the CRL as is
            pki.revoke_serial(int(credential.cert_serial, 16), f"lgsp:{system.identifier}")
    return credentials
