"""What the API shows of a dossier (read side only)."""

import functools

from django.utils import timezone, translation
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Channel,
    Dossier,
    DossierComponent,
    DossierEvent,
    Payment,
    Result,
    Status,
    SupplementRequest,
    SyncState,
)
from ..selectors import CLOCK_RUNNING
from ..transitions import Action


class RefSerializer(serializers.Serializer):
    """An agency or a procedure named by its code."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


GENERIC = "generic_rendering"


class ShownModelSerializer(serializers.ModelSerializer):
    """A read-only serializer whose declared fields are the contract (the OpenAPI schema)
    and whose `row` writes a body by hand.

    DRF's generic walk builds and deep-copies every field for each use and resolves each
    value through `get_attribute` (with `inspect.signature` for methods): about half a
    millisecond per dossier, the most of a 50-row page's time. `row` writes the same dict
    directly. With `GENERIC` in the context DRF's own walk renders the body, nested parts
    included: tests hold `row` to it field by field.
    """

    @classmethod
    def row(cls, obj, context: dict) -> dict:
        raise NotImplementedError

    def to_representation(self, instance):
        if self.context.get(GENERIC):
            return super().to_representation(instance)
        return self.row(instance, self.context)


def _time(value) -> str | None:
    """As DRF's DateTimeField writes an aware time: ISO 8601 in the current zone."""
    if value is None:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@functools.cache
def _label(choices, value, language) -> str:
    """A choice's label in a language. Django's get_FOO_display() hashes every label of the
    field on each call (a translation lookup each): 15 per dossier row."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _shown(choices, value) -> str:
    return _label(choices, value, translation.get_language())


def _ref(obj) -> dict | None:
    return None if obj is None else {"code": obj.code, "name": obj.name}


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
        return _is_overdue(dossier, self.context)

    @classmethod
    def row(cls, d: Dossier, context: dict) -> dict:
        return {
            "code": d.code, "procedure": _ref(d.procedure), "agency": _ref(d.agency),
            "current_agency": _ref(d.current_agency), "applicant_kind": d.applicant_kind,
            "applicant_name": d.applicant_name, "status": d.status,
            "status_label": _shown(Status, d.status), "channel": d.channel,
            "channel_label": _shown(Channel, d.channel), "is_full_online": d.is_full_online,
            "submitted_at": _time(d.submitted_at), "received_at": _time(d.received_at),
            "due_at": _time(d.due_at), "finished_at": _time(d.finished_at),
            "returned_at": _time(d.returned_at), "closed_at": _time(d.closed_at),
            "is_overdue": _is_overdue(d, context),
        }


def _is_overdue(dossier: Dossier, context: dict) -> bool:
    now = context.get("now") or timezone.now()
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

    @classmethod
    def row(cls, c: DossierComponent, context: dict) -> dict:
        return {"id": c.pk, "component": c.component_id, "name": c.name,
                "is_digitized": c.is_digitized, "reused_from": c.reused_from,
                "is_supplement": c.is_supplement, "added_at": _time(c.added_at),
                "has_file": bool(c.file)}


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
        return _shown(Action, event.action)

    @classmethod
    def row(cls, e: DossierEvent, context: dict) -> dict:
        return {"at": _time(e.at), "action": e.action, "action_label": _shown(Action, e.action),
                "from_status": e.from_status, "to_status": e.to_status,
                "agency": _ref(e.agency), "actor_name": e.actor_name, "note": e.note,
                "data": e.data}


class ResultOutSerializer(ShownModelSerializer):
    class Meta:
        model = Result
        fields = ["id", "name", "number", "is_electronic", "issued_at"]
        read_only_fields = fields

    @classmethod
    def row(cls, r: Result, context: dict) -> dict:
        return {"id": r.pk, "name": r.name, "number": r.number, "is_electronic": r.is_electronic,
                "issued_at": _time(r.issued_at)}


class PaymentOutSerializer(ShownModelSerializer):
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    refund = serializers.ChoiceField(Payment.Refund.choices, allow_blank=True, read_only=True,
                                     help_text="Mã lý do cần hoàn trả; rỗng nếu không cần.")
    refund_label = serializers.CharField(
        source="get_refund_display", read_only=True,
        help_text="Lý do cần hoàn trả (khoản tiền không được tính vào số đã nộp); rỗng nếu "
                  "không cần hoàn trả.")

    class Meta:
        model = Payment
        fields = ["id", "amount", "method", "method_label", "reference", "gateway_reference",
                  "refund", "refund_label", "paid_at"]
        read_only_fields = fields

    @classmethod
    def row(cls, p: Payment, context: dict) -> dict:
        return {"id": p.pk, "amount": p.amount, "method": p.method,
                "method_label": _shown(Payment.Method, p.method), "reference": p.reference,
                "gateway_reference": p.gateway_reference, "refund": p.refund,
                "refund_label": _shown(Payment.Refund, p.refund) if p.refund else "",
                "paid_at": _time(p.paid_at)}


class SupplementRequestOutSerializer(ShownModelSerializer):
    class Meta:
        model = SupplementRequest
        fields = ["id", "requested_at", "reasons", "resolved_at", "paused_seconds"]
        read_only_fields = fields

    @classmethod
    def row(cls, s: SupplementRequest, context: dict) -> dict:
        return {"id": s.pk, "requested_at": _time(s.requested_at), "reasons": s.reasons,
                "resolved_at": _time(s.resolved_at), "paused_seconds": s.paused_seconds}


class DossierStepSerializer(serializers.Serializer):
    order = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class OfficialRefSerializer(serializers.Serializer):
    """An official named in a dossier's body."""

    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


