"""VNPay's checksum (API 2.1.0): `vnp_SecureHash` is HMAC-SHA512, keyed with the merchant's
hash secret, over the query string of every `vnp_` parameter but the hash itself (and the
old `vnp_SecureHashType`), sorted by name, names and values form-encoded (a space as '+'),
joined with '&' and '='; hex-encoded. Orders, the return URL and the IPN are signed alike.

Parameters without a value are left out, as VNPay's own libraries do (it sends none).
"""

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import quote_plus

HASH = "vnp_SecureHash"
HASH_TYPE = "vnp_SecureHashType"  # sent by versions before 2.1.0; never hashed
PREFIX = "vnp_"


def canonical(params: Mapping[str, str]) -> str:
    """The signed text: 'vnp_Amount=1806000&vnp_Command=pay&...' (also the order's query)."""
    return "&".join(f"{quote_plus(key)}={quote_plus(str(params[key]))}"
                    for key in sorted(params)
                    if key.startswith(PREFIX) and key not in (HASH, HASH_TYPE)
                    and str(params[key]) != "")


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), canonical(params).encode(), hashlib.sha512).hexdigest()


def signed(params: Mapping[str, str], secret: str) -> dict[str, str]:
    out = {key: str(value) for key, value in params.items() if str(value) != ""}
    out[HASH] = sign(out, secret)
    return out


def verify(params: Mapping[str, str], secret: str) -> bool:
    given = str(params.get(HASH, "")).lower()
    return bool(given) and hmac.compare_digest(given, sign(params, secret))
