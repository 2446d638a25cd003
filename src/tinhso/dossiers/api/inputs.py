"""Input shapes of the dossier API, checked at the edge; the rules live in dossiers.lifecycle.

Each action serializer's `service_kwargs()` turns its validated data into the keyword
arguments of the lifecycle function of the same name.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tinhso.catalog.models import Procedure
from tinhso.core.errors import ValidationFailed
from tinhso.core.models import Agency

from ..identifiers import validate_applicant
from ..inputs import ApplicantInput, ComponentInput, ResultInput
from ..models import ApplicantKind, Payment
from ..texts import (
    NOTE_MAX,
    PAPER_NAME_MAX,
    PAYMENT_REFERENCE_MAX,
    REASON_MAX,
    RESULT_NAME_MAX,
    RESULT_NUMBER_MAX,
)
from ..transitions import AMOUNT_MAX

REQUIRED = {"required": _("Trường này là bắt buộc."), "blank": _("Không được để trống."),
            "null": _("Không được để trống.")}
PHONE_RE = r"^(\+84|0)\d{9,10}$"
ID_MAX = 2**63 - 1  # a database id (bigint)


def _by_code(queryset, what, *, required=True, help_text=None):
    return serializers.SlugRelatedField(
        slug_field="code", queryset=queryset, required=required,
        help_text=help_text or _("Mã %(what)s.") % {"what": what},
        error_messages={**REQUIRED,
                        "does_not_exist": _("Không tìm thấy %(what)s có mã “{value}”.")
                        % {"what": what},
                        "invalid": _("Mã không hợp lệ.")},
    )


def _text(max_length=None, *, required=True, help_text=""):
    if required:
        return serializers.CharField(max_length=max_length, help_text=help_text,
                                     error_messages=REQUIRED)
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True,
                                 default="", help_text=help_text)


class ApplicantIn(serializers.Serializer):
    kind = serializers.ChoiceField(ApplicantKind.choices, error_messages=REQUIRED,
                                   help_text=_("Công dân (citizen) hay tổ chức (organisation)."))
    name = _text(255, help_text=_("Họ tên công dân hoặc tên tổ chức."))
    id_number = _text(14, help_text=_("Số định danh cá nhân (12 chữ số) hoặc mã số thuế."))
    phone = serializers.RegexField(
        PHONE_RE, max_length=20, required=False, allow_blank=True, default="",
        error_messages={"invalid": _("Số điện thoại không đúng dạng (ví dụ 0912345678).")},
        help_text=_("Số điện thoại nhận tin nhắn."))
    email = serializers.EmailField(
        required=False, allow_blank=True, default="",
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
        help_text=_("Thư điện tử nhận thông báo."))
    address = _text(255, required=False, help_text=_("Địa chỉ liên hệ."))

    def validate(self, attrs):
        try:
            attrs["id_number"] = validate_applicant(attrs["kind"], attrs["name"],
                                                    attrs["id_number"])
        except ValidationFailed as exc:
            raise serializers.ValidationError({"id_number": [str(exc.message)]}) from exc
        return attrs


class ComponentIn(serializers.Serializer):
    name = _text(PAPER_NAME_MAX, help_text=_("Tên giấy tờ."))
    component_id = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text=_("Mã thành phần hồ sơ trong danh mục thủ tục (nếu có)."))
    is_digitized = serializers.BooleanField(default=False, help_text=_("Giấy tờ đã số hóa."))
    reused_from = _text(100, required=False,
                        help_text=_("Mã giấy tờ trong kho dữ liệu điện tử được tái sử dụng."))


def _components(items) -> list[ComponentInput]:
    return [ComponentInput(**item) for item in items]


def _case_field():
    return serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=ID_MAX,
        error_messages={"invalid": _("Mã trường hợp phải là số."),
                        "min_value": _("Trường hợp đã chọn không thuộc thủ tục này."),
                        "max_value": _("Trường hợp đã chọn không thuộc thủ tục này.")},
        help_text=_("Mã trường hợp (id trong `cases` của thủ tục). Bắt buộc khi thủ tục chia "
                    "trường hợp (nếu thiếu: 400 case_required), không gửi khi thủ tục không "
                    "chia. Giấy tờ, thời hạn và phí, lệ phí theo trường hợp đã chọn."))


class SubmitIn(serializers.Serializer):
    # With its current version: submittable_version then reads nothing more.
    procedure = _by_code(Procedure.objects.select_related("current_version"), _("thủ tục"))
    agency = _by_code(Agency.objects.filter(is_active=True), _("cơ quan"))
    case = _case_field()
    applicant = ApplicantIn(help_text=_(
        "Chủ hồ sơ. Công dân nộp trực tuyến cho chính mình: số định danh phải là của tài khoản "
        "đã đăng nhập (khác thì 403), họ tên lấy theo tài khoản. Giấy tờ tái sử dụng "
        "(reused_from) phải là giấy tờ, kết quả của chính chủ hồ sơ trong kho dữ liệu."))
    components = ComponentIn(many=True, required=False, default=list,
                             help_text=_("Giấy tờ nộp kèm."))
    is_full_online = serializers.BooleanField(
        default=False, help_text=_("Nộp, thanh toán và nhận kết quả hoàn toàn trực tuyến."))

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {"procedure": data["procedure"], "agency": data["agency"],
                "case": data["case"], "applicant": ApplicantInput(**data["applicant"]),
                "components": _components(data["components"]),
                "is_full_online": data["is_full_online"]}


class IntakeIn(SubmitIn):
    agency = _by_code(Agency.objects.filter(is_active=True), _("cơ quan"), required=False,
                      help_text=_("Mã cơ quan tiếp nhận; mặc định là cơ quan của cán bộ."))
    is_full_online = None

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {"procedure": data["procedure"],
                "agency": data.get("agency") or self.context["request"].user.agency,
                "case": data["case"], "applicant": ApplicantInput(**data["applicant"]),
                "components": _components(data["components"])}


# --- Lifecycle actions.


class ActionIn(serializers.Serializer):
    expected_version = serializers.IntegerField(
        required=False, min_value=0,
        help_text=_("Phiên bản hồ sơ đã đọc (lock_version); có thể gửi qua tiêu đề If-Match. "
                    "Khác phiên bản hiện tại thì trả về 409."))

    def service_kwargs(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k != "expected_version"}


class NoteIn(ActionIn):
    note = _text(NOTE_MAX, required=False, help_text=_("Ý kiến, ghi chú."))


class ReasonIn(ActionIn):
    reason = _text(REASON_MAX, help_text=_("Lý do."))


def _assignee(*, required: bool, help_text):
    # A username, checked by the service: one answer whether the account exists or is not
    # eligible, so that accounts cannot be probed through it.
    if required:
        return serializers.CharField(max_length=150, error_messages=REQUIRED,
                                     help_text=help_text)
    return serializers.CharField(max_length=150, required=False, allow_blank=True,
                                 default="", help_text=help_text)


class PassOnIn(NoteIn):
    assignee = _assignee(required=False, help_text=_(
        "Tên đăng nhập của cán bộ nhận bước tiếp theo (cán bộ của cơ quan xử lý bước đó, có "
        "vai trò của bước). Bỏ trống: hệ thống giao cho người có vai trò đó đang ít hồ sơ "
        "nhất; không có ai thì bước chờ trong hàng đợi của đơn vị."))

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {"note": data["note"], "assignee": data["assignee"] or None}


class ReassignIn(ActionIn):
    assignee = _assignee(required=True, help_text=_(
        "Tên đăng nhập của cán bộ được giao: cán bộ của cơ quan đang xử lý, có vai trò của "
        "bước hiện tại."))
    reason = _text(REASON_MAX, help_text=_("Lý do giao lại."))


class TakeOverIn(ActionIn):
    reason = _text(REASON_MAX, required=False, help_text=_(
        "Lý do nhận xử lý thay; bắt buộc khi bước đang được giao cho người khác."))


class TransferIn(NoteIn):
    to_agency = _by_code(Agency.objects.filter(is_active=True), _("cơ quan liên thông"))


class RequestSupplementIn(ActionIn):
    reasons = _text(REASON_MAX, help_text=_("Lý do và các giấy tờ cần bổ sung."))


class SupplementIn(ActionIn):
    components = ComponentIn(many=True, allow_empty=False,
                             help_text=_("Giấy tờ bổ sung."))

    def service_kwargs(self) -> dict:
        return {"components": _components(self.validated_data["components"])}


def _amount():
    message = _("Số tiền phải lớn hơn 0 và không quá 1.000 tỷ đồng.")
    return serializers.IntegerField(min_value=1, max_value=AMOUNT_MAX, error_messages={
        **REQUIRED, "min_value": message, "max_value": message}, help_text=_("Số tiền (đồng)."))


class RequestPaymentIn(NoteIn):
    amount = _amount()


class RecordPaymentIn(ActionIn):
    amount = _amount()
    method = serializers.ChoiceField(Payment.Method.choices, error_messages=REQUIRED,
                                     help_text=_("Hình thức thanh toán."))
    reference = _text(PAYMENT_REFERENCE_MAX, required=False, help_text=_("Mã giao dịch."))


class ResultIn(serializers.Serializer):
    name = _text(RESULT_NAME_MAX, help_text=_("Tên kết quả."))
    number = _text(RESULT_NUMBER_MAX, required=False, help_text=_("Số, ký hiệu."))
    is_electronic = serializers.BooleanField(default=False, help_text=_("Kết quả điện tử."))


class FinishIn(NoteIn):
    results = ResultIn(many=True, required=False, default=list,
                       help_text=_("Kết quả giải quyết."))

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {"note": data["note"], "results": [ResultInput(**r) for r in data["results"]]}


class RateIn(ActionIn):
    rating = serializers.IntegerField(min_value=1, max_value=5, error_messages={
        **REQUIRED, "min_value": _("Mức đánh giá phải từ 1 đến 5."),
        "max_value": _("Mức đánh giá phải từ 1 đến 5.")},
        help_text=_("Mức độ hài lòng, từ 1 đến 5."))
