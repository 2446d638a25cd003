"""The configured trust: root certificates and revocation lists, read from files.

Validation never goes to the network: what it trusts and what it knows of revocation is
what the operator put in TINHSO_SIGNING_TRUST_ROOTS and TINHSO_SIGNING_CRLS, plus the
revocation data a signature carries with it (LTV). Files are re-read when they change, so a
new CRL is used without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings

_name_equal = asn1_x509.Name.__eq__
_name_hashable = asn1_x509.Name.hashable.fget
_KEPT = 4096
_equalities: dict[tuple[bytes, bytes], bool] = {}
_hashables: dict[bytes, str] = {}


def _kept(cache: dict, key, compute):
    try:
        return cache[key]
    except KeyError:
        if len(cache) >= _KEPT:
            cache.clear()
        value = cache[key] = compute()
        return value


def _equal_names(self, other) -> bool:
    if not isinstance(other, asn1_x509.Name):
        return False
    # The sequence's own encoding: a name inside a GeneralName carries an outer tag too.
    key = (self.chosen.dump(), other.chosen.dump())
    return key[0] == key[1] or _kept(_equalities, key, lambda: _name_equal(self, other))


# Certificate names compare, and are looked up, under RFC 4518's string preparation (mapping,
# NFKC, the prohibited tables), which asn1crypto computes again for every certificate it
# parses. Every validation parses the same few signers, CAs and CRL issuers anew and compares
# their names hundreds of times: about a fifth of validating a sealed PDF. Both are functions
# of the names' encodings alone, so their results are kept by encoding; two names encoded
# alike are equal without preparing either (pyHanko compares issuers the same way), and a
# name the preparation refuses still raises, every time, when compared with another.
asn1_x509.Name.__eq__ = _equal_names
asn1_x509.Name.hashable = property(
    lambda self: _kept(_hashables, self.chosen.dump(), lambda: _name_hashable(self)))


@dataclass(frozen=True)
class Trust:
    roots: tuple[asn1_x509.Certificate, ...]
    crls: tuple[asn1_crl.CertificateList, ...]


def asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _der_items(data: bytes) -> list[bytes]:
    if pem.detect(data):
        return [der for _type, _headers, der in pem.unarmor(data, multiple=True)]
    return [data]


@lru_cache(maxsize=32)
def _read(root_paths: tuple[str, ...], crl_paths: tuple[str, ...],
          _stamps: tuple[int, ...]) -> Trust:
    roots = [asn1_x509.Certificate.load(der)
             for path in root_paths for der in _der_items(Path(path).read_bytes())]
    crls = [asn1_crl.CertificateList.load(der)
            for path in crl_paths for der in _der_items(Path(path).read_bytes())]
    return Trust(tuple(roots), tuple(crls))


def configured_trust(roots: list | None = None, crls: list | None = None) -> Trust:
    """The trust roots and CRLs from settings (or those given); missing files are skipped,
    so a deployment without the demo PKI simply trusts nothing until configured."""
    root_paths = tuple(str(p) for p in (roots if roots is not None
                                        else settings.TINHSO_SIGNING_TRUST_ROOTS)
                       if Path(p).is_file())
    crl_paths = tuple(str(p) for p in (crls if crls is not None
                                       else settings.TINHSO_SIGNING_CRLS)
                      if Path(p).is_file())
    stamps = tuple(Path(p).stat().st_mtime_ns for p in root_paths + crl_paths)
    return _read(root_paths, crl_paths, stamps)
