"""What the API shows of a dossier (read side only)."""

import copy

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    Payment,
    Result,
    SupplementRequest,
)
from ..selectors import CLOCK_RUNNING
from ..transitions import Action


class DossierErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã lỗi máy đọc, ví dụ transition_not_allowed.")
    message = serializers.CharField(help_text="Thông báo lỗi bằng tiếng Việt.")
    details = serializers.JSONField(required=False, help_text="Lỗi theo từng trường dữ liệu.")


class RefSerializer(serializers.Serializer):
    """An agency or a procedure named by its code."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ShownModelSerializer(serializers.ModelSerializer):
    """A read-only ModelSerializer that introspects its model once per class, not per use.

    ModelSerializer builds its fields from the model's metadata every time it is
    instantiated (a few milliseconds per detail response); the fields of a class never
    change, so they are built once and copied, as DRF copies declared fields anyway.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)


class DossierListSerializer(ShownModelSerializer):
    procedure = RefSerializer(read_only=True, help_text="Thủ tục hành chính.")
    agency = RefSerializer(read_only=True, help_text="Cơ quan tiếp nhận.")
    current_agency = RefSerializer(read_only=True, help_text="Cơ quan đang xử lý.")
    # Plain text here: the enum is documented once, on the submission's input.
    applicant_kind = serializers.CharField(read_only=True,
                                           help_text="citizen: công dân; organisation: tổ chức.")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    is_overdue = serializers.SerializerMethodField(
        help_text="Hồ sơ đang giải quyết và đã quá ngày hẹn trả.")

    class Meta:
        model = Dossier
        fields = [
            "code", "procedure", "agency", "current_agency", "applicant_kind", "applicant_name",
            "status", "status_label", "channel", "channel_label", "is_full_online",
            "submitted_at", "received_at", "due_at", "finished_at", "returned_at", "closed_at",
            "is_overdue",
        ]
        read_only_fields = fields

    def get_is_overdue(self, dossier: Dossier) -> bool:
        now = self.context.get("now") or timezone.now()
        return bool(dossier.status in CLOCK_RUNNING and dossier.due_at and dossier.due_at < now)


class ComponentOutSerializer(ShownModelSerializer):
    has_file = serializers.SerializerMethodField(help_text="Đã đính kèm tệp.")

    class Meta:
        model = DossierComponent
        fields = ["id", "component", "name", "is_digitized", "reused_from", "is_supplement",
                  "added_at", "has_file"]
        read_only_fields = fields

    def get_has_file(self, component: DossierComponent) -> bool:
        return bool(component.file)


class EventSerializer(ShownModelSerializer):
    action_label = serializers.SerializerMethodField()
    agency = RefSerializer(read_only=True)
    # Plain numbers: the status enum is documented once, on the dossier's `status`.
    from_status = serializers.IntegerField(read_only=True, allow_null=True,
                                           help_text="Trạng thái trước thao tác.")
    to_status = serializers.IntegerField(read_only=True, help_text="Trạng thái sau thao tác.")

    class Meta:
        model = DossierEvent
        fields = ["at", "action", "action_label", "from_status", "to_status", "agency",
                  "actor_name", "note", "data"]
        read_only_fields = fields

    def get_action_label(self, event: DossierEvent) -> str:
        try:
            return str(Action(event.action).label)
        except ValueError:
            return event.action


class ResultOutSerializer(ShownModelSerializer):
    class Meta:
        model = Result
        fields = ["id", "name", "number", "is_electronic", "issued_at"]
        read_only_fields = fields


class PaymentOutSerializer(ShownModelSerializer):
    method_label = serializers.CharField(source="get_method_display", read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "amount", "method", "method_label", "reference", "paid_at"]
        read_only_fields = fields


class SupplementRequestOutSerializer(ShownModelSerializer):
    class Meta:
        model = SupplementRequest
        fields = ["id", "requested_at", "reasons", "resolved_at", "paused_seconds"]
        read_only_fields = fields


class DossierStepSerializer(serializers.Serializer):
    order = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class DossierDetailSerializer(DossierListSerializer):
    current_step = DossierStepSerializer(read_only=True, allow_null=True,
                                  help_text="Bước xử lý hiện tại.")
    components = ComponentOutSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True,
                             help_text="Diễn biến xử lý theo thời gian.")
    results = ResultOutSerializer(many=True, read_only=True)
    payments = PaymentOutSerializer(many=True, read_only=True)
    supplement_requests = SupplementRequestOutSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text="Các thao tác người dùng hiện tại được thực hiện với hồ sơ lúc này.")

    class Meta(DossierListSerializer.Meta):
        fields = [
            *DossierListSerializer.Meta.fields,
            "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address",
            "lock_version", "current_step", "step_due_at", "paused_seconds", "supplement_count",
            "fees_owed", "fees_paid", "paid_online", "has_digitized_components",
            "reused_papers", "has_electronic_result", "rating", "rated_at",
            "components", "events", "results", "payments", "supplement_requests",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Action.choices)))
    def get_allowed_actions(self, dossier: Dossier) -> list[str]:
        return list(self.context.get("allowed_actions", []))
