"""The officials' documents API (/api/v1/documents/): thin wrappers over documents.selectors
and documents.services, in the manner of the dossiers and petitions APIs (scoped lists, 404
outside the scope, one POST endpoint per action answering the document's detail).

Lists page by key: each answer carries `next_before`, the id to pass as `before` for the
next page; a list never carries text bodies (content, files' text)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from tinhso.core.models import Agency, User

from . import policy, selectors, services
from .models import Document, DocumentEvent, DocumentFile, Recipient
from .types import DocumentType

ERRORS = {
    400: OpenApiResponse(description="Dữ liệu không hợp lệ."),
    403: OpenApiResponse(description="Không có quyền thực hiện."),
    404: OpenApiResponse(description="Không tìm thấy văn bản trong phạm vi được xem."),
    409: OpenApiResponse(description="Trạng thái văn bản không cho phép thao tác này."),
}
REQUIRED = {"required": _("Trường này là bắt buộc."), "blank": _("Không được để trống.")}


class DocumentListSerializer(serializers.ModelSerializer):
    # Plain strings in the schema: "status" enums of every app would collide by name.
    status = serializers.CharField(read_only=True, help_text="Trạng thái (mã).")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                            allow_null=True)

    class Meta:
        model = Document
        fields = ["id", "direction", "status", "status_label", "doc_type", "notation", "number",
                  "number_year", "subject", "sender_name", "priority", "issued_at",
                  "received_at", "due_at", "assignee", "updated_at"]


class DocumentFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentFile
        fields = ["id", "kind", "version", "name", "sha256", "size", "created_at"]


class DocumentRecipientSerializer(serializers.ModelSerializer):
    # Empty for an organ outside the province: organ_id names it.
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Recipient
        fields = ["agency", "organ_id", "name", "state", "state_at", "state_note"]


class DocumentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentEvent
        fields = ["at", "actor_name", "action", "from_status", "to_status", "note"]


class DocumentDetailSerializer(DocumentListSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    files = serializers.SerializerMethodField()
    recipients = DocumentRecipientSerializer(many=True, read_only=True)
    events = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(DocumentListSerializer.Meta):
        fields = [*DocumentListSerializer.Meta.fields, "agency", "content", "signer_name",
                  "sender_organ_id", "direction_note", "assigned_unit", "completed_at",
                  "recalled_at", "source", "response_for", "main_file", "files", "recipients",
                  "events", "allowed_actions"]

    def get_files(self, obj) -> list[dict]:
        return DocumentFileSerializer(selectors.files_of(obj), many=True).data

    def get_events(self, obj) -> list[dict]:
        return DocumentEventSerializer(selectors.history(obj), many=True).data

    def get_allowed_actions(self, obj) -> list[str]:
        return policy.offered(self.context["request"].user, obj)


class DocumentPageOut(serializers.Serializer):
    results = DocumentListSerializer(many=True)
    next_before = serializers.IntegerField(allow_null=True)


class DocumentListIn(serializers.Serializer):
    direction = serializers.ChoiceField(Document.Direction.choices, required=False,
                                        default=Document.Direction.OUTGOING)
    queue = serializers.CharField(required=False, default="", allow_blank=True)
    before = serializers.IntegerField(required=False, min_value=1)


class DocumentSearchIn(serializers.Serializer):
    q = serializers.CharField(max_length=200, error_messages=REQUIRED)
    direction = serializers.ChoiceField(Document.Direction.choices, required=False,
                                        default="")
    before = serializers.IntegerField(required=False, min_value=1)


class DocumentExternalIn(serializers.Serializer):
    organ_id = serializers.CharField(max_length=50)
    name = serializers.CharField(max_length=255)


class DocumentDraftIn(serializers.Serializer):
    doc_type = serializers.ChoiceField(DocumentType.choices)
    subject = serializers.CharField(max_length=services.SUBJECT_MAX, error_messages=REQUIRED)
    content = serializers.CharField(max_length=services.CONTENT_MAX, error_messages=REQUIRED,
                                    help_text="Nội dung: tinhso dàn trang thành bản dự thảo PDF.")
    priority = serializers.IntegerField(min_value=0, max_value=4, default=0)
    drafting_unit = serializers.CharField(max_length=30, required=False, default="",
                                          allow_blank=True)
    recipients = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, default=list,
        queryset=Agency.objects.filter(is_active=True), help_text="Mã cơ quan nhận trong tỉnh.")
    external = DocumentExternalIn(many=True, required=False, default=list,
                          help_text="Nơi nhận ngoài tỉnh (qua trục liên thông).")
    response_for = serializers.IntegerField(required=False, allow_null=True, default=None,
                                            help_text="Văn bản đến được trả lời.")


class DocumentNoteIn(serializers.Serializer):
    note = serializers.CharField(max_length=services.NOTE_MAX, required=False, default="",
                                 allow_blank=True)

    def kwargs(self):
        return {"note": self.validated_data["note"]}


class DocumentRequiredNoteIn(DocumentNoteIn):
    note = serializers.CharField(max_length=services.NOTE_MAX, error_messages=REQUIRED)


class DocumentEmptyIn(serializers.Serializer):
    def kwargs(self):
        return {}


class DocumentRecallIn(serializers.Serializer):
    reason = serializers.CharField(max_length=services.NOTE_MAX, error_messages=REQUIRED)

    def kwargs(self):
        return {"reason": self.validated_data["reason"]}


class DocumentRecipientsIn(serializers.Serializer):
    recipients = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, default=list,
        queryset=Agency.objects.filter(is_active=True),
        help_text="Mã cơ quan trong tỉnh được thêm vào nơi nhận.")
    external = DocumentExternalIn(many=True, required=False, default=list,
                                  help_text="Nơi nhận ngoài tỉnh được thêm.")
    remove = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                   default=list, help_text="Mã (id) các nơi nhận cần bỏ.")
    reason = serializers.CharField(max_length=services.NOTE_MAX, error_messages=REQUIRED)

    def kwargs(self):
        d = self.validated_data
        return {"agencies": list(d["recipients"]), "remove": d["remove"],
                "external": [(e["organ_id"], e["name"]) for e in d["external"]],
                "reason": d["reason"]}


class DocumentAssignIn(serializers.Serializer):
    assignee = serializers.SlugRelatedField(slug_field="username",
                                            queryset=User.objects.filter(is_active=True))
    unit = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    days = serializers.IntegerField(min_value=1, max_value=services.MAX_DUE_DAYS, default=10)
    note = serializers.CharField(max_length=services.NOTE_MAX, required=False, default="",
                                 allow_blank=True)

    def kwargs(self):
        return dict(self.validated_data)


def _action(service: str, input_class, summary: str):
    def handler(self, request, pk=None):
        document = selectors.get_for_official(request.user, pk)
        form = input_class(data=request.data)
        form.is_valid(raise_exception=True)
        getattr(services, service)(request.user, document, **form.kwargs())
        return self._show(selectors.get_for_official(request.user, pk))

    handler.__name__ = service
    handler = action(detail=True, methods=["post"], url_path=service.replace("_", "-"))(handler)
    return extend_schema(summary=summary, request=input_class,
                         responses={200: DocumentDetailSerializer, **ERRORS})(handler)


def _page(rows, next_key) -> dict:
    return {"results": DocumentListSerializer(rows, many=True).data, "next_before": next_key}


class PageSchema(AutoSchema):
    """The list answers one page object ({results, next_before}), not an array of rows."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


