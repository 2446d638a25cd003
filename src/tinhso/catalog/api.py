"""REST API of the catalogue: public reading, administrator writing through the services."""

from __future__ import annotations

import django_filters
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tinhso.core.errors import NotFound
from tinhso.core.models import Agency
from tinhso.core.timeunits import TimeUnit

from . import frozen, selectors, services
from .models import (
    ChannelTime,
    Component,
    Fee,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    ProcessTemplate,
    ResultType,
    Sector,
)

# --- Serializers.


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name"]


class CatalogAgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "level"]


API_TAG = "Thủ tục hành chính"  # the API docs' section
CASE_HELP = "Mã trường hợp áp dụng; null: áp dụng cho mọi trường hợp."
CHANNEL_HELP = "Cách thức: desk (trực tiếp), online (trực tuyến), post (bưu chính); rỗng: mọi cách."


class CatalogComponentSerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                              help_text=CASE_HELP)
    form = serializers.JSONField(
        read_only=True, allow_null=True,
        help_text="Tờ khai điện tử: định nghĩa biểu mẫu (title, source, fields; xem "
                  "catalog.forms_schema), đã kiểm tra khi nhập; null nếu giấy tờ không có.")

    class Meta:
        model = Component
        fields = ["id", "order", "case", "name", "is_required", "originals", "copies",
                  "template_name", "reusable_kind", "form"]


class CatalogFeeSerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                              help_text=CASE_HELP)
    channel = serializers.CharField(read_only=True, help_text=CHANNEL_HELP)

    class Meta:
        model = Fee
        fields = ["id", "order", "case", "channel", "kind", "name", "basis", "amount",
                  "currency", "unit", "rate", "group", "valid_from", "valid_until", "note"]


class ChannelTimeSerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                              help_text=CASE_HELP)
    channel = serializers.CharField(read_only=True, help_text=CHANNEL_HELP)
    processing_time = serializers.DecimalField(
        max_digits=6, decimal_places=1, read_only=True, allow_null=True,
        help_text="Thời hạn giải quyết; null: văn bản công bố không quy định.")
    time_unit = serializers.CharField(read_only=True,
                                      help_text="Đơn vị thời hạn; rỗng khi không quy định.")

    class Meta:
        model = ChannelTime
        fields = ["id", "order", "case", "channel", "processing_time", "time_unit", "note"]


class CaseSerializer(serializers.Serializer):
    """A case (trường hợp) with the rows that apply to it: its own and those of every case."""

    id = serializers.IntegerField(read_only=True)
    order = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    components = CatalogComponentSerializer(many=True, read_only=True)
    times = ChannelTimeSerializer(many=True, read_only=True,
                                  help_text="Thời hạn giải quyết theo cách thức.")
    fees = CatalogFeeSerializer(many=True, read_only=True,
                                help_text="Phí, lệ phí theo cách thức.")


class CatalogResultTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResultType
        fields = ["order", "name", "code", "template_name", "is_electronic"]


class ProcessStepSerializer(serializers.ModelSerializer):
    handled_by = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ProcessStep
        fields = ["order", "name", "role", "division", "share", "handled_by"]


class ProcessTemplateSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True,
                                          help_text="Trống: quy trình dùng cho mọi cơ quan.")
    steps = ProcessStepSerializer(many=True, read_only=True)

    class Meta:
        model = ProcessTemplate
        fields = ["agency", "name", "steps"]


VERSION_FIELDS = ["id", "number", "status", "published_at", *services.CONTENT_FIELDS]
PUBLISHED_FACTS = [f for f in (
    "at_ministry", "at_other", "implementing_body", "competent_authority",
    "coordinating_bodies", "reception_address", "subjects", "conditions", "related_procedures",
) if f not in VERSION_FIELDS]


