"""Signed query strings, as VNPay-style gateways sign them: HMAC-SHA512 over the sorted,
URL-encoded parameters (the signature itself left out), hex-encoded."""

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import quote_plus

SIGNATURE = "signature"


def canonical(params: Mapping[str, str]) -> str:
    return "&".join(f"{key}={quote_plus(str(params[key]))}"
                    for key in sorted(params) if key != SIGNATURE and params[key] != "")


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), canonical(params).encode(), hashlib.sha512).hexdigest()


def signed(params: Mapping[str, str], secret: str) -> dict[str, str]:
    out = {key: str(value) for key, value in params.items()}
    out[SIGNATURE] = sign(out, secret)
    return out


def verify(params: Mapping[str, str], secret: str) -> bool:
    given = str(params.get(SIGNATURE, ""))
    return bool(given) and hmac.compare_digest(given, sign(params, secret))
