"""Failed sign-ins at the demo provider, counted in the cache per personal id and per client
address: past either limit the form refuses before it looks at the password, so a password
cannot be found by trying (the real VNeID has limits of its own)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from tinhso.core.clientip import client_ip


def client_address(request) -> str:
    return client_ip(request) or "unknown"  # the real client behind trusted proxies


def _counters(request, personal_id: str) -> list[tuple[str, int]]:
    return [(f"idp-failures:id:{personal_id}", settings.TINHSO_IDP_FAILURE_LIMIT),
            (f"idp-failures:addr:{client_address(request)}",
             settings.TINHSO_IDP_ADDRESS_FAILURE_LIMIT)]


def locked(request, personal_id: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _counters(request, personal_id))


def failed(request, personal_id: str) -> None:
    window = settings.TINHSO_IDP_LOCKOUT_SECONDS
    for key, _limit in _counters(request, personal_id):
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, window)


def succeeded(request, personal_id: str) -> None:
    # Only the account's count: one known password must not reset an address's guesses.
    cache.delete(_counters(request, personal_id)[0][0])
