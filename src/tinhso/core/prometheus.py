"""/metrics for the operators' Prometheus only: from an allowed address, or with the token.

The counters tell an outsider which pages and queries are hot and how the database behaves;
they are for the province's monitoring, never for the public. A refusal carries no metric.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView

from tinhso.core.clientip import client_ip

FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _bearer_token_matches(request) -> bool:
    token = settings.TINHSO_METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def _address_allowed(request) -> bool:
    # Behind a proxy on this host every request comes from loopback: a forwarded request is
    # believed only through the trusted proxies that core.clientip unwinds.
    if not settings.TINHSO_TRUSTED_PROXIES and any(h in request.META
                                                   for h in FORWARDING_HEADERS):
        return False
    address = client_ip(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(net, strict=False)
               for net in settings.TINHSO_METRICS_ALLOWED_IPS)


@never_cache
def metrics(request):
    if _bearer_token_matches(request) or _address_allowed(request):
        return ExportToDjangoView(request)
    return HttpResponseForbidden("403 Forbidden\n", content_type="text/plain; charset=utf-8")
