"""The gateway's check of a client's JWT assertion (the client's side is exchange.assertions)."""

from __future__ import annotations

import jwt

from .refusal import Refusal
from .snapshot import Registry, algorithms_for


def verify_assertion(token: str, registry: Registry, values: dict, *, audience: str,
                     max_age: int, seen: dict[str, float]) -> str:
    """The client system a JWT assertion proves (issuer registered with a live key, audience
    this gateway, short life, a jti never seen before: `seen` records it); else a Refusal."""
    try:
        unverified = jwt.decode_complete(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise Refusal(401, "invalid_assertion", "JWT xác thực không đọc được.") from None
    claimed, named = unverified["payload"], unverified["header"].get("kid")
    issuer = claimed.get("iss") if isinstance(claimed, dict) else None
    values["client"] = str(issuer)[:130] if issuer else ""
    keys = registry.keys.get(issuer) if isinstance(issuer, str) else None
    if not keys:
        raise Refusal(401, "unknown_client", "Hệ thống khách chưa được đăng ký, đã ngừng "
                      "hoặc không còn khóa xác thực hiệu lực.")
    if named is not None:
        key = keys.get(named) if isinstance(named, str) else None
        if key is None:
            raise Refusal(401, "invalid_assertion", "Khóa ký được nêu trong JWT (kid) không phải "
                          "khóa hiệu lực đã đăng ký của hệ thống khách.")
        candidates = (key,)
    else:
        candidates = keys.values()  # a client that does not name its key: each in turn
    claims = None
    for key in candidates:
        try:
            claims = jwt.decode(token, key, algorithms=algorithms_for(key),
                                audience=audience, issuer=issuer, leeway=5,
                                options={"require": ["exp", "iat", "jti", "iss", "aud"]})
            break
        except jwt.ExpiredSignatureError:
            raise Refusal(401, "assertion_expired", "JWT xác thực đã hết hạn.") from None
        except jwt.InvalidSignatureError:
            continue
        except jwt.InvalidTokenError as exc:
            raise Refusal(401, "invalid_assertion", f"JWT xác thực không hợp lệ "
                          f"({type(exc).__name__}).") from None
    if claims is None:
        raise Refusal(401, "invalid_assertion", "Chữ ký JWT không khớp khóa đã đăng ký "
                      "của hệ thống khách.")
    try:
        lifetime = float(claims["exp"]) - float(claims["iat"])
    except (TypeError, ValueError):
        lifetime = -1
    if not 0 < lifetime <= max_age:
        raise Refusal(401, "invalid_assertion", f"JWT phải có thời hạn ngắn (tối đa "
                      f"{max_age} giây).")
    jti = str(claims["jti"])[:128]
    if not jti:
        raise Refusal(401, "invalid_assertion", "JWT thiếu mã định danh (jti).")
    if jti in seen:
        raise Refusal(401, "assertion_replayed", "JWT này đã được dùng (phát lại bị từ "
                      "chối); mỗi yêu cầu cần một JWT mới.")
    seen[jti] = float(claims["exp"]) + 5
    values["jti"] = jti
    return issuer