class ProcedureVersionSerializer(serializers.ModelSerializer):
    procedure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agencies = CatalogAgencySerializer(many=True, read_only=True)
    components = CatalogComponentSerializer(many=True, read_only=True,
                                            help_text="Mọi thành phần hồ sơ, mọi trường hợp.")
    fees = CatalogFeeSerializer(many=True, read_only=True,
                                help_text="Mọi phí, lệ phí, mọi trường hợp và cách thức.")
    times = serializers.SerializerMethodField(help_text=(
        "Mọi thời hạn theo cách thức và trường hợp; rỗng nếu chỉ có thời hạn chung "
        "(processing_time)."))
    cases = serializers.SerializerMethodField(help_text=(
        "Các trường hợp; mỗi trường hợp kèm thành phần hồ sơ, thời hạn và phí của riêng nó "
        "và của mọi trường hợp. Rỗng nếu thủ tục không chia trường hợp."))
    results = CatalogResultTypeSerializer(source="resulttypes", many=True, read_only=True)
    processes = ProcessTemplateSerializer(many=True, read_only=True)

    class Meta:
        model = ProcedureVersion
        fields = ["procedure", *VERSION_FIELDS, *PUBLISHED_FACTS, "agencies", "components",
                  "fees", "times", "cases", "results", "processes"]

    @extend_schema_field(ChannelTimeSerializer(many=True))
    def get_times(self, version):
        return ChannelTimeSerializer(frozen.parts_of(version).times, many=True).data

    @extend_schema_field(CaseSerializer(many=True))
    def get_cases(self, version):
        rows = [{"id": c.pk, "order": c.case.order, "name": c.name,
                 "components": c.components, "times": c.times, "fees": c.fees}
                for c in selectors.case_terms(version) if c.case is not None]
        return CaseSerializer(rows, many=True).data


class ProcedureVersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureVersion
        fields = ["number", "status", "published_at", "processing_time", "time_unit",
                  "online_level", "at_province", "at_commune"]


class ProcedureSerializer(serializers.ModelSerializer):
    sector = SectorSerializer(read_only=True)
    current_version = ProcedureVersionSummarySerializer(read_only=True)

    class Meta:
        model = Procedure
        fields = ["code", "name", "sector", "current_version"]


class ProcedureDetailSerializer(ProcedureSerializer):
    current_version = ProcedureVersionSerializer(read_only=True)


class ProcedureCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text="Mã thủ tục, ví dụ 1.001234.")
    name = serializers.CharField(max_length=255)
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all())
    processing_time = serializers.DecimalField(max_digits=6, decimal_places=1, min_value=0,
                                               required=False)
    time_unit = serializers.ChoiceField(TimeUnit.choices, required=False)
    online_level = serializers.ChoiceField(OnlineLevel.choices, required=False)
    at_province = serializers.BooleanField(required=False)
    at_commune = serializers.BooleanField(required=False)
    agencies = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all(),
                                            many=True, required=False)


# --- Filters.


class ProcedureFilter(django_filters.FilterSet):
    sector = django_filters.CharFilter(field_name="sector__code", help_text="Mã lĩnh vực.")
    agency = django_filters.CharFilter(field_name="current_version__agencies__code",
                                       help_text="Mã định danh cơ quan thực hiện (H44.07).")
    level = django_filters.ChoiceFilter(
        choices=Agency.Level.choices, method="filter_level",
        help_text="Cấp thực hiện: province (tỉnh) hoặc commune (xã).")
    online_level = django_filters.ChoiceFilter(
        field_name="current_version__online_level", choices=OnlineLevel.choices,
        help_text="Mức độ trực tuyến.")
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Tìm theo tên hoặc mã, không phân biệt dấu và hoa thường.")

    class Meta:
        model = Procedure
        fields = ["sector", "agency", "level", "online_level", "search"]

    def filter_level(self, qs, name, value):
        field = "at_province" if value == Agency.Level.PROVINCE else "at_commune"
        return qs.filter(**{f"current_version__{field}": True})

    def filter_search(self, qs, name, value):
        return selectors.search(qs, value)


# --- Views.


class DomainNotFound:
    """Answer a missing object with the project's NotFound (code "not_found")."""

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound() from None


