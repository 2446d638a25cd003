from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tinhso.core.health import healthz

admin.site.site_header = admin.site.site_title = "Quản trị Tỉnh số"
admin.site.index_title = "Quản trị hệ thống"

api_v1 = [
    path("", include("tinhso.core.api_urls")),
    path("", include("tinhso.catalog.api_urls")),
    path("", include("tinhso.dossiers.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("django_prometheus.urls")),
    path("", include("tinhso.core.urls")),
]
