"""The index through the API (/api/v1/metrics/...): the same selectors as the dashboard."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from tinhso.core.api_input import Pagination
from tinhso.core.errors import ValidationFailed

from . import periods, selectors
from .aggregation import local_today
from .definitions import active_definition
from .tasks import refresh_if_stale

API_TAG = "Chỉ số phục vụ"  # the API docs' section
PERIOD = OpenApiParameter(
    "period", OpenApiTypes.STR, required=False,
    description="Kỳ: 2026-08 (tháng), 2026-Q3 (quý), 2026 (năm) hoặc 2026-08-01..2026-08-31 "
                "(khoảng ngày, tính cả hai đầu). Mặc định: tháng hiện tại. Kỳ chưa kết thúc "
                "được tính đến hết hôm nay.")
AGENCY = OpenApiParameter("agency", OpenApiTypes.STR, required=False,
                          description="Mã định danh cơ quan (ví dụ H25.07); bỏ trống: toàn tỉnh.")
LEVEL = OpenApiParameter("level", OpenApiTypes.STR, required=False,
                         enum=list(selectors.LEVELS),
                         description="department: các sở, ban, ngành; commune: các xã, phường.")
SORT = OpenApiParameter("sort", OpenApiTypes.STR, required=False,
                        description="Sắp xếp: rank, name, total, change, timeliness, judged; "
                                    "thêm dấu - phía trước để đảo chiều.")
COMPONENT = OpenApiParameter("component", OpenApiTypes.STR, required=True,
                             enum=list(selectors.DRILLABLE),
                             description="Mã chỉ số thành phần cần xem danh sách hồ sơ.")
MONTHS = OpenApiParameter("months", OpenApiTypes.INT, required=False,
                          description="Số tháng (1–36, mặc định 12) kết thúc ở tháng của kỳ.")


class RatioSerializer(serializers.Serializer):
    numerator = serializers.IntegerField(help_text="Tử số.")
    denominator = serializers.IntegerField(help_text="Mẫu số.")


class ComponentSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã chỉ số thành phần (ví dụ 2.1).")
    name = serializers.CharField(help_text="Tên chỉ số thành phần.")
    maximum = serializers.DecimalField(6, 2, help_text="Điểm tối đa.")
    points = serializers.DecimalField(6, 2, allow_null=True,
                                      help_text="Điểm đạt được; null: chưa có dữ liệu.")
    has_data = serializers.BooleanField(help_text="false: Tỉnh số chưa có dữ liệu cho chỉ số "
                                                  "này; không tính điểm, không ước lượng.")
    ratios = RatioSerializer(many=True, help_text="Các tỷ lệ dùng để tính điểm.")


class GroupSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã nhóm chỉ số (1–6).")
    name = serializers.CharField(help_text="Tên nhóm chỉ số.")
    maximum = serializers.DecimalField(6, 2, help_text="Điểm tối đa của nhóm.")
    points = serializers.DecimalField(6, 2, help_text="Điểm đạt được của nhóm.")
    components = ComponentSerializer(many=True, help_text="Các chỉ số thành phần.")


class PeriodSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã kỳ như trong tham số period.")
    label = serializers.CharField(help_text="Tên kỳ bằng tiếng Việt.")
    first = serializers.DateField(help_text="Ngày đầu kỳ.")
    last = serializers.DateField(help_text="Ngày cuối kỳ.")


class IndexSerializer(serializers.Serializer):
    definition_version = serializers.CharField(help_text="Phiên bản bộ chỉ số đã dùng để tính.")
    agency = serializers.CharField(allow_null=True, help_text="Mã cơ quan; null: toàn tỉnh.")
    agency_name = serializers.CharField(allow_null=True, help_text="Tên cơ quan.")
    period = PeriodSerializer(help_text="Kỳ tính.")
    until = serializers.DateField(help_text="Số liệu tính đến hết ngày này.")
    total = serializers.DecimalField(6, 2, help_text="Tổng điểm (thang 100).")
    grade_code = serializers.CharField(help_text="Mã xếp loại (excellent, good, fair, "
                                                 "average, weak).")
    grade_label = serializers.CharField(help_text="Xếp loại bằng tiếng Việt.")
    on_time = serializers.IntegerField(help_text="Số hồ sơ đúng hạn (đã xong đúng hạn và "
                                                 "đang xử lý trong hạn).")
    judged = serializers.IntegerField(help_text="Số hồ sơ được tính tiến độ trong kỳ.")
    timeliness_rate = serializers.DecimalField(6, 2, allow_null=True,
                                               help_text="Tỷ lệ đúng hạn (%).")
    groups = GroupSerializer(many=True, help_text="Sáu nhóm chỉ số.")


class RankSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="Thứ hạng theo tổng điểm.")
    agency = serializers.CharField(help_text="Mã định danh cơ quan.")
    agency_name = serializers.CharField(help_text="Tên cơ quan.")
    total = serializers.DecimalField(6, 2, help_text="Tổng điểm.")
    grade_label = serializers.CharField(help_text="Xếp loại.")
    timeliness_rate = serializers.DecimalField(6, 2, allow_null=True,
                                               help_text="Tỷ lệ đúng hạn (%).")
    judged = serializers.IntegerField(help_text="Số hồ sơ được tính tiến độ.")
    change = serializers.DecimalField(6, 2, allow_null=True,
                                      help_text="Thay đổi tổng điểm so với kỳ trước.")


class RankingSerializer(serializers.Serializer):
    definition_version = serializers.CharField(help_text="Phiên bản bộ chỉ số đã dùng.")
    level = serializers.CharField(help_text="Cấp xếp hạng.")
    period = PeriodSerializer(help_text="Kỳ tính.")
    previous_period = PeriodSerializer(help_text="Kỳ trước để so sánh.")
    results = RankSerializer(many=True, help_text="Các cơ quan theo thứ tự đã chọn.")


class TrendPointSerializer(serializers.Serializer):
    period = PeriodSerializer(help_text="Tháng.")
    total = serializers.DecimalField(6, 2, help_text="Tổng điểm của tháng.")
    grade_label = serializers.CharField(help_text="Xếp loại.")
    timeliness_rate = serializers.DecimalField(6, 2, allow_null=True,
                                               help_text="Tỷ lệ đúng hạn (%).")
    judged = serializers.IntegerField(help_text="Số hồ sơ được tính tiến độ.")


class TrendSerializer(serializers.Serializer):
    definition_version = serializers.CharField(help_text="Phiên bản bộ chỉ số đã dùng.")
    agency = serializers.CharField(allow_null=True, help_text="Mã cơ quan; null: toàn tỉnh.")
    months = TrendPointSerializer(many=True, help_text="Các tháng, cũ trước mới sau.")


class DrilldownDossierSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã hồ sơ.")
    procedure = serializers.CharField(source="procedure.name", help_text="Tên thủ tục.")
    agency = serializers.CharField(source="agency.code", help_text="Mã cơ quan tiếp nhận.")
    status = serializers.IntegerField(help_text="Mã trạng thái hồ sơ (1–10).")
    received_at = serializers.DateTimeField(allow_null=True, help_text="Ngày tiếp nhận.")
    due_at = serializers.DateTimeField(allow_null=True, help_text="Ngày hẹn trả.")
    url = serializers.SerializerMethodField(help_text="Địa chỉ xem chi tiết hồ sơ.")

    def get_url(self, obj) -> str:
        from .views import dossier_url

        return dossier_url(obj.code)


class DrilldownPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Tổng số hồ sơ.")
    next = serializers.URLField(allow_null=True, help_text="Trang sau.")
    previous = serializers.URLField(allow_null=True, help_text="Trang trước.")
    results = DrilldownDossierSerializer(many=True, help_text="Hồ sơ của trang này.")


class DefinitionSerializer(serializers.Serializer):
    version = serializers.CharField(help_text="Phiên bản bộ chỉ số đang áp dụng.")
    title = serializers.CharField(help_text="Tên bộ chỉ số.")
    data = serializers.JSONField(help_text="Toàn bộ định nghĩa: nhóm, chỉ số thành phần, "
                                           "điểm tối đa, công thức, ngưỡng, thang xếp loại.")


def _period(p: periods.Period) -> dict:
    return {"code": p.code, "label": p.label, "first": p.first, "last": p.last}


def index_data(result: selectors.IndexResult) -> dict:
    s = result.score
    return {
        "definition_version": s.definition_version,
        "agency": result.agency.code if result.agency else None,
        "agency_name": result.agency.name if result.agency else None,
        "period": _period(result.period), "until": result.until,
        "total": s.total, "grade_code": s.grade_code, "grade_label": s.grade_label,
        "on_time": result.counters.on_time, "judged": result.counters.judged,
        "timeliness_rate": result.timeliness_rate,
        "groups": [{
            "code": g.code, "name": g.name, "maximum": g.maximum, "points": g.points,
            "components": [{
                "code": c.code, "name": c.name, "maximum": c.maximum, "points": c.points,
                "has_data": c.has_data,
                "ratios": [{"numerator": r.numerator, "denominator": r.denominator}
                           for r in c.ratios],
            } for c in g.components],
        } for g in s.groups],
    }


class DrilldownPagination(Pagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


ERRORS = {400: OpenApiResponse(description="Tham số không hợp lệ."),
          404: OpenApiResponse(description="Không tìm thấy cơ quan."),
          503: OpenApiResponse(description="Chỉ số đang được tính lần đầu.")}


class NotBuilt(APIException):
    """Aggregates never built would read as zeros: an invented index. Say so instead."""

    status_code = 503
    default_code = "metrics_not_built"
    default_detail = gettext_lazy("Chỉ số đang được tính lần đầu từ dữ liệu hồ sơ; vui lòng "
                                  "thử lại sau ít phút.")


class _ObjectsSchema(AutoSchema):
    """Every answer of the index is one object: its root ("list" to the router) is not a list."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class MetricsViewSet(viewsets.ViewSet):
    """Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg), tính theo thời gian thực."""

    permission_classes = [AllowAny]
    schema = _ObjectsSchema()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in ("list", "ranking", "trend"):
            refresh_if_stale(local_today())  # queues the first build, or a new day's refresh
            if not selectors.is_built():
                raise NotBuilt()

    def _agency(self, request):
        code = request.query_params.get("agency")
        return selectors.agency_by_code(code) if code else None

    @extend_schema(summary="Điểm chỉ số của toàn tỉnh hoặc một cơ quan trong một kỳ",
                   parameters=[PERIOD, AGENCY], responses={200: IndexSerializer, **ERRORS},
                   tags=[API_TAG])
    def list(self, request):
        period = periods.parse(request.query_params.get("period"), local_today())
        result = selectors.index_for(period, self._agency(request))
        return Response(IndexSerializer(index_data(result)).data)

    @extend_schema(summary="Xếp hạng các sở, ban, ngành hoặc các xã, phường",
                   parameters=[PERIOD, LEVEL, SORT], responses={200: RankingSerializer, **ERRORS},
                   tags=[API_TAG])
    @action(detail=False)
    def ranking(self, request):
        period = periods.parse(request.query_params.get("period"), local_today())
        level = request.query_params.get("level", "department")
        rows = selectors.ranking(level, period, sort=request.query_params.get("sort", "rank"))
        data = {
            "definition_version": active_definition()["version"], "level": level,
            "period": _period(period), "previous_period": _period(period.previous()),
            "results": [{"rank": r.rank, "agency": r.agency.code, "agency_name": r.agency.name,
                         "total": r.total, "grade_label": r.grade_label,
                         "timeliness_rate": r.timeliness_rate, "judged": r.judged,
                         "change": r.change}
                        for r in rows],
        }
        return Response(RankingSerializer(data).data)

    @extend_schema(summary="Diễn biến tổng điểm theo tháng", parameters=[PERIOD, AGENCY, MONTHS],
                   responses={200: TrendSerializer, **ERRORS}, tags=[API_TAG])
    @action(detail=False)
    def trend(self, request):
        period = periods.parse(request.query_params.get("period"), local_today())
        try:
            months = int(request.query_params.get("months", 12))
        except ValueError:
            months = 0
        if not 1 <= months <= 36:
            raise ValidationFailed(_("Số tháng phải từ 1 đến 36."), code="invalid_months")
        agency = self._agency(request)
        points = selectors.trend(period, agency, months=months)
        data = {"definition_version": active_definition()["version"],
                "agency": agency.code if agency else None,
                "months": [{"period": _period(p.period), "total": p.total,
                            "grade_label": p.grade_label, "timeliness_rate": p.timeliness_rate,
                            "judged": p.judged} for p in points]}
        return Response(TrendSerializer(data).data)

    @extend_schema(summary="Danh sách hồ sơ sau một chỉ số thành phần (cán bộ)",
                   description="Hồ sơ trễ hạn (2.1) hoặc hồ sơ chưa đạt của chỉ số; chỉ trong "
                               "phạm vi cơ quan người dùng được xem.",
                   parameters=[COMPONENT, PERIOD, AGENCY],
                   responses={200: DrilldownPageSerializer, **ERRORS},
                   tags=[API_TAG])
    @action(detail=False, permission_classes=[IsAuthenticated])
    def dossiers(self, request):
        period = periods.parse(request.query_params.get("period"), local_today())
        qs = selectors.drilldown(request.user, period, request.query_params.get("component", ""),
                                 self._agency(request))
        paginator = DrilldownPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DrilldownDossierSerializer(page, many=True).data)

    @extend_schema(summary="Định nghĩa bộ chỉ số đang áp dụng",
                   responses={200: DefinitionSerializer}, tags=[API_TAG])
    @action(detail=False)
    def definition(self, request):
        data = active_definition()
        return Response(DefinitionSerializer(
            {"version": data["version"], "title": data.get("title", ""), "data": data}).data)
