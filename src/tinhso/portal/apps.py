from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "tinhso.portal"
    label = "portal"
    verbose_name = _("Cổng dịch vụ công")

    def ready(self) -> None:
        # Citizens sign in here: the check that their provider is configured (tinhso.E001).
        from tinhso.integrations import identity  # noqa: F401
