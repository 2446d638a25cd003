"""A public key's identifier: its JWK thumbprint (RFC 7638), the `kid` a client names in its
assertion's header so that the gateway checks that one key, not each of the client's keys in
turn (a client rotating its key has two; each check costs a signature verification)."""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.hazmat.primitives import serialization
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

# RFC 7638 §3.2: the members that define each kind of key, and only those.
_MEMBERS = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n")}


def key_id(public_key) -> str:
    name = type(public_key).__name__
    algorithm = (OKPAlgorithm if "Ed25519" in name or "Ed448" in name
                 else ECAlgorithm if "EllipticCurve" in name else RSAAlgorithm)
    jwk = algorithm.to_jwk(public_key, as_dict=True)
    members = {m: jwk[m] for m in _MEMBERS[jwk["kty"]]}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True)
                            .encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def pem_key_id(pem: str) -> str:
    """The key id of a PEM public key; empty when the PEM holds no key this can read."""
    try:
        return key_id(serialization.load_pem_public_key(pem.encode()))
    except (ValueError, TypeError, KeyError):
        return ""
