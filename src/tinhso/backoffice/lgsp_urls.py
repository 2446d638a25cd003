"""The LGSP operator's pages, mounted at /lgsp/."""

from django.urls import path

from .views import lgsp

app_name = "lgsp"

urlpatterns = [
    path("", lgsp.systems, name="systems"),
    path("systems/new/", lgsp.system_new, name="system_new"),
    path("systems/<int:pk>/", lgsp.system_detail, name="system"),
    path("systems/<int:pk>/keys/", lgsp.credential_add, name="credential_add"),
    path("systems/<int:pk>/services/new/", lgsp.service_new, name="service_new"),
    path("keys/<int:pk>/revoke/", lgsp.credential_revoke, name="credential_revoke"),
    path("services/<int:pk>/", lgsp.service_detail, name="service"),
    path("services/<int:pk>/edit/", lgsp.service_edit, name="service_edit"),
    path("services/<int:pk>/active/", lgsp.service_active, name="service_active"),
    path("services/<int:pk>/grant/", lgsp.grant, name="grant"),
    path("rights/<int:pk>/revoke/", lgsp.revoke, name="revoke"),
    path("log/", lgsp.message_log, name="log"),
]
