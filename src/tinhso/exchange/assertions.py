"""A province system's side of the gateway: each call to an address under the gateway
proves the system, by a fresh signed assertion or by its TLS client certificate (docs/exchange.md,
"The client's view" and "Mutual TLS").

The one-stop system's adapters (national portal, population database, e-data store, document
axis) keep their own base URL setting; pointing it under TINHSO_LGSP_GATEWAY_URL is all it
takes to route them through the LGSP, and the proof is added here, in one place.
"""

from __future__ import annotations

import json
import ssl
import time
import uuid
from functools import lru_cache
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from django.conf import settings

from .key_ids import key_id


@lru_cache(maxsize=4)
def _key(path: str):
    return serialization.load_pem_private_key(Path(path).read_bytes(), None)


def _algorithm(key) -> str:
    name = type(key).__name__
    if "Ed25519" in name:
        return "EdDSA"
    if "EllipticCurve" in name:
        return "ES384" if key.curve.key_size == 384 else "ES256"
    return "PS256"


@lru_cache(maxsize=8)
def _key_id(key) -> str:
    return key_id(key.public_key())


def assertion(client: str, key, *, lifetime: int = 60) -> str:
    """A JWT accepted once: `jti` is new on every call, so a retry is a new assertion. Its
    header names the key (`kid`), so the gateway checks that key only."""
    now = int(time.time())
    return jwt.encode({"iss": client, "aud": settings.TINHSO_GATEWAY_AUDIENCE, "iat": now,
                       "exp": now + lifetime, "jti": uuid.uuid4().hex}, key,
                      algorithm=_algorithm(key), headers={"kid": _key_id(key)})


def _under_gateway(url: str) -> bool:
    gateway = settings.TINHSO_LGSP_GATEWAY_URL.rstrip("/")
    return bool(gateway) and url.startswith(gateway + "/")


def header_for(url: str) -> dict:
    """{"Authorization": "Bearer …"} for a URL under the configured gateway, else {}; {} too
    when a client certificate proves the system (mutual TLS)."""
    if not _under_gateway(url) or settings.TINHSO_LGSP_CLIENT_CERT:
        return {}
    key = _key(str(settings.TINHSO_LGSP_CLIENT_KEY_FILE))
    return {"Authorization": f"Bearer {assertion(settings.TINHSO_LGSP_CLIENT, key)}"}


def tls_context_for(url: str) -> ssl.SSLContext | None:
    """For an https URL under the gateway, a TLS context trusting TINHSO_LGSP_CA_FILE and
    presenting the client certificate when one is configured; None elsewhere (urllib's own)."""
    if not url.startswith("https:") or not _under_gateway(url):
        return None
    files = (settings.TINHSO_LGSP_CA_FILE, settings.TINHSO_LGSP_CLIENT_CERT,
             settings.TINHSO_LGSP_CLIENT_CERT_KEY)
    # Renewed files at the same paths are read again: their times are part of the key.
    stamps = tuple(Path(f).stat().st_mtime_ns if f else 0 for f in files)
    return _context(*files, stamps)


@lru_cache(maxsize=4)
def _context(cafile: str, cert: str, key: str, _stamps: tuple) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=cafile or None)
    if cert:
        context.load_cert_chain(cert, key or None)
    return context


def refusal(error) -> str:
    """The gateway's own reason in an HTTP error from it (its JSON `message`), else ""; so an
    operator reading a failed sync sees "the LGSP refused: not granted", not just "HTTP 403"."""
    try:
        answer = json.loads(error.read(65536))
    except (OSError, ValueError):
        return ""
    if isinstance(answer, dict) and answer.get("exchange_id") and answer.get("message"):
        return f" (LGSP: {answer['message']})"
    return ""
