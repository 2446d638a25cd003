"""Forms of the back office. They check shapes; the rules stay in dossiers.lifecycle."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from tinhso.core.dates import EARLIEST, LATEST, validate_day
from tinhso.core.errors import ValidationFailed
from tinhso.core.pickers import AgencyChoiceField
from tinhso.dossiers import texts
from tinhso.dossiers.identifiers import validate_applicant
from tinhso.dossiers.inputs import ApplicantInput, ComponentInput, ResultInput
from tinhso.dossiers.models import ApplicantKind, Payment, Status
from tinhso.dossiers.selectors import BUCKETS
from tinhso.dossiers.transitions import AMOUNT_MAX
from tinhso.dossiers.uploads import ACCEPT, validate_paper

REQUIRED = {"required": _("Trường này là bắt buộc.")}
DAY = forms.DateInput(attrs={"type": "date", "min": EARLIEST.isoformat(),
                             "max": LATEST.isoformat()})
PHONE = RegexValidator(r"^(\+84|0)\d{9,10}$",
                       _("Số điện thoại không đúng dạng (ví dụ 0912345678)."))


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, and aria-invalid/aria-describedby on errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.RadioSelect):
                css = ""
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"


def _file_field(label, *, required=False):
    return forms.FileField(label=label, required=required, validators=[validate_paper],
                           error_messages=REQUIRED,
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))


# --- Search and filters.


class DossierFilterForm(StyledForm):
    q = forms.CharField(label=_("Mã hồ sơ, tên hoặc số định danh chủ hồ sơ"), required=False,
                        max_length=255)
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False, max_length=30)
    status = forms.TypedChoiceField(label=_("Trạng thái"), required=False, coerce=int,
                                    empty_value=None,
                                    choices=[("", _("Tất cả")), *list(Status.choices)])
    received_from = forms.DateField(label=_("Tiếp nhận từ ngày"), required=False,
                                    validators=[validate_day], widget=DAY)
    received_to = forms.DateField(label=_("Đến ngày"), required=False,
                                  validators=[validate_day], widget=DAY)
    overdue = forms.TypedChoiceField(
        label=_("Hạn xử lý"), required=False, empty_value=None,
        coerce=lambda v: v == "1",
        choices=[("", _("Tất cả")), ("1", _("Chỉ hồ sơ quá hạn")), ("0", _("Không quá hạn"))])
    bucket = forms.ChoiceField(label=_("Danh sách công việc"), required=False,
                               choices=[("", "")] + [(b, b) for b in BUCKETS],
                               widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data

    def filters(self) -> dict:
        data = self.cleaned_data
        return {key: data.get(key) for key in ("q", "procedure", "status", "received_from",
                                               "received_to", "overdue")}


# --- Desk intake.


class ApplicantForm(StyledForm):
    applicant_kind = forms.ChoiceField(label=_("Loại chủ hồ sơ"), choices=ApplicantKind.choices,
                                       initial=ApplicantKind.CITIZEN, widget=forms.RadioSelect,
                                       error_messages=REQUIRED)
    applicant_name = forms.CharField(label=_("Họ tên công dân / tên tổ chức"), max_length=255,
                                     error_messages=REQUIRED)
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân (12 số) hoặc mã số thuế"), max_length=14,
        error_messages=REQUIRED, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    applicant_phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False,
                                      validators=[PHONE],
                                      widget=forms.TextInput(attrs={"type": "tel"}))
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False,
                                       error_messages={"invalid": _("Thư điện tử không hợp lệ.")})
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)

    def clean(self):
        data = super().clean()
        if {"applicant_kind", "applicant_name", "applicant_id_number"} <= data.keys():
            try:
                data["applicant_id_number"] = validate_applicant(
                    data["applicant_kind"], data["applicant_name"], data["applicant_id_number"])
            except ValidationFailed as exc:
                self.add_error("applicant_id_number", str(exc.message))
        return data

    def applicant(self) -> ApplicantInput:
        d = self.cleaned_data
        return ApplicantInput(kind=d["applicant_kind"], name=d["applicant_name"].strip(),
                              id_number=d["applicant_id_number"], phone=d["applicant_phone"],
                              email=d["applicant_email"], address=d["applicant_address"])


def validate_token(value: str) -> None:
    if not value.isalnum():
        raise ValidationError(_("Phiên làm việc không hợp lệ, vui lòng tải lại trang."))


class IntakeForm(ApplicantForm):
    """Applicant plus one row per catalogue component: received, scanned file, digitised."""

    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64,
                                       validators=[validate_token])
    # The desk's look-up in the national population database this applicant came from.
    population_lookup = forms.IntegerField(widget=forms.HiddenInput, required=False,
                                           min_value=1, max_value=2**63 - 1)

    def __init__(self, *args, components=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.components = list(components)
        for c in self.components:
            self.fields[f"received_{c.pk}"] = forms.BooleanField(
                label=_("Đã nhận"), required=False, initial=c.is_required)
            self.fields[f"file_{c.pk}"] = _file_field(_("Bản quét"))
            self.fields[f"digitized_{c.pk}"] = forms.BooleanField(
                label=_("Đã số hóa"), required=False)
        self.style()
        for c in self.components:  # each row's short labels are named after its paper
            for prefix in ("received", "file", "digitized"):
                field = self.fields[f"{prefix}_{c.pk}"]
                field.widget.attrs["aria-label"] = f"{field.label}: {c.name}"
                field.widget.attrs["aria-describedby"] = f"component-{c.pk}-name"

    def rows(self):
        """(component, received field, file field, digitised field) for the template."""
        return [(c, self[f"received_{c.pk}"], self[f"file_{c.pk}"], self[f"digitized_{c.pk}"])
                for c in self.components]

    def clean(self):
        data = super().clean()
        for c in self.components:
            received = data.get(f"received_{c.pk}")
            upload = data.get(f"file_{c.pk}")
            if c.is_required and not received:
                self.add_error(f"received_{c.pk}",
                               _("“%(name)s” là thành phần bắt buộc.") % {"name": c.name})
            if upload and not received:
                self.add_error(f"received_{c.pk}",
                               _("Đã tải bản quét thì đánh dấu “Đã nhận”."))
            if data.get(f"digitized_{c.pk}") and not upload:
                self.add_error(f"file_{c.pk}", _("Giấy tờ số hóa cần có bản quét."))
        return data

    def component_inputs(self) -> list[ComponentInput]:
        d = self.cleaned_data
        return [ComponentInput(name=c.name, component_id=c.pk, file=d.get(f"file_{c.pk}"),
                               is_digitized=bool(d.get(f"digitized_{c.pk}")))
                for c in self.components if d.get(f"received_{c.pk}")]


# --- Actions on a dossier: one form per lifecycle service, `service_kwargs()` its arguments.


class ActionForm(StyledForm):
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0,
        error_messages={"required": _("Thiếu phiên bản hồ sơ đã xem; vui lòng tải lại trang."),
                        "invalid": _("Phiên bản hồ sơ không hợp lệ; vui lòng tải lại trang.")})

    def service_kwargs(self) -> dict:
        return {}


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Ý kiến, ghi chú"), required=False, max_length=texts.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self) -> dict:
        return {"note": self.cleaned_data["note"]}


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Lý do"), error_messages=REQUIRED,
                             max_length=texts.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class SupplementRequestForm(ActionForm):
    reasons = forms.CharField(label=_("Lý do và các giấy tờ cần bổ sung"),
                              max_length=texts.REASON_MAX,
                              error_messages=REQUIRED, widget=forms.Textarea(attrs={"rows": 4}))

    def service_kwargs(self) -> dict:
        return {"reasons": self.cleaned_data["reasons"]}


class OfficialChoiceField(forms.ModelChoiceField):
    """An official, shown with the open dossiers they hold (selectors.assignee_choices)."""

    def label_from_instance(self, user):
        name = user.full_name or user.username
        load = getattr(user, "open_load", None)
        if load is None:
            return name
        return _("%(name)s (đang xử lý %(n)s hồ sơ)") % {"name": name, "n": load}


def _official_field(label, *, required):
    return OfficialChoiceField(
        label=label, queryset=None, required=required,
        empty_label=(_("— Chọn cán bộ —") if required else
                     _("Tự động: người có vai trò của bước đang ít hồ sơ nhất")),
        error_messages={**REQUIRED, "invalid_choice": _("Cán bộ được chọn không hợp lệ.")})


class PassOnForm(NoteForm):
    """Start or forward: the step it opens goes to the official chosen, or by default."""

    field_order = ["assignee", "note"]
    assignee = _official_field(_("Giao bước tiếp theo cho"), required=False)

    def __init__(self, *args, officials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officials

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "assignee": self.cleaned_data["assignee"]}


class ReassignForm(ReasonForm):
    field_order = ["assignee", "reason"]
    assignee = _official_field(_("Giao cho cán bộ"), required=True)

    def __init__(self, *args, officials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officials

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "assignee": self.cleaned_data["assignee"]}


class TakeOverForm(ActionForm):
    reason = forms.CharField(label=_("Lý do (bắt buộc khi nhận thay người đang được giao)"),
                             required=False, max_length=texts.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class TransferForm(NoteForm):
    field_order = ["to_agency", "note"]
    to_agency = AgencyChoiceField(
        label=_("Cơ quan nhận liên thông"), queryset=None, empty_label=_("— Chọn cơ quan —"),
        error_messages={**REQUIRED, "invalid_choice": _("Cơ quan liên thông không hợp lệ.")})

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = targets

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "to_agency": self.cleaned_data["to_agency"]}


def _amount_field():
    out_of_range = _("Số tiền phải lớn hơn 0 và không quá 1.000 tỷ đồng.")
    return forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1, max_value=AMOUNT_MAX,
                              error_messages={**REQUIRED, "min_value": out_of_range,
                                              "max_value": out_of_range,
                                              "invalid": _("Nhập số tiền bằng chữ số.")})


class PaymentRequestForm(NoteForm):
    field_order = ["amount", "note"]
    amount = _amount_field()

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "amount": self.cleaned_data["amount"]}


class DeskPaymentForm(ActionForm):
    amount = _amount_field()
    reference = forms.CharField(label=_("Số biên lai"), required=False,
                                max_length=texts.PAYMENT_REFERENCE_MAX)

    def service_kwargs(self) -> dict:
        return {"amount": self.cleaned_data["amount"], "method": Payment.Method.DESK,
                "reference": self.cleaned_data["reference"]}


class FinishForm(NoteForm):
    field_order = ["result_name", "result_number", "is_electronic", "result_file", "note"]
    result_name = forms.CharField(label=_("Tên kết quả giải quyết"),
                                  max_length=texts.RESULT_NAME_MAX,
                                  error_messages=REQUIRED)
    result_number = forms.CharField(label=_("Số, ký hiệu"), required=False,
                                    max_length=texts.RESULT_NUMBER_MAX)
    # An unsigned PDF waits for the leader's signature (lifecycle.sign_result).
    is_electronic = forms.BooleanField(label=_("Kết quả điện tử (tệp PDF, lãnh đạo ký số)"),
                                       required=False)
    result_file = _file_field(_("Tệp kết quả"))  # required for an electronic result: lifecycle

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        result = ResultInput(name=d["result_name"], number=d["result_number"],
                             is_electronic=d["is_electronic"], file=d.get("result_file"))
        return {**super().service_kwargs(), "results": [result]}


class SupplementForm(ActionForm):
    """Papers the applicant brings to the desk after a supplement request."""

    paper_name = forms.CharField(label=_("Tên giấy tờ bổ sung"), max_length=500,
                                 error_messages=REQUIRED)
    paper_file = _file_field(_("Bản quét"))  # required for a digitised paper: lifecycle
    is_digitized = forms.BooleanField(label=_("Đã số hóa"), required=False)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"components": [ComponentInput(name=d["paper_name"], file=d.get("paper_file"),
                                              is_digitized=d["is_digitized"])]}

