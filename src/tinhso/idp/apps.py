from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdpConfig(AppConfig):
    name = "tinhso.idp"
    label = "idp"
    verbose_name = _("Nhà cung cấp định danh mẫu (giả lập VNeID)")
