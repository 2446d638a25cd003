"""Admin pages for the administrative backbone: units, agencies, staff, calendar, audit log."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import tokens
from .errors import DomainError
from .models import (
    AdministrativeUnit,
    Agency,
    ApiToken,
    AuditEntry,
    CalendarOverride,
    OneStopDesk,
    User,
    UserRole,
)
from .otp import protect_admin_site
from .text import fold

# Privileged users confirm their TOTP code before the admin opens (when the setting is on).
protect_admin_site(admin.site)


class FoldedSearchMixin:
    """Search names without diacritics too: "ha tinh" finds "Hà Tĩnh"."""

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results |= queryset.filter(search_name__contains=fold(search_term))
        return results, may_have_duplicates


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "division_type", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "division_type", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent", "successor"]
    list_per_page = 50


class OneStopDeskInline(admin.TabularInline):
    model = OneStopDesk
    extra = 0


@admin.register(Agency)
class AgencyAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "level", "unit", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["parent", "unit"]
    inlines = [OneStopDeskInline]


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cán bộ"), {
            "fields": ("full_name", "agency", "email", "phone", "personal_id"),
        }),
        (_("Quyền hạn"), {
            "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
        }),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {
            "classes": ("wide",),
            "fields": ("username", "usable_password", "password1", "password2"),
        }),
        (_("Thông tin cán bộ"), {"fields": ("full_name", "agency", "email", "phone")}),
    )
    list_display = ["username", "full_name", "agency", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "roles__role", "agency__level"]
    search_fields = ["username", "full_name", "email", "phone", "personal_id"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    inlines = [UserRoleInline]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    search_fields = ["note"]
    date_hierarchy = "date"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone: the log is append-only, chained and anchored (core.audit)."""

    list_display = ["seq", "at", "action", "actor_name", "target_type", "target_id",
                    "ip_address"]
    list_filter = ["action", "target_type", "at"]
    search_fields = ["action", "actor_name", "target_id"]
    date_hierarchy = "at"
    ordering = ["-id"]  # newest first, rows the sealer has not linked yet included
    show_full_result_count = False  # a COUNT over a long log on every page is wasted work

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """List and revoke; tokens are issued with `tinhso issue_api_token`, which shows the key
    once. Only a hash of the key is stored, so no page can show it."""

    list_display = ["prefix", "name", "user", "agency", "created_at", "expires_at",
                    "revoked_at", "last_used_at", "is_live"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "agency"]
    search_fields = ["prefix", "name", "user__username"]
    list_select_related = ["user", "agency"]
    fields = ["prefix", "name", "user", "agency", "created_by", "created_at", "expires_at",
              "revoked_at", "last_used_at"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(boolean=True, description=_("còn hiệu lực"))
    def is_live(self, token):
        return token.revoked_at is None and token.expires_at > timezone.now()

    @admin.action(description=_("Thu hồi các mã API đã chọn"), permissions=["change"])
    def revoke(self, request, queryset):
        try:
            for token in queryset:
                tokens.revoke(request.user, token)
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)
            return
        self.message_user(request, _("Đã thu hồi %(n)d mã API.") % {"n": queryset.count()})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The list's revoke action needs it; a token's own page stays read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the audit log names them