@extend_schema_view(
    list=extend_schema(summary="Danh sách lĩnh vực", description="Các lĩnh vực thủ tục "
                       "hành chính; ai cũng xem được."),
    retrieve=extend_schema(summary="Một lĩnh vực theo mã"),
)
@extend_schema(tags=[API_TAG])
class SectorViewSet(DomainNotFound, viewsets.ReadOnlyModelViewSet):
    serializer_class = SectorSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return selectors.sectors()


@extend_schema_view(
    list=extend_schema(summary="Tra cứu thủ tục hành chính", description=(
        "Danh sách thủ tục đang áp dụng, lọc theo lĩnh vực, cơ quan, cấp thực hiện, mức độ "
        "trực tuyến và tìm theo tên không phân biệt dấu. Ai cũng xem được.")),
    retrieve=extend_schema(summary="Chi tiết thủ tục theo mã", description=(
        "Phiên bản đang áp dụng với thành phần hồ sơ, phí, lệ phí, kết quả và quy trình "
        "nội bộ.")),
)
@extend_schema(tags=[API_TAG])
class ProcedureViewSet(DomainNotFound, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    lookup_field = "code"
    lookup_value_regex = r"[0-9][0-9.]*"
    filterset_class = ProcedureFilter

    def get_queryset(self):
        qs = selectors.procedures(self.request.user)
        return selectors.with_current_parts(qs) if self.action == "retrieve" else qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ProcedureDetailSerializer
        if self.action == "create":
            return ProcedureCreateSerializer
        return ProcedureSerializer

    @extend_schema(summary="Tạo thủ tục mới (quản trị)", description=(
        "Tạo thủ tục kèm phiên bản nháp số 1. Chỉ quản trị hệ thống."),
        request=ProcedureCreateSerializer, responses={201: ProcedureDetailSerializer})
    def create(self, request):
        services.ensure_can_manage(request.user)
        data = ProcedureCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        procedure = services.create_procedure(request.user, **data.validated_data)
        return Response(ProcedureSerializer(procedure).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Tạo phiên bản mới (quản trị)", description=(
        "Sao chép phiên bản đang áp dụng cùng mọi thành phần, phí, kết quả và quy trình "
        "thành một bản nháp để sửa."), request=None, responses={
            201: ProcedureVersionSerializer,
            409: OpenApiResponse(description="Thủ tục đã có một bản nháp đang sửa.")})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, code=None):
        services.ensure_can_manage(request.user)
        draft = services.new_version(request.user, self.get_object())
        draft = selectors.versions(request.user).get(pk=draft.pk)
        return Response(ProcedureVersionSerializer(draft).data, status=status.HTTP_201_CREATED)


@extend_schema_view(retrieve=extend_schema(
    summary="Một phiên bản thủ tục", description=(
        "Phiên bản đã công bố hoặc hết hiệu lực: ai cũng xem được; bản nháp: chỉ quản trị."),
    parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)]))
@extend_schema(tags=[API_TAG])
class VersionViewSet(DomainNotFound, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProcedureVersionSerializer

    def get_queryset(self):
        return selectors.versions(self.request.user)

    @extend_schema(summary="Công bố phiên bản (quản trị)", description=(
        "Kiểm tra điều kiện (thời hạn > 0, có cơ quan thực hiện, có kết quả, tổng tỷ lệ các "
        "bước mỗi quy trình bằng 100%), công bố, cho phiên bản cũ hết hiệu lực."),
        request=None, responses={
            200: ProcedureVersionSerializer,
            409: OpenApiResponse(description="Phiên bản không còn là bản nháp (đã công bố).")})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        services.ensure_can_manage(request.user)
        try:
            version = ProcedureVersion.objects.get(pk=pk)
        except (ProcedureVersion.DoesNotExist, ValueError):
            raise NotFound() from None
        services.publish(request.user, version)
        return Response(ProcedureVersionSerializer(self.get_queryset().get(pk=pk)).data)
