"""The officials' petitions API (/api/v1/petitions/): thin wrappers over petitions.selectors
and petitions.services, in the dossiers API's manner (scoped lists, 404 outside the scope,
one POST endpoint per action answering the petition's detail)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from tinhso.core.models import Agency, User

from . import selectors, services
from .models import Petition

REQUIRED = {"required": _("Trường này là bắt buộc."), "blank": _("Không được để trống."),
            "null": _("Không được để trống.")}
ERRORS = {
    400: OpenApiResponse(description="Dữ liệu gửi lên không hợp lệ hoặc trạng thái không cho "
                                     "phép thao tác này."),
    403: OpenApiResponse(description="Không có quyền thực hiện."),
    404: OpenApiResponse(description="Không tìm thấy phản ánh, kiến nghị trong phạm vi được "
                                     "xem."),
}


def _text(*, required=True, help_text=""):
    if required:
        return serializers.CharField(max_length=services.ANSWER_MAX, help_text=help_text,
                                     error_messages=REQUIRED)
    return serializers.CharField(max_length=services.ANSWER_MAX, required=False,
                                 allow_blank=True, default="", help_text=help_text)


# --- Output.

class PetitionListSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True,
                                          help_text="Mã cơ quan đang xử lý.")
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True,
                                            help_text="Tài khoản cán bộ được giao.")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="Đang xử lý và đã quá hạn trả lời.")

    class Meta:
        model = Petition
        fields = ["code", "kind", "title", "status", "status_label", "agency", "assignee",
                  "submitted_at", "due_at", "answered_at", "is_public", "overdue"]

    def get_overdue(self, obj) -> bool:
        return obj.status == Petition.Status.RECEIVED and obj.due_at < timezone.now()


class PetitionDetailSerializer(PetitionListSerializer):
    forwarded_from = serializers.SlugRelatedField(slug_field="code", read_only=True,
                                                  allow_null=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text="Các thao tác người dùng được thực hiện lúc này.")

    class Meta(PetitionListSerializer.Meta):
        fields = [*PetitionListSerializer.Meta.fields, "content", "dossier_code",
                  "submitter_name", "submitter_phone", "submitter_email", "submitter_address",
                  "started_at", "refuse_due_at", "info_due_at", "publish_due_at",
                  "published_at", "closed_on_time", "paused_since", "info_request",
                  "info_requested_at", "info_reply", "info_replied_at", "forwarded_from",
                  "forwarded_at", "forward_note", "answer", "rating", "rated_at",
                  "allowed_actions"]

    def get_allowed_actions(self, obj) -> list[str]:
        return services.offered(self.context["request"].user, obj)


# --- Input.

class PetitionFilterIn(serializers.Serializer):
    status = serializers.ChoiceField(Petition.Status.choices, required=False,
                                     help_text="Trạng thái: received, waiting, answered, "
                                               "refused.")
    queue = serializers.ChoiceField(
        [(q, q) for q in selectors.QUEUES], required=False,
        help_text="open: đang xử lý; unassigned: chưa giao; mine: giao cho tôi; waiting: chờ "
                  "người gửi bổ sung; due_soon: đến hạn trong 2 ngày làm việc; overdue: quá "
                  "hạn; to_publish: đã trả lời, chưa công khai; closed: đã xử lý xong.")


class AssignIn(serializers.Serializer):
    assignee = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True),
        help_text="Tài khoản cán bộ của cơ quan được giao xử lý.",
        error_messages={**REQUIRED, "does_not_exist": _("Không tìm thấy cán bộ “{value}”."),
                        "invalid": _("Tài khoản không hợp lệ.")})

    def service_kwargs(self):
        return {"assignee": self.validated_data["assignee"]}


class AskIn(serializers.Serializer):
    text = _text(help_text="Thông tin cần người gửi bổ sung.")

    def service_kwargs(self):
        return {"text": self.validated_data["text"]}


class RefuseIn(serializers.Serializer):
    reason = _text(help_text="Lý do không tiếp nhận.")

    def service_kwargs(self):
        return {"reason": self.validated_data["reason"]}


class ForwardIn(serializers.Serializer):
    agency = serializers.SlugRelatedField(
        slug_field="code", queryset=Agency.objects.filter(is_active=True),
        help_text="Mã cơ quan có thẩm quyền.",
        error_messages={**REQUIRED, "does_not_exist": _("Không tìm thấy cơ quan có mã "
                                                        "“{value}”."),
                        "invalid": _("Mã không hợp lệ.")})
    note = _text(required=False, help_text="Ghi chú khi chuyển.")

    def service_kwargs(self):
        return {"agency": self.validated_data["agency"], "note": self.validated_data["note"]}


class AnswerIn(serializers.Serializer):
    text = _text(help_text="Nội dung trả lời.")
    publish = serializers.BooleanField(required=False, default=False,
                                       help_text="Công khai câu trả lời ngay.")

    def service_kwargs(self):
        return {"text": self.validated_data["text"], "publish": self.validated_data["publish"]}


class PublishIn(serializers.Serializer):
    def service_kwargs(self):
        return {}


def _action(service: str, input_class, summary: str, description: str):
    """One POST endpoint that validates its input and calls services.<service>."""

    def handler(self, request, code=None):
        petition = selectors.get_for_official(request.user, code)
        form = input_class(data=request.data)
        form.is_valid(raise_exception=True)
        getattr(services, service)(request.user, petition, **form.service_kwargs())
        # Read again as it now stands (after a forwarding, outside the official's list).
        return self._show(Petition.objects.select_related("agency", "assignee",
                                                          "forwarded_from").get(pk=petition.pk))

    handler.__name__ = service
    handler.__doc__ = description
    handler = action(detail=True, methods=["post"], url_path=service.replace("_", "-"))(handler)
    return extend_schema(summary=summary, description=description, request=input_class,
                         responses={200: PetitionDetailSerializer, **ERRORS})(handler)


@extend_schema(tags=["Phản ánh, kiến nghị"])
class PetitionViewSet(viewsets.GenericViewSet):
    """Phản ánh, kiến nghị gửi tới cơ quan của cán bộ: danh sách, chi tiết và xử lý."""

    queryset = Petition.objects.none()  # scoped per official in get_queryset
    serializer_class = PetitionListSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        return selectors.for_official(self.request.user)

    def _show(self, petition: Petition) -> Response:
        return Response(PetitionDetailSerializer(petition,
                                                 context={"request": self.request}).data)

    @extend_schema(summary="Danh sách phản ánh, kiến nghị",
                   description="Phản ánh, kiến nghị của cơ quan cán bộ (toàn tỉnh với cán bộ "
                               "cấp tỉnh), mới gửi trước; lọc theo trạng thái, hàng đợi.",
                   parameters=[PetitionFilterIn],
                   responses={200: PetitionListSerializer(many=True), 400: ERRORS[400]})
    def list(self, request):
        filters = PetitionFilterIn(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = self.get_queryset()
        if filters.validated_data.get("status"):
            qs = qs.filter(status=filters.validated_data["status"])
        if filters.validated_data.get("queue"):
            qs = selectors.in_queue(qs, filters.validated_data["queue"], request.user)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(PetitionListSerializer(page, many=True).data)

    @extend_schema(summary="Chi tiết phản ánh, kiến nghị",
                   description="Nội dung, người gửi, thời hạn, trả lời và các thao tác được "
                               "phép.",
                   responses={200: PetitionDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request, code=None):
        return self._show(selectors.get_for_official(request.user, code))

    assign = _action("assign", AssignIn, "Giao cán bộ xử lý",
                     "Giao phản ánh, kiến nghị cho một cán bộ của cơ quan.")
    ask_for_info = _action("ask_for_info", AskIn, "Yêu cầu bổ sung thông tin",
                           "Yêu cầu người gửi bổ sung thông tin (trong 5 ngày làm việc); thời "
                           "hạn tạm dừng đến khi người gửi bổ sung.")
    refuse = _action("refuse", RefuseIn, "Không tiếp nhận",
                     "Không tiếp nhận, nêu rõ lý do (hạn 2 ngày làm việc).")
    forward = _action("forward", ForwardIn, "Chuyển cơ quan có thẩm quyền",
                      "Chuyển sang cơ quan có thẩm quyền; thời hạn tính lại từ khi chuyển.")
    answer = _action("answer", AnswerIn, "Trả lời",
                     "Trả lời phản ánh, kiến nghị (hạn 15 ngày làm việc).")
    publish = _action("publish", PublishIn, "Công khai câu trả lời",
                      "Công khai câu trả lời trên Cổng (hạn 2 ngày làm việc sau khi trả lời).")
