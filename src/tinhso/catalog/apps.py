from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "tinhso.catalog"
    label = "catalog"
    verbose_name = _("Danh mục thủ tục hành chính")
