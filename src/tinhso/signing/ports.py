"""Where keys live: the port every signature goes through.

A signer holds one key and its certificate. It never hands out the key: it signs a digest
(RSA PKCS#1 v1.5 over a hash computed here), which is all a SIM or HSM signer does too. So a
file key, a remote signing service and, later, a token behind PKCS#11 are interchangeable.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cryptography import x509

from tinhso.core.errors import DomainError

HASH_ALGORITHMS = ("sha256", "sha384", "sha512")


class SigningError(DomainError):
    """The key could not sign (missing, locked, refused by the remote service)."""

    status = 503
    code = "signing_failed"
    default_message = "Không ký được: khóa ký không sẵn sàng."


@runtime_checkable
class Signer(Protocol):
    def certificate_chain(self) -> list[x509.Certificate]:
        """The signer's certificate first, then its issuers (the root may be left out)."""
        ...

    def sign_digest(self, digest: bytes, hash_algorithm: str = "sha256") -> bytes:
        """An RSA PKCS#1 v1.5 signature over a digest already computed with hash_algorithm."""
        ...
