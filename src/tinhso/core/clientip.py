"""The real client address of a request: one answer for lock-outs, the audit log and throttles.

Behind a reverse proxy every request arrives from the proxy's address, so keying anything on
REMOTE_ADDR would treat all citizens and officials as one client. X-Forwarded-For cannot be
believed either when anyone may send it. The rule: start from REMOTE_ADDR; while the address
in hand is a trusted proxy (settings.TINHSO_TRUSTED_PROXIES), step one hop left in
X-Forwarded-For (proxies append the address they received from). The first untrusted address
is the client. With no trusted proxy configured X-Forwarded-For is never read.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in configured)


def _parse(text: str) -> IPAddress | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.5:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the IPv4 client.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def client_ip(request) -> str | None:
    """The client's address in canonical text, or None when the request carries none."""
    if request is None:
        return None
    request = getattr(request, "_request", request)  # a DRF Request: its HttpRequest
    meta = request.META
    address = _parse(meta.get("REMOTE_ADDR") or "")
    if address is None:
        return None
    trusted = _networks(tuple(settings.TINHSO_TRUSTED_PROXIES))
    if trusted:
        hops = [h for h in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
        while hops and any(address in net for net in trusted):
            previous = _parse(hops.pop())
            if previous is None:  # a garbled hop: stop at the last address we could trust
                break
            address = previous
    return str(address)
