"""Attempts per client address and scope in a window, to keep public lookups from being
used to enumerate codes. Counted in the cache (one server's memory in the demo; a shared
cache such as Redis or the database cache in production)."""

from django.conf import settings
from django.core.cache import cache

from tinhso.core.clientip import client_ip


def client_address(request) -> str:
    # The real client behind trusted proxies, else every citizen would share the proxy's count.
    return client_ip(request) or "unknown"


def allow(request, scope: str) -> bool:
    """Count this attempt; False once the address has used up its attempts."""
    key = f"throttle:{scope}:{client_address(request)}"
    window = settings.TINHSO_LOOKUP_WINDOW_SECONDS
    if cache.add(key, 1, window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, window)
            count = 1
    return count <= settings.TINHSO_LOOKUP_LIMIT
