from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "tinhso.metrics"
    label = "metrics"
    verbose_name = _("Chỉ số phục vụ người dân, doanh nghiệp")

    def ready(self) -> None:
        from . import receivers  # noqa: F401
