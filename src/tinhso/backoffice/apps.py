from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "tinhso.backoffice"
    label = "backoffice"
    verbose_name = _("Một cửa điện tử (cán bộ)")
