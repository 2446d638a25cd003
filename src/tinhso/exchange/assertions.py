"""A province system's side of the gateway: each call to an address under the gateway
carries a fresh signed assertion (docs/exchange.md, "The client's view").

The one-stop system's adapters (national portal, population database, e-data store) keep
their own base URL setting; pointing it under TINHSO_LGSP_GATEWAY_URL is all it takes to
route them through the LGSP, and the assertion is added here, in one place.
"""

from __future__ import annotations

import json
import time
import uuid
from functools import lru_cache
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from django.conf import settings


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


def assertion(client: str, key, *, lifetime: int = 60) -> str:
    """A JWT accepted once: `jti` is new on every call, so a retry is a new assertion."""
    now = int(time.time())
    return jwt.encode({"iss": client, "aud": settings.TINHSO_GATEWAY_AUDIENCE, "iat": now,
                       "exp": now + lifetime, "jti": uuid.uuid4().hex}, key,
                      algorithm=_algorithm(key))


def header_for(url: str) -> dict:
    """{"Authorization": "Bearer …"} for a URL under the configured gateway, else {}."""
    gateway = settings.TINHSO_LGSP_GATEWAY_URL.rstrip("/")
    if not gateway or not url.startswith(gateway + "/"):
        return {}
    key = _key(str(settings.TINHSO_LGSP_CLIENT_KEY_FILE))
    return {"Authorization": f"Bearer {assertion(settings.TINHSO_LGSP_CLIENT, key)}"}


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
