from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "tinhso.exchange"
    label = "exchange"
    verbose_name = _("Nền tảng tích hợp, chia sẻ dữ liệu (LGSP)")
