"""REST endpoints for dossiers: thin wrappers over dossiers.selectors and dossiers.lifecycle."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from tinhso.core.dates import validate_day
from tinhso.core.errors import ValidationFailed

from .. import access_log, lifecycle, selectors
from ..models import Channel, Dossier
from . import inputs
from .paging import DossierPagination
from .serializers import DossierDetailSerializer, DossierListSerializer

ERRORS = {
    400: OpenApiResponse(description="Dữ liệu gửi lên không hợp lệ."),
    403: OpenApiResponse(description="Không có quyền thực hiện."),
    404: OpenApiResponse(description="Không tìm thấy hồ sơ trong phạm vi được xem."),
    409: OpenApiResponse(description="Trạng thái hồ sơ không cho phép thao tác này, hoặc "
                                     "hồ sơ đã bị người khác thay đổi (phiên bản cũ)."),
}
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Phiên bản hồ sơ đã đọc (giá trị ETag); thay cho expected_version trong thân.")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Khóa chống nộp trùng: gửi lại cùng khóa trả về đúng hồ sơ đã tạo (200).")
MAX_KEY_LENGTH = 80


class DossierFilterIn(serializers.Serializer):
    status = serializers.ChoiceField(Dossier._meta.get_field("status").choices, required=False,
                                     help_text="Mã trạng thái hồ sơ (1–10).")
    procedure = serializers.CharField(required=False, help_text="Mã thủ tục hành chính.")
    agency = serializers.CharField(required=False,
                                   help_text="Mã cơ quan tiếp nhận hoặc đang xử lý.")
    received_from = serializers.DateField(required=False, validators=[validate_day],
                                          help_text="Tiếp nhận từ ngày (YYYY-MM-DD).")
    received_to = serializers.DateField(required=False, validators=[validate_day],
                                        help_text="Tiếp nhận đến hết ngày (YYYY-MM-DD).")
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None,
                                       help_text="true: chỉ hồ sơ quá hạn; false: bỏ hồ sơ "
                                                 "quá hạn.")
    q = serializers.CharField(required=False, help_text=(
        "Tìm theo mã hồ sơ hoặc số định danh (đầy đủ), hoặc một phần mã hồ sơ hay tên chủ hồ "
        "sơ từ 3 ký tự, không phân biệt dấu và chữ hoa: \"nguyen van an\", \"261204\". "
        "Tìm theo một phần: tối đa 200 hồ sơ khớp, mới nộp nhất."))


class WorklistIn(serializers.Serializer):
    bucket = serializers.ChoiceField(
        [(b, b) for b in selectors.BUCKETS],
        help_text="to_receive: chờ tiếp nhận (bộ phận một cửa); processing: đang xử lý, được "
                  "giao cho tôi; due_today, due_soon (trong 2 ngày làm việc), overdue: hồ sơ "
                  "của tôi đến hạn hôm nay, sắp đến hạn, quá hạn (với cán bộ một cửa: cả hồ sơ "
                  "đã tiếp nhận chờ chuyển xử lý); unassigned: hàng đợi của đơn vị, bước xử lý "
                  "chưa giao cho ai (lãnh đạo cơ quan: tất cả; cán bộ khác: các bước có vai "
                  "trò của mình).")


def _expected_version(request, data: dict) -> int | None:
    if data.get("expected_version") is not None:
        return data["expected_version"]
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ValidationFailed(_("Tiêu đề If-Match phải là phiên bản hồ sơ (một số)."),
                               code="invalid_if_match")
    return int(value)


def _lifecycle_action(service: str, input_class, summary: str, description: str):
    """One POST endpoint that validates its input and calls lifecycle.<service>."""

    def handler(self, request, code=None):
        dossier = selectors.get_dossier_for(request.user, code)
        form = input_class(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        updated = getattr(lifecycle, service)(
            request.user, dossier.pk,
            expected_version=_expected_version(request, form.validated_data),
            **form.service_kwargs())
        return self._detail_response(updated.pk)

    handler.__name__ = service
    handler.__doc__ = description
    # action() first: it replaces the function's kwargs, where extend_schema keeps its data.
    handler = action(detail=True, methods=["post"], url_path=service.replace("_", "-"))(handler)
    return extend_schema(summary=summary, description=description, request=input_class,
                         parameters=[IF_MATCH],
                         responses={200: DossierDetailSerializer, **ERRORS})(handler)


@extend_schema(tags=["Hồ sơ"])
class DossierViewSet(viewsets.GenericViewSet):
    """Hồ sơ thủ tục hành chính: tra cứu, nộp và các thao tác xử lý."""

    queryset = Dossier.objects.none()  # scoped per actor in get_queryset
    serializer_class = DossierListSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = DossierPagination
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        return selectors.listing(selectors.dossiers_for(self.request.user))

    def _detail_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        return self._show(selectors.dossier_details(pk, version=False), status_code)

    def _show(self, dossier: Dossier, status_code: int = status.HTTP_200_OK) -> Response:
        """The detail body of a dossier read with its details (or just filed)."""
        allowed = selectors.actions_for(self.request.user, dossier)
        body = DossierDetailSerializer(
            dossier, context={"request": self.request, "allowed_actions": allowed}).data
        return Response(body, status=status_code, headers={"ETag": f'"{dossier.lock_version}"'})

    def _page(self, qs, view: str) -> Response:
        page = self.paginate_queryset(qs)
        access_log.listed(self.request, view=view, rows=len(page))  # officials only
        context = {"request": self.request, "now": timezone.now()}
        return self.get_paginated_response(DossierListSerializer(page, many=True,
                                                                 context=context).data)

    @extend_schema(summary="Danh sách hồ sơ",
                   description="Hồ sơ trong phạm vi người dùng được xem, mới nộp trước.",
                   parameters=[DossierFilterIn], responses={200: DossierListSerializer(many=True),
                                                            400: ERRORS[400]})
    def list(self, request):
        filters = DossierFilterIn(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return self._page(selectors.filter_dossiers(self.get_queryset(), actor=request.user,
                                                    **filters.validated_data), "api.list")

    @extend_schema(summary="Chi tiết hồ sơ",
                   description="Giấy tờ, diễn biến xử lý, kết quả, thanh toán và các thao tác "
                               "được phép.",
                   responses={200: DossierDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request, code=None):
        # One read, with exactly what the body shows.
        dossier = selectors.get_dossier_for(request.user, code, details=True, version=False)
        access_log.viewed(request, dossier)  # officials only
        return self._show(dossier)

    @extend_schema(summary="Nộp hồ sơ trực tuyến",
                   description="Công dân, tổ chức đã đăng nhập nộp hồ sơ. Gửi kèm tiêu đề "
                               "Idempotency-Key để gửi lại an toàn: lần đầu trả 201, các lần "
                               "sau cùng khóa trả 200 với cùng hồ sơ.",
                   request=inputs.SubmitIn, parameters=[IDEMPOTENCY_KEY],
                   responses={201: DossierDetailSerializer, 200: DossierDetailSerializer,
                              **ERRORS})
    def create(self, request):
        form = inputs.SubmitIn(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        at = timezone.now()
        dossier = lifecycle.submit(request.user, channel=Channel.ONLINE,
                                   idempotency_key=self._idempotency_key(request), at=at,
                                   **form.service_kwargs())
        # A replayed key returns the dossier made by the first request, at its own time.
        if dossier.submitted_at == at:  # just filed: shown from memory, papers and event too
            return self._show(dossier, status.HTTP_201_CREATED)
        return self._detail_response(dossier.pk)

    @staticmethod
    def _idempotency_key(request) -> str | None:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return None
        if len(key) > MAX_KEY_LENGTH or not key.isprintable():
            raise ValidationFailed(_("Idempotency-Key tối đa %(n)s ký tự in được.")
                                   % {"n": MAX_KEY_LENGTH}, code="invalid_idempotency_key")
        # Keys are per account: one applicant's key never reaches another's dossier.
        return f"{request.user.pk}:{key}"

    @extend_schema(summary="Tiếp nhận hồ sơ tại bộ phận một cửa",
                   description="Cán bộ một cửa nhập hồ sơ công dân nộp trực tiếp; hồ sơ được "
                               "tiếp nhận ngay và có ngày hẹn trả.",
                   request=inputs.IntakeIn, responses={201: DossierDetailSerializer, **ERRORS})
    @action(detail=False, methods=["post"], url_path="intake")
    def intake(self, request):
        form = inputs.IntakeIn(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        dossier = lifecycle.intake(request.user, **form.service_kwargs())
        return self._detail_response(dossier.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="Danh sách công việc của cán bộ",
                   description="Việc của tôi: các bước xử lý được giao cho cán bộ, hàng đợi "
                               "của bộ phận một cửa và hàng đợi chưa giao của đơn vị.",
                   parameters=[WorklistIn], responses={200: DossierListSerializer(many=True),
                                                       400: ERRORS[400]})
    @action(detail=False, methods=["get"], url_path="worklist")
    def worklist(self, request):
        params = WorklistIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        return self._page(selectors.worklist(request.user, params.validated_data["bucket"]),
                          "api.worklist")

    receive = _lifecycle_action("receive", inputs.NoteIn, "Tiếp nhận hồ sơ",
                                "Tiếp nhận hồ sơ mới đăng ký; hệ thống tính ngày hẹn trả.")
    refuse = _lifecycle_action("refuse", inputs.ReasonIn, "Từ chối tiếp nhận",
                               "Từ chối tiếp nhận hồ sơ, nêu rõ lý do.")
    start = _lifecycle_action("start", inputs.PassOnIn, "Chuyển xử lý",
                              "Chuyển hồ sơ đã tiếp nhận sang bước xử lý đầu tiên và giao "
                              "bước đó cho một cán bộ.")
    forward = _lifecycle_action("forward", inputs.PassOnIn, "Chuyển bước tiếp theo",
                                "Chuyển hồ sơ sang bước tiếp theo của quy trình nội bộ và giao "
                                "bước đó cho một cán bộ. Chỉ người được giao bước hiện tại.")
    transfer = _lifecycle_action("transfer", inputs.TransferIn, "Chuyển liên thông",
                                 "Chuyển hồ sơ sang cơ quan khác xử lý liên thông.")
    transfer_back = _lifecycle_action("transfer_back", inputs.NoteIn,
                                      "Trả về cơ quan tiếp nhận",
                                      "Cơ quan liên thông trả hồ sơ về cơ quan tiếp nhận.")
    request_supplement = _lifecycle_action(
        "request_supplement", inputs.RequestSupplementIn, "Yêu cầu bổ sung",
        "Yêu cầu chủ hồ sơ bổ sung giấy tờ; thời hạn giải quyết tạm dừng.")
    supplement = _lifecycle_action("supplement", inputs.SupplementIn, "Bổ sung hồ sơ",
                                   "Nộp giấy tờ bổ sung; thời hạn giải quyết tiếp tục.")
    request_payment = _lifecycle_action(
        "request_payment", inputs.RequestPaymentIn, "Yêu cầu thực hiện nghĩa vụ tài chính",
        "Yêu cầu chủ hồ sơ nộp phí, lệ phí hoặc nghĩa vụ tài chính.")
    record_payment = _lifecycle_action("record_payment", inputs.RecordPaymentIn,
                                       "Ghi nhận thanh toán",
                                       "Ghi nhận khoản thanh toán của chủ hồ sơ.")
    finish = _lifecycle_action("finish", inputs.FinishIn, "Hoàn thành xử lý",
                               "Kết thúc xử lý và ghi nhận kết quả giải quyết.")
    return_result = _lifecycle_action("return_result", inputs.ActionIn, "Trả kết quả",
                                      "Trả kết quả cho chủ hồ sơ.")
    sign_result = _lifecycle_action(
        "sign_result", inputs.ActionIn, "Ký số kết quả",
        "Lãnh đạo cơ quan ký số các kết quả điện tử (tệp PDF) chờ ký, rồi đóng dấu số của cơ "
        "quan; mỗi tệp mang mã QR và mã tra cứu của trang kiểm tra công khai /verify/.")
    withdraw = _lifecycle_action("withdraw", inputs.ReasonIn, "Rút hồ sơ",
                                 "Chủ hồ sơ rút hồ sơ, nêu lý do.")
    stop = _lifecycle_action("stop", inputs.ReasonIn, "Dừng xử lý",
                             "Dừng xử lý hồ sơ, nêu rõ lý do.")
    rate = _lifecycle_action("rate", inputs.RateIn, "Đánh giá",
                             "Chủ hồ sơ đánh giá mức độ hài lòng sau khi nhận kết quả.")
    reassign = _lifecycle_action(
        "reassign", inputs.ReassignIn, "Giao xử lý",
        "Giao bước xử lý đang mở cho cán bộ khác, nêu lý do. Người đang được giao hoặc lãnh "
        "đạo cơ quan đang xử lý.")
    take_over = _lifecycle_action(
        "take_over", inputs.TakeOverIn, "Nhận xử lý",
        "Cán bộ có vai trò của bước nhận bước xử lý: từ hàng đợi chưa giao của đơn vị, hoặc "
        "thay người đang được giao (khi đó phải nêu lý do).")