def _official(user) -> dict | None:
    return None if user is None else {"username": user.username,
                                      "name": user.full_name or user.username}


class CaseRefSerializer(serializers.Serializer):
    """The case (trường hợp) of the procedure the dossier was filed under."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


_PROCESSING_TIME = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True,
                                            allow_null=True)


def _case(d: Dossier) -> dict | None:
    return None if d.case_id is None else {"id": d.case_id, "name": d.case.name}


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
    assignee = serializers.SerializerMethodField(
        help_text="Cán bộ được giao bước xử lý đang mở; null nếu chưa giao (hàng đợi của đơn "
                  "vị) hoặc không có bước đang mở.")
    assigned_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                            help_text="Thời điểm giao bước cho cán bộ đó.")
    case = CaseRefSerializer(read_only=True, allow_null=True, help_text=(
        "Trường hợp của thủ tục đã chọn khi nộp; null nếu thủ tục không chia trường hợp."))
    processing_time = serializers.DecimalField(
        max_digits=6, decimal_places=1, read_only=True, allow_null=True,
        help_text="Thời hạn giải quyết theo quy định của trường hợp và cách thức nộp, ghi "
                  "khi nộp; null nếu văn bản công bố không quy định.")
    time_unit = serializers.CharField(read_only=True, help_text=(
        "Đơn vị của thời hạn (working_days, working_hours, calendar_days, months); rỗng "
        "nếu không quy định."))
    # Not EmailField: an applicant without e-mail has "", which is no e-mail address.
    applicant_email = serializers.CharField(read_only=True,
                                            help_text="Thư điện tử; trống nếu không khai.")
    sync_state = serializers.ChoiceField(SyncState.choices, read_only=True, help_text=(
        "Đồng bộ với Cổng Dịch vụ công quốc gia: pending (thay đổi mới chưa được Cổng xác "
        "nhận), synced (Cổng đã xác nhận hồ sơ như hiện tại), failed (Cổng từ chối, xem "
        "sync_error)."))
    sync_state_label = serializers.CharField(source="get_sync_state_display", read_only=True)
    synced_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                          help_text="Lần Cổng xác nhận gần nhất.")
    sync_error = serializers.CharField(read_only=True,
                                       help_text="Lý do lần đồng bộ gần nhất không thành.")

    class Meta(DossierListSerializer.Meta):
        fields = [
            *DossierListSerializer.Meta.fields,
            "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address",
            "case", "processing_time", "time_unit", "lock_version", "current_step",
            "step_due_at", "assignee", "assigned_at", "paused_seconds", "supplement_count",
            "fees_owed", "fees_paid", "paid_online", "has_digitized_components",
            "reused_papers", "has_electronic_result", "rating", "rated_at",
            "sync_state", "sync_state_label", "synced_at", "sync_error",
            "components", "events", "results", "payments", "supplement_requests",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Action.choices)))
    def get_allowed_actions(self, dossier: Dossier) -> list[str]:
        return list(self.context.get("allowed_actions", []))

    @extend_schema_field(OfficialRefSerializer(allow_null=True))
    def get_assignee(self, dossier: Dossier) -> dict | None:
        return _official(dossier.assignee)

    @classmethod
    def row(cls, d: Dossier, context: dict) -> dict:
        step = d.current_step
        return {
            **super().row(d, context),
            "applicant_id_number": d.applicant_id_number, "applicant_phone": d.applicant_phone,
            "applicant_email": d.applicant_email, "applicant_address": d.applicant_address,
            "case": _case(d),
            "processing_time": _PROCESSING_TIME.to_representation(d.processing_time)
            if d.processing_time is not None else None,
            "time_unit": d.time_unit, "lock_version": d.lock_version,
            "current_step": step and {"order": step.order, "name": step.name},
            "step_due_at": _time(d.step_due_at), "assignee": _official(d.assignee),
            "assigned_at": _time(d.assigned_at), "paused_seconds": d.paused_seconds,
            "supplement_count": d.supplement_count, "fees_owed": d.fees_owed,
            "fees_paid": d.fees_paid, "paid_online": d.paid_online,
            "has_digitized_components": d.has_digitized_components,
            "reused_papers": d.reused_papers, "has_electronic_result": d.has_electronic_result,
            "rating": d.rating, "rated_at": _time(d.rated_at),
            "sync_state": d.sync_state, "sync_state_label": _shown(SyncState, d.sync_state),
            "synced_at": _time(d.synced_at), "sync_error": d.sync_error,
            "components": [ComponentOutSerializer.row(c, context) for c in d.components.all()],
            "events": [EventSerializer.row(e, context) for e in d.events.all()],
            "results": [ResultOutSerializer.row(r, context) for r in d.results.all()],
            "payments": [PaymentOutSerializer.row(p, context) for p in d.payments.all()],
            "supplement_requests": [SupplementRequestOutSerializer.row(s, context)
                                    for s in d.supplement_requests.all()],
            "allowed_actions": list(context.get("allowed_actions", [])),
        }
