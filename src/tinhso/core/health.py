"""Liveness and readiness for operators and load balancers."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tinhso import __version__

logger = logging.getLogger(__name__)


@never_cache
@require_safe  # load balancers probe with HEAD as well as GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception as exc:  # any driver error means "not ready"
        logger.warning("health check: database unreachable: %s", exc.__class__.__name__)
        database = f"error: {exc.__class__.__name__}"
    ok = database == "ok"
    body = {
        "status": "ok" if ok else "error",
        "database": database,
        "database_vendor": connection.vendor,
        "version": __version__,
    }
    return JsonResponse(body, status=200 if ok else 503)
