"""The operator's registry pages in the admin (Vietnamese). Every change goes through
exchange.services, so it is checked and audited as on the API; the message log is read-only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import DomainError

from . import services
from .models import AccessRight, ClientCredential, LogBatch, MemberSystem, MessageRecord, Service


class _ThroughServices(admin.ModelAdmin):
    """Saves and deletes call the services; a refusal is shown as a message."""

    def has_module_permission(self, request):
        return services.is_operator(request.user)

    has_view_permission = has_add_permission = has_change_permission = (
        lambda self, request, obj=None: services.is_operator(request.user))

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            saved = self.save_through_services(request.user, obj, form, change)
        except DomainError as exc:
            self.message_user(request, f"{exc.message} {exc.details or ''}", messages.ERROR)
            raise DjangoPermissionDenied(str(exc.message)) from None
        obj.pk = saved.pk

    def save_through_services(self, user, obj, form, change):
        raise NotImplementedError


@admin.register(MemberSystem)
class MemberSystemAdmin(_ThroughServices):
    list_display = ["identifier", "name", "agency", "is_national", "is_active"]
    list_filter = ["member_class", "is_national", "is_active"]
    search_fields = ["identifier", "name"]
    fields = ["member_class", "member_code", "subsystem", "identifier", "name", "agency",
              "is_national", "is_active"]
    readonly_fields = ["identifier"]
    autocomplete_fields = ["agency"]

    def get_readonly_fields(self, request, obj=None):
        # The identifier is what clients sign as and what the log names: never renamed.
        return ["identifier", "member_class", "member_code", "subsystem"] if obj else ["identifier"]

    def save_through_services(self, user, obj, form, change):
        if change:
            return services.update_system(user, obj, **{
                f: form.cleaned_data[f] for f in services.SYSTEM_FIELDS if f in form.cleaned_data})
        return services.register_system(
            user, member_class=obj.member_class, member_code=obj.member_code,
            subsystem=obj.subsystem, name=obj.name, agency=obj.agency,
            is_national=obj.is_national)


@admin.register(Service)
class ServiceAdmin(_ThroughServices):
    list_display = ["identifier", "name", "protocol", "base_url", "timeout_ms", "rate_limit",
                    "is_active"]
    list_filter = ["protocol", "is_active"]
    search_fields = ["identifier", "name"]
    fields = ["provider", "code", "version", "identifier", "name", "protocol", "description",
              "rest_exposure", "base_url", "timeout_ms", "rate_limit", "burst", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["identifier", "provider", "code", "version"] if obj else ["identifier"]

    def save_through_services(self, user, obj, form, change):
        if change:
            return services.update_service(user, obj, **{
                f: form.cleaned_data[f] for f in services.SERVICE_FIELDS
                if f in form.cleaned_data})
        return services.register_service(
            user, provider=obj.provider, code=obj.code, version=obj.version, name=obj.name,
            protocol=obj.protocol, description=obj.description, base_url=obj.base_url,
            timeout_ms=obj.timeout_ms, rate_limit=obj.rate_limit, burst=obj.burst,
            rest_exposure=obj.rest_exposure)


@admin.register(ClientCredential)
class ClientCredentialAdmin(_ThroughServices):
    list_display = ["system", "kind", "cert_serial", "valid_to", "revoked_at", "created_at"]
    list_filter = ["kind"]
    fields = ["system", "kind", "public_key_pem", "cert_fingerprint", "cert_serial", "valid_to",
              "revoked_at"]
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request, obj=None):
        if obj:
            return self.fields
        return ["revoked_at"]

    def save_through_services(self, user, obj, form, change):
        return services.add_credential(
            user, obj.system, kind=obj.kind, public_key_pem=obj.public_key_pem,
            cert_fingerprint=obj.cert_fingerprint, cert_serial=obj.cert_serial,
            valid_to=obj.valid_to)

    @admin.action(description=_("Thu hồi thông tin xác thực đã chọn"))
    def revoke_selected(self, request, queryset):
        for credential in queryset:
            services.revoke_credential(request.user, credential)
        self.message_user(request, _("Đã thu hồi."), messages.SUCCESS)


@admin.register(AccessRight)
class AccessRightAdmin(_ThroughServices):
    list_display = ["client", "service", "method", "path_prefix", "granted_at"]
    list_filter = ["service"]
    fields = ["client", "service", "method", "path_prefix"]
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else []

    def save_through_services(self, user, obj, form, change):
        return services.grant(user, client=obj.client, service=obj.service, method=obj.method,
                              path_prefix=obj.path_prefix)

    @admin.action(description=_("Thu hồi quyền truy cập đã chọn"))
    def revoke_selected(self, request, queryset):
        for right in queryset:
            services.revoke(request.user, right)
        self.message_user(request, _("Đã thu hồi quyền."), messages.SUCCESS)


class _ReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return services.is_operator(request.user)

    def has_view_permission(self, request, obj=None):
        return services.is_operator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MessageRecord)
class MessageRecordAdmin(_ReadOnly):
    list_display = ["seq", "started_at", "client", "service", "method", "path", "status",
                    "outcome"]
    list_filter = ["outcome", "status"]
    search_fields = ["exchange_id", "client", "service"]


@admin.register(LogBatch)
class LogBatchAdmin(_ReadOnly):
    list_display = ["first_seq", "last_seq", "head", "at", "key_id"]
