"""The demo's public key infrastructure, made with `cryptography`.

A root CA stands in for the Government Cipher Committee's specialised CA (Ban Cơ yếu Chính
phủ); like the real one it issues through a subordinate CA, which issues personal certificates
to officials and organisation (seal) certificates to agencies, and publishes a CRL. Everything
is kept under one directory (settings.TINHSO_SIGNING_PKI_DIR, var/pki/ by default):

    root.pem root.key   root CA (its key signs only the subordinate CA and root.crl)
    ca.pem ca.key       subordinate CA
    root.crl ca.crl     revocation lists (DER), re-issued when one is revoked or near expiry
    tsa.pem tsa.key     the demo time-stamping authority's certificate (`tinhso tsa`)
    gateway-tls.pem .key  the LGSP gateway's TLS server certificate (chain after it)
    revoked.json        serials revoked so far, with identity and date
    people/<username>.p12   seals/<agency code>.p12

Re-running creates only what is missing. This is a demo: a province's real CA keeps its keys in
an HSM and is never made by this module.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .keys import pkcs12_path

KEY_BITS = 2048
CRL_DAYS = 7
CRL_RENEW_BEFORE = dt.timedelta(days=2)
ROOT_NAME = "Tinh so DEMO Root CA (mo phong CA chuyen dung Chinh phu)"
CA_NAME = "Tinh so DEMO CA - co quan nha nuoc"
# The CAs' names are ASCII, as the real ones are (and within X.520's 64 bytes).
ISSUER_ORG = "Ban Co yeu Chinh phu (mo phong)"
# Where certificates say their CRL is published. Validation never fetches it (the CRLs are
# configured files and embedded data), but a certificate that names no CRL is, to
# pyHanko's soft-fail and hard-fail modes, one that is never checked for revocation.
CRL_BASE = "http://ca.tinhso.invalid/crl/"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _write(path: Path, data: bytes, private: bool = False) -> None:
    """Written beside the target and renamed: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if private:
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _cut(text: str) -> str:
    # X.520 caps CN, O and T at 64 (cryptography counts UTF-8 bytes, and a Vietnamese letter
    # takes two or three): a longer agency name is cut at a character, not refused.
    while len(text.encode()) > 64:
        text = text[:-1]
    return text


def _name(common_name: str, organisation: str, **extra: str) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
             x509.NameAttribute(NameOID.ORGANIZATION_NAME, _cut(organisation))]
    if extra.get("title"):
        attrs.append(x509.NameAttribute(NameOID.TITLE, _cut(extra["title"])))
    if extra.get("uid"):
        attrs.append(x509.NameAttribute(NameOID.USER_ID, extra["uid"]))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, _cut(common_name)))
    return x509.Name(attrs)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


@dataclass
class Authority:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey


def _ca_cert(subject: x509.Name, key, issuer: Authority | None, years: int,
             path_length: int) -> x509.Certificate:
    now = _now()
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(issuer.cert.subject if issuer else subject)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1))
               .not_valid_after(now + dt.timedelta(days=365 * years))
               .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), True)
               .add_extension(x509.KeyUsage(
                   digital_signature=False, content_commitment=False, key_encipherment=False,
                   data_encipherment=False, key_agreement=False, key_cert_sign=True,
                   crl_sign=True, encipher_only=False, decipher_only=False), True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              False))
    if issuer:
        builder = (builder
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       issuer.key.public_key()), False)
                   .add_extension(_crl_point("root"), False))
    return builder.sign(issuer.key if issuer else key, hashes.SHA256())


def _crl_point(stem: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints([x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(f"{CRL_BASE}{stem}.crl")],
        relative_name=None, reasons=None, crl_issuer=None)])


def _load_authority(folder: Path, stem: str) -> Authority | None:
    cert_path, key_path = folder / f"{stem}.pem", folder / f"{stem}.key"
    if not (cert_path.exists() and key_path.exists()):
        return None
    return Authority(x509.load_pem_x509_certificate(cert_path.read_bytes()),
                     serialization.load_pem_private_key(key_path.read_bytes(), None))


def _save_authority(folder: Path, stem: str, authority: Authority) -> None:
    _write(folder / f"{stem}.key", authority.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()), private=True)
    _write(folder / f"{stem}.pem", authority.cert.public_bytes(serialization.Encoding.PEM))