@extend_schema(tags=["Văn bản"])
class DocumentViewSet(viewsets.GenericViewSet):
    """Văn bản đi, văn bản đến của cơ quan cán bộ: danh sách, tìm kiếm, chi tiết, xử lý."""

    queryset = Document.objects.none()
    serializer_class = DocumentListSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = None
    schema = PageSchema()

    def _show(self, document):
        return Response(DocumentDetailSerializer(document,
                                                 context={"request": self.request}).data)

    @extend_schema(summary="Danh sách văn bản", operation_id="v1_documents_list",
                   description="Văn bản đi (direction=out) hoặc đến (in), mới nhất trước; "
                               "hàng đợi: drafts, in_review, to_sign, issued, recalled (đi); "
                               "to_register, to_direct, to_assign, in_progress, mine, "
                               "due_soon, overdue, completed (đến). Trang sau: before="
                               "next_before.",
                   parameters=[DocumentListIn], responses={200: DocumentPageOut, 400: ERRORS[400]})
    def list(self, request):
        form = DocumentListIn(data=request.query_params)
        form.is_valid(raise_exception=True)
        d = form.validated_data
        read = selectors.outgoing if d["direction"] == "out" else selectors.incoming
        return Response(_page(*read(request.user, queue=d["queue"], before=d.get("before"))))

    @extend_schema(summary="Tìm kiếm văn bản",
                   description="Trong trích yếu, số ký hiệu, cơ quan ban hành và nội dung tệp; "
                               "không phân biệt dấu, hoa thường; khớp một phần.",
                   parameters=[DocumentSearchIn],
                   responses={200: DocumentPageOut, 400: ERRORS[400]})
    @action(detail=False, methods=["get"])
    def search(self, request):
        form = DocumentSearchIn(data=request.query_params)
        form.is_valid(raise_exception=True)
        d = form.validated_data
        return Response(_page(*selectors.search(request.user, d["q"], direction=d["direction"],
                                                before=d.get("before"))))

    @extend_schema(summary="Chi tiết văn bản",
                   responses={200: DocumentDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request, pk=None):
        return self._show(selectors.get_for_official(request.user, pk))

    @extend_schema(summary="Soạn văn bản đi",
                   description="Dự thảo từ nội dung (tinhso dàn trang PDF); nơi nhận trong và "
                               "ngoài tỉnh.",
                   request=DocumentDraftIn, responses={201: DocumentDetailSerializer, **ERRORS})
    def create(self, request):
        form = DocumentDraftIn(data=request.data)
        form.is_valid(raise_exception=True)
        d = form.validated_data
        document = services.create_draft(request.user, services.DraftInput(
            doc_type=d["doc_type"], subject=d["subject"], content=d["content"],
            priority=d["priority"], drafting_unit=d["drafting_unit"],
            recipient_agencies=list(d["recipients"]),
            external_recipients=[(e["organ_id"], e["name"]) for e in d["external"]],
            response_for=d["response_for"]))
        response = self._show(selectors.get_for_official(request.user, document.pk))
        response.status_code = 201
        return response

    submit = _action("submit", DocumentNoteIn, "Trình thẩm định")
    review = _action("review", DocumentNoteIn, "Thẩm định đạt, trình lãnh đạo")
    approve = _action("approve", DocumentNoteIn, "Duyệt văn bản")
    send_back = _action("send_back", DocumentRequiredNoteIn, "Trả lại để sửa")
    sign = _action("sign", DocumentEmptyIn, "Ký số (khóa cá nhân của lãnh đạo)")
    seal = _action("seal", DocumentEmptyIn, "Đóng dấu số của cơ quan")
    issue = _action("issue", DocumentEmptyIn, "Cấp số và phát hành")
    recall = _action("recall", DocumentRecallIn, "Thu hồi văn bản")
    update_recipients = _action("update_recipients", DocumentRecipientsIn,
                                "Cập nhật nơi nhận của văn bản đã phát hành")
    register = _action("register", DocumentEmptyIn, "Vào sổ văn bản đến")
    direct = _action("direct", DocumentRequiredNoteIn, "Ý kiến chỉ đạo")
    assign = _action("assign", DocumentAssignIn, "Giao xử lý")
    complete = _action("complete", DocumentNoteIn, "Hoàn thành xử lý")

