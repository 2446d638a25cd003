from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from tinhso.catalog import api_urls as catalog_api
from tinhso.core import api_urls as core_api
from tinhso.core.health import healthz
from tinhso.core.prometheus import metrics
from tinhso.documents import api_urls as documents_api
from tinhso.dossiers import api_urls as dossiers_api
from tinhso.exchange import api_urls as exchange_api
from tinhso.metrics import api_urls as metrics_api
from tinhso.petitions import api_urls as petitions_api

admin.site.site_header = admin.site.site_title = "Quản trị Tỉnh số"
admin.site.index_title = "Quản trị hệ thống"

# Requests refused before a view (too big, unreadable, no route, a crash): JSON on the API,
# plain words on the pages.
handler400 = "tinhso.core.bad_request.bad_request"
handler404 = "tinhso.core.bad_request.not_found"
handler500 = "tinhso.core.bad_request.server_error"

# One router gathers every app's routes so that /api/v1/ lists them all.
api_router = DefaultRouter()
for app_urls in (core_api, catalog_api, dossiers_api, metrics_api, petitions_api,
                 exchange_api, documents_api):
    api_router.registry.extend(app_urls.router.registry)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"),
         name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("metrics", metrics, name="prometheus-django-metrics"),  # operators only
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("", include("tinhso.portal.urls")),
    path("verify/", include("tinhso.portal.verify_urls")),  # the QR codes of signed files
    path("office/", include("tinhso.backoffice.urls")),
    path("dashboard/", include("tinhso.metrics.urls")),
    path("lgsp/", include("tinhso.backoffice.lgsp_urls")),
    path("", include("tinhso.core.urls")),
]
if settings.TINHSO_DEMO_IDP:  # the demo's stand-in for VNeID, never mounted in production
    from tinhso.idp.urls import provider_patterns as idp_provider
    from tinhso.notify.views import mailbox

    urlpatterns += [
        path("idp/", include("tinhso.idp.urls")),
        path("idp/", include((idp_provider, "oauth2_provider"))),
        # What the demo's mail sink received (tinhso smtp_sink): demo only, like /idp/.
        path("dev/mail/", mailbox, name="dev_mailbox"),
    ]