class DemoPki:
    """One PKI directory: its root and subordinate CA, created on first use."""

    def __init__(self, folder: str | Path, *, root_name: str = ROOT_NAME,
                 ca_name: str = CA_NAME, organisation: str = ISSUER_ORG):
        self.folder = Path(folder)
        self.created: list[str] = []
        self.root = _load_authority(self.folder, "root")
        if self.root is None:
            key = _new_key()
            self.root = Authority(_ca_cert(_name(root_name, organisation), key, None, 20, 1), key)
            _save_authority(self.folder, "root", self.root)
            self.created.append("root.pem")
        self.ca = _load_authority(self.folder, "ca")
        if self.ca is None or self.ca.cert.issuer != self.root.cert.subject:
            key = _new_key()
            self.ca = Authority(_ca_cert(_name(ca_name, organisation), key, self.root, 10, 0),
                                key)
            _save_authority(self.folder, "ca", self.ca)
            self.created.append("ca.pem")
        self.publish_crls()

    # --- end-entity certificates
    def _end_entity(self, subject: x509.Name, key) -> x509.Certificate:
        now = _now()
        return (x509.CertificateBuilder()
                .subject_name(subject)
                .issuer_name(self.ca.cert.subject)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=3 * 365))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
                .add_extension(x509.KeyUsage(
                    digital_signature=True, content_commitment=True, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=False,
                    crl_sign=False, encipher_only=False, decipher_only=False), True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                               False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.ca.key.public_key()), False)
                .add_extension(_crl_point("ca"), False)
                .sign(self.ca.key, hashes.SHA256()))

    def _issue(self, identity: str, subject: x509.Name, password: str, force: bool) -> Path:
        path = pkcs12_path(identity, self.folder)
        if path.exists() and not force:
            return path
        key = _new_key()
        cert = self._end_entity(subject, key)
        encryption = (serialization.BestAvailableEncryption(password.encode()) if password
                      else serialization.NoEncryption())
        _write(path, pkcs12.serialize_key_and_certificates(
            identity.encode(), key, cert, [self.ca.cert], encryption), private=True)
        self.created.append(str(path.relative_to(self.folder)))
        return path

    def issue_person(self, username: str, full_name: str, position: str, organisation: str,
                     password: str, force: bool = False) -> Path:
        """A personal signing certificate for an official (CN the name, T the position)."""
        return self._issue(f"person:{username}", _name(
            full_name, organisation, title=position, uid=username), password, force)

    def issue_seal(self, agency_code: str, agency_name: str, password: str,
                   force: bool = False) -> Path:
        """An organisation certificate: the agency's seal signature (CN and O the agency)."""
        return self._issue(f"seal:{agency_code}", _name(
            agency_name, agency_name, uid=agency_code), password, force)

    def issue_tsa(self, force: bool = False) -> Authority:
        """The time-stamping authority's certificate: timeStamping its only (critical) use."""
        existing = _load_authority(self.folder, "tsa")
        if existing is not None and not force and existing.cert.issuer == self.ca.cert.subject:
            return existing
        key = _new_key()
        now = _now()
        cert = (x509.CertificateBuilder()
                .subject_name(_name("Tinh so DEMO TSA", ISSUER_ORG))
                .issuer_name(self.ca.cert.subject)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=5 * 365))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
                .add_extension(x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.TIME_STAMPING]),
                               True)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.ca.key.public_key()), False)
                .add_extension(_crl_point("ca"), False)
                .sign(self.ca.key, hashes.SHA256()))
        tsa = Authority(cert, key)
        _save_authority(self.folder, "tsa", tsa)
        self.created.append("tsa.pem")
        return tsa

    # --- TLS certificates (the LGSP gateway's mutual TLS): EC P-256 keys, cheap handshakes
    def _tls_cert(self, subject: x509.Name, key, usage, not_before: dt.datetime,
                  not_after: dt.datetime, names=()) -> x509.Certificate:
        builder = (x509.CertificateBuilder()
                   .subject_name(subject)
                   .issuer_name(self.ca.cert.subject)
                   .public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(not_before)
                   .not_valid_after(not_after)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
                   .add_extension(x509.KeyUsage(
                       digital_signature=True, content_commitment=False,
                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                       key_cert_sign=False, crl_sign=False, encipher_only=False,
                       decipher_only=False), True)
                   .add_extension(x509.ExtendedKeyUsage([usage]), True)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       self.ca.key.public_key()), False)
                   .add_extension(_crl_point("ca"), False))
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(list(names)), False)
        return builder.sign(self.ca.key, hashes.SHA256())

    def issue_tls_client(self, identifier: str, *, not_before: dt.datetime | None = None,
                         not_after: dt.datetime | None = None, days: int = 365):
        """A client system's certificate for mutual TLS: CN its identifier
        (GOV/000.00.00.H44/MOTCUA), TLS client authentication its only use. Returns (key,
        certificate); the caller hands the key to the system and registers the certificate."""
        key = ec.generate_private_key(ec.SECP256R1())
        start = not_before or _now() - dt.timedelta(minutes=5)
        cert = self._tls_cert(_name(identifier, ISSUER_ORG, uid=identifier), key,
                              ExtendedKeyUsageOID.CLIENT_AUTH, start,
                              not_after or start + dt.timedelta(days=days))
        return key, cert

    def issue_tls_server(self, hosts=("127.0.0.1", "localhost"), stem: str = "gateway-tls",
                         force: bool = False) -> Path:
        """The gateway's server certificate for `hosts` (names or IP addresses), written as
        <stem>.pem (certificate then the subordinate CA) and <stem>.key; clients trust root.pem."""
        import ipaddress

        path = self.folder / f"{stem}.pem"
        if path.exists() and not force:
            current = x509.load_pem_x509_certificate(path.read_bytes())
            if current.issuer == self.ca.cert.subject and current.not_valid_after_utc > _now():
                return path
        names = []
        for host in hosts:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        key = ec.generate_private_key(ec.SECP256R1())
        now = _now()
        cert = self._tls_cert(_name(hosts[0], ISSUER_ORG), key, ExtendedKeyUsageOID.SERVER_AUTH,
                              now - dt.timedelta(days=1), now + dt.timedelta(days=2 * 365),
                              names)
        _write(self.folder / f"{stem}.key", key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()), private=True)
        _write(path, cert.public_bytes(serialization.Encoding.PEM)
               + self.ca.cert.public_bytes(serialization.Encoding.PEM))
        self.created.append(f"{stem}.pem")
        return path

    # --- revocation
    def _revoked(self) -> dict:
        path = self.folder / "revoked.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def revoke(self, certificate: x509.Certificate, identity: str = "") -> None:
        self.revoke_serial(certificate.serial_number, identity)

    def revoke_serial(self, serial: int, identity: str = "") -> None:
        """Put a certificate the subordinate CA issued on ca.crl (re-published now)."""
        revoked = self._revoked()
        revoked[str(serial)] = {"identity": identity, "date": _now().isoformat()}
        _write(self.folder / "revoked.json", json.dumps(revoked, indent=1).encode())
        self.publish_crls(force=True)

    def publish_crls(self, force: bool = False) -> None:
        """root.crl (covers the subordinate CA) and ca.crl (covers officials and seals),
        re-issued when missing, forced, or within CRL_RENEW_BEFORE of their next update."""
        now = _now()
        for stem, authority, entries in (("root", self.root, {}),
                                         ("ca", self.ca, self._revoked())):
            path = self.folder / f"{stem}.crl"
            if path.exists() and not force:
                current = x509.load_der_x509_crl(path.read_bytes())
                if (current.issuer == authority.cert.subject
                        and current.next_update_utc - now > CRL_RENEW_BEFORE):
                    continue
            builder = (x509.CertificateRevocationListBuilder()
                       .issuer_name(authority.cert.subject)
                       .last_update(now - dt.timedelta(minutes=5))
                       .next_update(now + dt.timedelta(days=CRL_DAYS))
                       .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                           authority.key.public_key()), False)
                       .add_extension(x509.CRLNumber(int(now.timestamp() * 1000)), False))
            for serial, info in entries.items():
                builder = builder.add_revoked_certificate(
                    x509.RevokedCertificateBuilder().serial_number(int(serial))
                    .revocation_date(dt.datetime.fromisoformat(info["date"])).build())
            crl = builder.sign(authority.key, hashes.SHA256())
            _write(path, crl.public_bytes(serialization.Encoding.DER))
            if f"{stem}.crl" not in self.created:
                self.created.append(f"{stem}.crl")

    @property
    def trust_root_path(self) -> Path:
        return self.folder / "root.pem"

    @property
    def crl_paths(self) -> list[Path]:
        return [self.folder / "root.crl", self.folder / "ca.crl"]
