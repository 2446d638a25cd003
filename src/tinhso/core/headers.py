"""Headers on every response: a Content-Security-Policy on HTML pages, and `no-store` wherever
personal data may be shown, so that an injected script cannot run and a shared or back-button
cache keeps no copy of an official's or a citizen's page."""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import add_never_cache_headers

# Scripts come from this site only (every template loads them from static files; Swagger UI is
# served in its split form, its start-up script a file too). Styles may be inline: htmx inserts
# its indicator style, and Bootstrap, ECharts, Swagger UI and the admin set style attributes;
# CSS cannot run code. `data:` images are Bootstrap's and Swagger UI's icons.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
])
# The back office, the admin and the API show personal data to whoever is signed in.
NO_STORE_PREFIXES = ("/office/", "/admin/", "/api/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.get("Content-Type", "").startswith("text/html")
                and "Content-Security-Policy" not in response):
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        # A session cookie means someone may be signed in (a citizen's own pages): decided
        # from the cookie, so the hot path pays no session or user query for it.
        if (request.path.startswith(NO_STORE_PREFIXES)
                or settings.SESSION_COOKIE_NAME in request.COOKIES):
            add_never_cache_headers(response)
        return response
