from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "tinhso.metrics"
    label = "metrics"
    verbose_name = _("Chỉ số phục vụ người dân, doanh nghiệp")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import receivers  # noqa: F401

        post_migrate.connect(ensure_refresh_state, sender=self)


def ensure_refresh_state(using="default", **kwargs) -> None:
    """The refresh state's single row, there from migrate on (and after a test flush): a
    change then marks a refresh as requested in one statement (tasks.request_refresh)."""
    from .models import RefreshState

    RefreshState.objects.using(using).get_or_create(pk=1)
