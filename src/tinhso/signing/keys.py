"""Key stores behind the Signer port: a PKCS#12 file here; the remote signer is in
tinhso.integrations.remote_signing. `signer_for` picks one from settings."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.utils.module_loading import import_string

from .ports import HASH_ALGORITHMS, Signer, SigningError

_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


def prehashed(hash_algorithm: str) -> utils.Prehashed:
    if hash_algorithm not in HASH_ALGORITHMS:
        raise SigningError(f"Thuật toán băm không được hỗ trợ: {hash_algorithm}.")
    return utils.Prehashed(_HASHES[hash_algorithm]())


def digest_of(data: bytes, hash_algorithm: str = "sha256") -> bytes:
    if hash_algorithm not in HASH_ALGORITHMS:
        raise SigningError(f"Thuật toán băm không được hỗ trợ: {hash_algorithm}.")
    return hashlib.new(hash_algorithm, data).digest()


class Pkcs12Signer:
    """A key and its chain in a PKCS#12 (.p12) file: the demo's and the tests' key store."""

    def __init__(self, path: str | Path, password: str | bytes | None):
        path = Path(path)
        if isinstance(password, str):
            password = password.encode()
        try:
            bundle = pkcs12.load_pkcs12(path.read_bytes(), password)
        except FileNotFoundError:
            raise SigningError(f"Không tìm thấy tệp khóa ký {path.name}.") from None
        except ValueError:
            raise SigningError(f"Không mở được tệp khóa ký {path.name} (sai mật khẩu?).") from None
        if not isinstance(bundle.key, rsa.RSAPrivateKey) or bundle.cert is None:
            raise SigningError(f"Tệp khóa ký {path.name} không chứa khóa RSA và chứng thư.")
        self._key = bundle.key
        self._chain = [bundle.cert.certificate,
                       *(c.certificate for c in bundle.additional_certs)]

    def certificate_chain(self) -> list[x509.Certificate]:
        return list(self._chain)

    def sign_digest(self, digest: bytes, hash_algorithm: str = "sha256") -> bytes:
        return self._key.sign(digest, padding.PKCS1v15(), prehashed(hash_algorithm))


def person_identity(username: str) -> str:
    return f"person:{username}"


def seal_identity(agency_code: str) -> str:
    return f"seal:{agency_code}"


def pkcs12_path(identity: str, base: Path | None = None) -> Path:
    """Where the file key store keeps an identity's key: people/<username>.p12 or
    seals/<agency code>.p12 under the PKI directory."""
    kind, _, name = identity.partition(":")
    folder = {"person": "people", "seal": "seals"}.get(kind)
    if folder is None or not name or "/" in name or name.startswith("."):
        raise SigningError(f"Định danh khóa ký không hợp lệ: {identity}.")
    return Path(base or settings.TINHSO_SIGNING_PKI_DIR) / folder / f"{name}.p12"


class Pkcs12KeyStore:
    """identity -> Pkcs12Signer, from the PKI directory (the demo's `make_demo_pki`)."""

    def signer(self, identity: str) -> Signer:
        path = pkcs12_path(identity)
        return _load_pkcs12(str(path), path.stat().st_mtime_ns if path.exists() else 0,
                            settings.TINHSO_SIGNING_PKCS12_PASSWORD)


@lru_cache(maxsize=256)
def _load_pkcs12(path: str, _mtime: int, password: str) -> Pkcs12Signer:
    # Opening a .p12 costs a key derivation; a re-issued file (new mtime) is read again.
    return Pkcs12Signer(path, password)


def signer_for(identity: str) -> Signer:
    """The configured key store's signer for "person:<username>" or "seal:<agency code>"."""
    store = import_string(settings.TINHSO_SIGNING_KEY_STORE)()
    return store.signer(identity)
