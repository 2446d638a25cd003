"""The operator's API for the LGSP registry (/api/v1/exchange/...): register member systems
and services, add and revoke client credentials, grant and revoke access rights, read the
message log. Thin: input is validated here, every change is made by exchange.services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from tinhso.core.errors import NotFound
from tinhso.core.models import Agency

from . import services
from .models import AccessRight, ClientCredential, MemberSystem, MessageRecord, Service

TAG = ["Nền tảng chia sẻ dữ liệu (LGSP)"]


class IsOperator(BasePermission):
    message = _("Chỉ quản trị hệ thống được quản lý nền tảng chia sẻ dữ liệu.")

    def has_permission(self, request, view):
        return services.is_operator(request.user)


# --- Serializers.

class SystemSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(
        slug_field="code", queryset=Agency.objects.all(), required=False, allow_null=True,
        help_text="Mã định danh cơ quan chủ quản trong tỉnh (ví dụ: H44.08).")

    class Meta:
        model = MemberSystem
        fields = ["id", "identifier", "member_class", "member_code", "subsystem", "name",
                  "agency", "is_national", "is_active", "created_at"]
        read_only_fields = ["id", "identifier", "created_at"]
        # Uniqueness is the service's to check (409), not the serializer's.
        validators = []


class SystemUpdateSerializer(SystemSerializer):
    class Meta(SystemSerializer.Meta):
        read_only_fields = ["id", "identifier", "member_class", "member_code", "subsystem",
                            "created_at"]


class ServiceSerializer(serializers.ModelSerializer):
    provider = serializers.SlugRelatedField(
        slug_field="identifier", queryset=MemberSystem.objects.all(),
        help_text="Định danh hệ thống cung cấp, ví dụ GOV/000.00.00.H41/DMDC.")

    class Meta:
        model = Service
        fields = ["id", "identifier", "provider", "code", "version", "name", "protocol",
                  "description", "rest_exposure", "base_url", "timeout_ms", "rate_limit",
                  "burst", "is_active", "created_at"]
        read_only_fields = ["id", "identifier", "created_at"]
        validators = []


class ServiceUpdateSerializer(ServiceSerializer):
    class Meta(ServiceSerializer.Meta):
        read_only_fields = ["id", "identifier", "provider", "code", "version", "created_at"]


class CredentialSerializer(serializers.ModelSerializer):
    system = serializers.SlugRelatedField(slug_field="identifier",
                                          queryset=MemberSystem.objects.all(),
                                          help_text="Định danh hệ thống khách.")

    class Meta:
        model = ClientCredential
        fields = ["id", "system", "kind", "public_key_pem", "cert_fingerprint", "cert_serial",
                  "valid_to", "revoked_at", "created_at"]
        read_only_fields = ["id", "revoked_at", "created_at"]


class AccessRightSerializer(serializers.ModelSerializer):
    client = serializers.SlugRelatedField(slug_field="identifier",
                                          queryset=MemberSystem.objects.all(),
                                          help_text="Định danh hệ thống khách.")
    service = serializers.SlugRelatedField(slug_field="identifier",
                                           queryset=Service.objects.all(),
                                           help_text="Định danh dịch vụ.")

    class Meta:
        model = AccessRight
        fields = ["id", "client", "service", "method", "path_prefix", "granted_at"]
        read_only_fields = ["id", "granted_at"]
        validators = []


class MessageRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = MessageRecord
        fields = ["seq", "exchange_id", "client", "service", "method", "path", "started_at",
                  "ended_at", "status", "outcome", "reason", "request_digest",
                  "response_digest", "request_bytes", "response_bytes", "prev_hash", "hash"]


# --- Views.

class _OperatorViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsOperator]
    filter_backends = []

    def get_object(self):
        raw = self.kwargs.get("pk", "")
        if not str(raw).isdigit() or len(str(raw)) > 18:
            raise NotFound()
        try:
            return self.get_queryset().get(pk=int(raw))
        except self.get_queryset().model.DoesNotExist:
            raise NotFound() from None

    def _input(self, serializer_class, **kwargs):
        form = serializer_class(data=self.request.data, **kwargs)
        form.is_valid(raise_exception=True)
        return form.validated_data


@extend_schema_view(
    list=extend_schema(summary="Danh sách hệ thống thành viên", tags=TAG),
    retrieve=extend_schema(summary="Một hệ thống thành viên", tags=TAG),
    create=extend_schema(summary="Đăng ký hệ thống thành viên", tags=TAG,
                         responses={201: SystemSerializer,
                                    409: OpenApiResponse(description="Đã đăng ký.")}),
    partial_update=extend_schema(summary="Sửa hệ thống thành viên", tags=TAG,
                                 request=SystemUpdateSerializer,
                                 responses={200: SystemSerializer}),
)
class SystemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _OperatorViewSet):
    """Hệ thống thông tin tham gia trao đổi dữ liệu (khách, cung cấp, hoặc cả hai)."""

    queryset = MemberSystem.objects.select_related("agency").order_by("identifier")
    serializer_class = SystemSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request):
        data = self._input(SystemSerializer)
        system = services.register_system(
            request.user, member_class=data.get("member_class", MemberSystem.MemberClass.GOV),
            member_code=data["member_code"], subsystem=data["subsystem"], name=data["name"],
            agency=data.get("agency"), is_national=data.get("is_national", False))
        if data.get("is_active") is False:
            system = services.update_system(request.user, system, is_active=False)
        return Response(SystemSerializer(system).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        system = self.get_object()
        data = self._input(SystemUpdateSerializer, partial=True)
        system = services.update_system(request.user, system, **data)
        return Response(SystemSerializer(system).data)


@extend_schema_view(
    list=extend_schema(summary="Danh sách dịch vụ", tags=TAG),
    retrieve=extend_schema(summary="Một dịch vụ", tags=TAG),
    create=extend_schema(summary="Đăng ký dịch vụ", tags=TAG,
                         responses={201: ServiceSerializer,
                                    409: OpenApiResponse(description="Đã đăng ký.")}),
    partial_update=extend_schema(summary="Sửa dịch vụ", tags=TAG,
                                 request=ServiceUpdateSerializer,
                                 responses={200: ServiceSerializer}),
)
class ServiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _OperatorViewSet):
    """Dịch vụ do một hệ thống cung cấp (REST hoặc SOAP), với đặc tả, thời gian chờ và giới
    hạn tần suất."""

    queryset = Service.objects.select_related("provider").order_by("identifier")
    serializer_class = ServiceSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request):
        data = self._input(ServiceSerializer)
        is_active = data.pop("is_active", True)
        service = services.register_service(request.user, **data)
        if not is_active:
            service = services.update_service(request.user, service, is_active=False)
        return Response(ServiceSerializer(service).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        service = self.get_object()
        data = self._input(ServiceUpdateSerializer, partial=True)
        service = services.update_service(request.user, service, **data)
        return Response(ServiceSerializer(service).data)


@extend_schema_view(
    list=extend_schema(summary="Danh sách thông tin xác thực của hệ thống khách", tags=TAG),
    retrieve=extend_schema(summary="Một thông tin xác thực", tags=TAG),
    create=extend_schema(summary="Thêm thông tin xác thực (khóa công khai JWT hoặc chứng thư)",
                         tags=TAG, responses={201: CredentialSerializer}),
)
class CredentialViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _OperatorViewSet):
    """Khóa công khai kiểm tra JWT ký bởi hệ thống khách, hoặc chứng thư TLS của nó."""

    queryset = ClientCredential.objects.select_related("system").order_by("id")
    serializer_class = CredentialSerializer

    def create(self, request):
        data = self._input(CredentialSerializer)
        system = data.pop("system")
        credential = services.add_credential(request.user, system, **data)
        return Response(CredentialSerializer(credential).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Thu hồi thông tin xác thực", tags=TAG, request=None,
                   responses={200: CredentialSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        credential = services.revoke_credential(request.user, self.get_object())
        return Response(CredentialSerializer(credential).data)


@extend_schema_view(
    list=extend_schema(summary="Danh sách quyền truy cập", tags=TAG),
    retrieve=extend_schema(summary="Một quyền truy cập", tags=TAG),
    create=extend_schema(summary="Cấp quyền cho hệ thống khách gọi dịch vụ", tags=TAG,
                         responses={201: AccessRightSerializer}),
    destroy=extend_schema(summary="Thu hồi quyền truy cập", tags=TAG,
                          responses={204: None}),
)
class AccessRightViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _OperatorViewSet):
    """Quyền của một hệ thống khách với một dịch vụ, có thể giới hạn theo phương thức và
    tiền tố đường dẫn."""

    queryset = AccessRight.objects.select_related("client", "service").order_by("id")
    serializer_class = AccessRightSerializer

    def create(self, request):
        data = self._input(AccessRightSerializer)
        right = services.grant(request.user, **data)
        return Response(AccessRightSerializer(right).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        services.revoke(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Nhật ký trao đổi (mới nhất trước)", tags=TAG),
    retrieve=extend_schema(summary="Một bản ghi nhật ký trao đổi theo số thứ tự", tags=TAG),
)
class MessageLogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _OperatorViewSet):
    """Mỗi lần trao đổi qua cổng (được trả lời hay bị từ chối): băm yêu cầu và phản hồi,
    hệ thống khách, dịch vụ, thời điểm, kết quả."""

    queryset = MessageRecord.objects.order_by("-seq")
    serializer_class = MessageRecordSerializer

    def get_object(self):
        raw = str(self.kwargs.get("pk", ""))
        if not raw.isdigit() or len(raw) > 18:
            raise NotFound()
        record = MessageRecord.objects.filter(seq=int(raw)).first()
        if record is None:
            raise NotFound()
        return record
