"""Forms of the citizens' portal (labels and messages in Vietnamese)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.catalog.models import Sector
from tinhso.core.models import Agency
from tinhso.core.pickers import AgencyChoiceField, QuickSelect
from tinhso.dossiers import texts, uploads
from tinhso.petitions.models import Petition
from tinhso.petitions.services import ANSWER_MAX, CONTENT_MAX
from tinhso.signing import verification

LEVELS = [("", _("Tất cả các cấp")), ("province", _("Cấp tỉnh")), ("commune", _("Cấp xã"))]


def _control(widget, **attrs):
    widget.attrs.update({"class": "form-control", **attrs})
    return widget


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm thủ tục"), required=False, max_length=200,
                        widget=_control(forms.TextInput(), type="search",
                                        placeholder=_("Ví dụ: cấp giấy phép xây dựng")))
    sector = forms.ModelChoiceField(label=_("Lĩnh vực"), required=False,
                                    queryset=Sector.objects.order_by("name"),
                                    to_field_name="code", empty_label=_("Tất cả lĩnh vực"),
                                    widget=QuickSelect)
    agency = AgencyChoiceField(label=_("Cơ quan thực hiện"), required=False,
                                    queryset=Agency.objects.filter(is_active=True)
                                    .order_by("code"),
                                    to_field_name="code", empty_label=_("Tất cả cơ quan"))
    level = forms.ChoiceField(label=_("Cấp thực hiện"), required=False, choices=LEVELS)
    online = forms.BooleanField(label=_("Chỉ thủ tục nộp trực tuyến"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("sector", "agency", "level"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["online"].widget.attrs["class"] = "form-check-input"


class ApplicantForm(forms.Form):
    agency = AgencyChoiceField(
        label=_("Cơ quan tiếp nhận hồ sơ"), queryset=Agency.objects.none(),
        empty_label=_("— Chọn cơ quan —"),
        error_messages={"required": _("Vui lòng chọn cơ quan tiếp nhận hồ sơ."),
                        "invalid_choice": _("Cơ quan đã chọn không thực hiện thủ tục này.")})
    phone = forms.RegexField(
        label=_("Số điện thoại"), regex=r"^\+?[0-9 .]{9,15}$", max_length=20,
        error_messages={"required": _("Vui lòng nhập số điện thoại để nhận thông báo."),
                        "invalid": _("Số điện thoại không hợp lệ.")},
        widget=_control(forms.TextInput(), inputmode="tel", autocomplete="tel"))
    email = forms.EmailField(label=_("Thư điện tử"), required=False,
                             error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
                             widget=_control(forms.EmailInput(), autocomplete="email"))
    address = forms.CharField(label=_("Địa chỉ liên hệ"), required=False, max_length=255,
                              widget=_control(forms.TextInput(),
                                              autocomplete="street-address"))
    use_population_db = forms.BooleanField(
        label=_("Tôi đồng ý để hệ thống tra cứu thông tin của tôi trong Cơ sở dữ liệu quốc gia "
                "về dân cư (điền địa chỉ thường trú nếu để trống, và đối chiếu khi nộp)"),
        required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].widget.attrs["class"] = "form-select"


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"), max_length=texts.REASON_MAX,
        error_messages={"required": _("Vui lòng nêu lý do rút hồ sơ."),
                        "max_length": _("Lý do dài quá %(limit_value)d ký tự.")},
        widget=_control(forms.Textarea(), rows=3))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("5 – Rất hài lòng")), (4, _("4 – Hài lòng")), (3, _("3 – Bình thường")),
                 (2, _("2 – Chưa hài lòng")), (1, _("1 – Không hài lòng"))],
        error_messages={"required": _("Vui lòng chọn mức độ hài lòng.")})


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=40,
                           error_messages={"required": _("Vui lòng nhập mã hồ sơ.")},
                           widget=_control(forms.TextInput(), autocomplete="off",
                                           placeholder="H44.07-261123-0001"))
    fact = forms.CharField(
        label=_("Số định danh cá nhân (hoặc mã số thuế) hoặc số điện thoại của người nộp"),
        max_length=20, error_messages={"required": _("Vui lòng nhập thông tin xác minh.")},
        widget=_control(forms.TextInput(), autocomplete="off"))


class PetitionLookupForm(LookupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Mã phản ánh, kiến nghị")
        self.fields["code"].error_messages["required"] = _("Vui lòng nhập mã phản ánh.")
        self.fields["code"].widget.attrs["placeholder"] = "PA-261123-ABC234"
        self.fields["fact"].label = _("Số điện thoại hoặc số định danh cá nhân đã khai")


class PetitionReplyForm(forms.Form):
    """The petitioner's answer to the agency's request for more information."""

    text = forms.CharField(label=_("Thông tin bổ sung"), max_length=ANSWER_MAX,
                           error_messages={"required": _("Vui lòng nhập thông tin bổ sung.")},
                           widget=_control(forms.Textarea(), rows=4))


class PetitionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=Petition.Kind.choices,
                             widget=forms.RadioSelect)
    title = forms.CharField(label=_("Tiêu đề"), max_length=255,
                            error_messages={"required": _("Vui lòng nhập tiêu đề.")},
                            widget=_control(forms.TextInput()))
    content = forms.CharField(label=_("Nội dung"), max_length=CONTENT_MAX,
                              error_messages={"required": _("Vui lòng nhập nội dung.")},
                              widget=_control(forms.Textarea(), rows=6))
    agency = AgencyChoiceField(label=_("Cơ quan liên quan (nếu biết)"), required=False,
                                    queryset=Agency.objects.filter(is_active=True)
                                    .order_by("code"), empty_label=_("— Không rõ —"))
    dossier_code = forms.CharField(label=_("Mã hồ sơ liên quan (nếu có)"), required=False,
                                   max_length=40, widget=_control(forms.TextInput()))
    name = forms.CharField(label=_("Họ và tên"), max_length=255,
                           error_messages={"required": _("Vui lòng nhập họ và tên.")},
                           widget=_control(forms.TextInput(), autocomplete="name"))
    phone = forms.CharField(label=_("Số điện thoại"), required=False, max_length=20,
                            widget=_control(forms.TextInput(), inputmode="tel",
                                            autocomplete="tel"))
    id_number = forms.CharField(label=_("Số định danh cá nhân"), required=False,
                                max_length=12, widget=_control(forms.TextInput(),
                                                               inputmode="numeric"))
    email = forms.EmailField(label=_("Thư điện tử"), required=False,
                             error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
                             widget=_control(forms.EmailInput(), autocomplete="email"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].widget.attrs["class"] = "form-select"


class PaperUploadField(forms.FileField):
    """A paper upload checked by uploads.validate_paper (type by content, size by setting)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("validators", [uploads.validate_paper])
        kwargs.setdefault("widget", forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": uploads.ACCEPT}))
        super().__init__(**kwargs)


class VerifyCodeForm(forms.Form):
    code = forms.CharField(label=_("Mã tra cứu in trên văn bản"), max_length=40,
                           error_messages={"required": _("Vui lòng nhập mã tra cứu.")},
                           widget=_control(forms.TextInput(), autocomplete="off",
                                           placeholder="7K3M9QX2PD"))


class VerifyUploadForm(forms.Form):
    """A copy of a signed file to check: a PDF, at most the upload limit, read whole."""

    document = forms.FileField(
        label=_("Tệp PDF cần kiểm tra"),
        error_messages={"required": _("Vui lòng chọn tệp PDF cần kiểm tra."),
                        "empty": _("Tệp đã chọn rỗng.")},
        widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                               "accept": ".pdf,application/pdf"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _(
            "Tệp PDF đã ký số, tối đa %(mb)s MB. Tệp chỉ được dùng để kiểm tra, không được "
            "lưu lại.") % {"mb": uploads.max_mb_label()}

    def clean_document(self) -> bytes:
        upload = self.cleaned_data["document"]
        if upload.size > uploads.max_bytes():
            raise forms.ValidationError(
                _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": uploads.max_mb_label()},
                code="file_size")
        data = upload.read()
        if not verification.looks_like_pdf(data):
            raise forms.ValidationError(
                _("Tệp “%(name)s” không phải tệp PDF. Chỉ kiểm tra được chữ ký số của tệp "
                  "PDF.") % {"name": uploads.shown(upload.name)}, code="file_type")
        return data
