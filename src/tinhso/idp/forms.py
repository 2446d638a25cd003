from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import throttle
from .models import Identity


class IdentityLoginForm(forms.Form):
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân"), max_length=12,
        error_messages={"required": _("Vui lòng nhập số định danh cá nhân.")},
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric",
                                      "autocomplete": "username", "autofocus": True}))
    password = forms.CharField(
        label=_("Mật khẩu"), strip=False,
        error_messages={"required": _("Vui lòng nhập mật khẩu.")},
        widget=forms.PasswordInput(attrs={"class": "form-control",
                                          "autocomplete": "current-password"}))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        data = super().clean()
        pid, password = data.get("personal_id", "").strip(), data.get("password")
        if pid and password:
            if throttle.locked(self.request, pid):
                raise forms.ValidationError(
                    _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút."),
                    code="locked_out",
                    params={"minutes": max(1, settings.TINHSO_IDP_LOCKOUT_SECONDS // 60)})
            identity = Identity.objects.filter(personal_id=pid, is_active=True).first()
            if identity is None or not identity.check_password(password):
                throttle.failed(self.request, pid)
                raise forms.ValidationError(
                    _("Số định danh hoặc mật khẩu không đúng."), code="invalid_login")
            throttle.succeeded(self.request, pid)
            data["identity"] = identity
        return data
