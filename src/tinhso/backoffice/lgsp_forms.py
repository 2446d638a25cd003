"""Forms of the LGSP operator's pages (/lgsp/): shapes and the models' own field checks only;
every rule of the registry is in exchange.services, whose refusals are put back on the form
(`show_refusal`)."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import DomainError
from tinhso.exchange import selectors
from tinhso.exchange.models import MemberSystem, Service
from tinhso.exchange.services import METHODS

from .forms import REQUIRED, StyledForm


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):  # a province's providers are often http://
        kwargs["assume_scheme"] = "http"
    return model_field.formfield(**kwargs)


def _from_model(model, *names) -> dict:
    """The model's form fields (labels, limits and validators in one place), required
    messages in the house's words."""
    fields = forms.fields_for_model(model, fields=names, formfield_callback=_formfield)
    for name, field in fields.items():
        field.error_messages.update(REQUIRED)
        # The model's own validators (identifier segments, bounds) answer on the form too.
        have = {type(v) for v in field.validators}
        field.validators += [v for v in model._meta.get_field(name).validators
                             if type(v) not in have]
    return fields


def show_refusal(form, error: DomainError) -> None:
    """A service's refusal on the form: on the fields it names, else above the form."""
    placed = False
    for name, messages in (error.details or {}).items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


class _ModelFieldsForm(StyledForm):
    model = None
    names: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in _from_model(self.model, *self.names).items():
            self.fields[name] = field
        self.order_fields(self.names)
        self.style()


class SystemForm(_ModelFieldsForm):
    model = MemberSystem
    names = ("member_class", "member_code", "subsystem", "name", "is_national")


class SystemEditForm(_ModelFieldsForm):
    model = MemberSystem
    names = ("name", "is_active")


class ServiceForm(_ModelFieldsForm):
    model = Service
    names = ("code", "version", "name", "protocol", "description", "rest_exposure",
             "base_url", "timeout_ms", "rate_limit", "burst")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs.update(rows=8, spellcheck="false")
        self.fields["description"].help_text = _(
            "Dán nội dung OpenAPI (REST) hoặc WSDL (SOAP). Bắt buộc là WSDL nếu mở dịch vụ "
            "SOAP cho hệ thống khách REST.")
        self.fields["base_url"].help_text = _("Địa chỉ cổng chuyển tiếp tới, ví dụ "
                                              "http://10.0.0.5:8220")


class ServiceEditForm(ServiceForm):
    names = tuple(n for n in ServiceForm.names if n not in ("code", "version"))


class CredentialForm(StyledForm):
    public_key_pem = forms.CharField(
        label=_("Khóa công khai (PEM)"), error_messages=REQUIRED, max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_("Khóa Ed25519, EC P-256/P-384 hoặc RSA từ 2048 bit, dạng "
                    "-----BEGIN PUBLIC KEY-----. Hệ thống khách giữ khóa bí mật."))


class GrantForm(StyledForm):
    client = forms.ModelChoiceField(
        label=_("Hệ thống khách"), queryset=None, to_field_name="identifier",
        error_messages={**REQUIRED, "invalid_choice": _("Hệ thống khách không có trong danh "
                                                        "sách.")})
    method = forms.ChoiceField(label=_("Phương thức"), required=False,
                               choices=[("", _("Mọi phương thức")),
                                        *((m, m) for m in METHODS)])
    path_prefix = forms.CharField(label=_("Tiền tố đường dẫn"), required=False,
                                  max_length=200,
                                  help_text=_("Ví dụ: /units. Để trống: mọi đường dẫn."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["client"]
        field.queryset = selectors.systems().filter(is_active=True)
        field.label_from_instance = lambda s: f"{s.identifier} — {s.name}"


DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LogFilterForm(StyledForm):
    # Free text with suggestions: the log also names clients that are not registered (the
    # refused `unknown_client`) and services since removed.
    client = forms.CharField(label=_("Hệ thống khách"), required=False, max_length=130,
                             widget=forms.TextInput(attrs={"list": "log-clients"}),
                             help_text=_("Định danh, ví dụ GOV/000.00.00.H41/MOTCUA"))
    service = forms.CharField(label=_("Dịch vụ"), required=False, max_length=215,
                              widget=forms.TextInput(attrs={"list": "log-services"}))
    outcome = forms.ChoiceField(label=_("Kết quả"), required=False)
    since = forms.DateField(label=_("Từ ngày"), required=False, widget=DAY)
    until = forms.DateField(label=_("Đến ngày"), required=False, widget=DAY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            ("", _("Tất cả")), ("ok", selectors.OUTCOMES["ok"]),
            (selectors.REFUSED, _("Bị từ chối (mọi lý do)")),
            *((code, f"{label} ({code})") for code, label in selectors.OUTCOMES.items()
              if code != "ok")]

    def suggestions(self) -> dict:
        return {"clients": selectors.systems().values_list("identifier", flat=True),
                "services": selectors.all_services().values_list("identifier", flat=True)}

    def clean(self):
        data = super().clean()
        for name in ("client", "service"):
            data[name] = (data.get(name) or "").strip()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return data
