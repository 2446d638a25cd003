"""Synthetic citizens of the demo's OpenID Connect provider, a stand-in for VNeID.

The provider keeps its own credentials and claims. django-oauth-toolkit ties grants and
tokens to an AUTH_USER_MODEL row, so each identity owns one core.User (no usable password):
the same row the relying party later finds by the personal id it is told.
"""

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _


class Identity(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE,
                                related_name="idp_identity")
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    address = models.CharField(_("nơi cư trú"), max_length=255, blank=True)
    password = models.CharField(max_length=255)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("định danh công dân (giả lập)")
        verbose_name_plural = _("định danh công dân (giả lập)")
        ordering = ["personal_id"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.personal_id})"

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return check_password(raw, self.password)

    def claims(self) -> dict:
        return {
            "name": self.full_name, "personal_id": self.personal_id,
            "phone_number": self.phone, "email": self.email,
            "birthdate": self.birth_date.isoformat() if self.birth_date else "",
            "address": {"formatted": self.address} if self.address else {},
        }
