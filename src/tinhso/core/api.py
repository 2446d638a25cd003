"""Public read API: the registers of administrative units and agencies (/api/v1/units, agencies).

Views are thin: filters are parsed and applied by core.selectors, which raises domain errors
(unknown_province, invalid_agency_code, ...) that the API answers as 400 in the project shape.
"""

import django_filters
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from . import selectors
from .api_input import Pagination
from .errors import NotFound
from .models import AdministrativeUnit, Agency, OneStopDesk


class RegisterPagination(Pagination):
    # A client may take a province's 148 communes in one page.
    page_size_query_param = "page_size"
    max_page_size = 500


# --- Serializers.


class UnitSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "level", "level_display", "division_type", "codename",
                  "parent", "valid_from", "valid_to", "successor"]


class DeskSerializer(serializers.ModelSerializer):
    class Meta:
        model = OneStopDesk
        fields = ["name", "address"]


class AgencySerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    desks = DeskSerializer(many=True, read_only=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "level", "level_display", "parent", "unit",
                  "unit_name", "address", "is_active", "desks"]


# --- Filter sets: plain strings here; parsing and errors live in core.selectors.


class _SelectorFilterSet(django_filters.FilterSet):
    selector = None

    def filter_queryset(self, queryset):
        return type(self).selector(queryset, **self.form.cleaned_data)


class UnitFilter(_SelectorFilterSet):
    level = django_filters.CharFilter()
    province = django_filters.CharFilter()
    parent = django_filters.CharFilter()
    code = django_filters.CharFilter()
    current = django_filters.CharFilter()
    search = django_filters.CharFilter()
    selector = staticmethod(selectors.filter_units)


class AgencyFilter(_SelectorFilterSet):
    level = django_filters.CharFilter()
    province = django_filters.CharFilter()
    parent = django_filters.CharFilter()
    unit = django_filters.CharFilter()
    code = django_filters.CharFilter()
    search = django_filters.CharFilter()
    selector = staticmethod(selectors.filter_agencies)


class _ByCodeViewSet(viewsets.ReadOnlyModelViewSet):
    """Public register read by code; an unknown code answers 404 in the project's shape."""

    permission_classes = [AllowAny]
    pagination_class = RegisterPagination
    lookup_field = "code"
    not_found_message = _("Không tìm thấy mã “%(code)s”.")

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            code = self.kwargs.get(self.lookup_field, "")
            raise NotFound(self.not_found_message % {"code": code}) from None


# --- Schema documentation (Vietnamese: the readers are Vietnamese integrators).


def _param(name: str, description: str, **kwargs) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.QUERY,
                            description=description, **kwargs)


_SEARCH = _param("search", "Tìm theo tên, không phân biệt dấu và chữ hoa/thường "
                 "(ví dụ: `viet tri` tìm thấy “Phường Việt Trì”), hoặc đúng mã.")
_PROVINCE = "Mã tỉnh/thành phố 2 chữ số (ví dụ: `25` là Phú Thọ). Mã không tồn tại trả lỗi 400 " \
            "`unknown_province`."
UNIT_PARAMETERS = [
    _param("level", "Cấp đơn vị: `province` (tỉnh/thành phố) hoặc `commune` (xã/phường/đặc khu).",
           enum=AdministrativeUnit.Level.values),
    _param("province", _PROVINCE + " Trả về các xã/phường/đặc khu của tỉnh đó."),
    _param("parent", "Mã đơn vị cấp trên (2 chữ số): các đơn vị trực thuộc."),
    _param("code", "Mã đơn vị: 2 chữ số (tỉnh) hoặc 5 chữ số (xã)."),
    _param("current", "`true`: chỉ đơn vị còn hiệu lực; `false`: chỉ đơn vị đã sáp nhập."),
    _SEARCH,
]
AGENCY_PARAMETERS = [
    _param("level", "Cấp cơ quan: `province` (cấp tỉnh) hoặc `commune` (cấp xã).",
           enum=Agency.Level.values),
    _param("province", _PROVINCE + " Trả về các cơ quan cấp tỉnh và cấp xã của tỉnh đó."),
    _param("parent", "Mã định danh cơ quan cấp trên (ví dụ: `H44`). Sai dạng trả lỗi 400 "
           "`invalid_agency_code`."),
    _param("unit", "Mã đơn vị hành chính nơi cơ quan đóng (ví dụ: `07900`)."),
    _param("code", "Mã định danh cơ quan (ví dụ: `H44.07`). Sai dạng trả lỗi 400 "
           "`invalid_agency_code`."),
    _SEARCH,
]


def _code_path(description: str) -> OpenApiParameter:
    return OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH,
                            description=description)


@extend_schema_view(
    list=extend_schema(summary="Danh mục đơn vị hành chính", tags=["Danh mục"],
                       description="34 tỉnh/thành phố và các xã/phường/đặc khu từ 01/7/2025.",
                       parameters=UNIT_PARAMETERS),
    retrieve=extend_schema(summary="Một đơn vị hành chính theo mã", tags=["Danh mục"],
                           parameters=[_code_path("Mã đơn vị (ví dụ: `25`, `07900`).")]),
)
class UnitViewSet(_ByCodeViewSet):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    not_found_message = _("Không có đơn vị hành chính mã “%(code)s”.")

    def get_queryset(self):
        return selectors.units()


@extend_schema_view(
    list=extend_schema(summary="Danh mục cơ quan, đơn vị", tags=["Danh mục"],
                       description="UBND tỉnh, các sở, ban, ngành và UBND cấp xã, kèm bộ phận "
                       "một cửa.", parameters=AGENCY_PARAMETERS),
    retrieve=extend_schema(summary="Một cơ quan theo mã định danh", tags=["Danh mục"],
                           parameters=[_code_path("Mã định danh (ví dụ: `H44.07`).")]),
)
class AgencyViewSet(_ByCodeViewSet):
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    not_found_message = _("Không có cơ quan mã “%(code)s”.")
    lookup_value_regex = r"[A-Za-z0-9.]+"  # agency codes hold dots (H44.07)

    def get_queryset(self):
        return selectors.agencies()
