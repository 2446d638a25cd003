"""Dossiers in the admin: read-only. Status and clock change only through dossiers.lifecycle."""

from django.contrib import admin

from .models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    FeeOrder,
    Payment,
    Result,
    WithdrawalRequest,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = ["at", "action", "from_status", "to_status", "agency", "actor_name", "note"]


class ComponentInline(ReadOnlyInline):
    model = DossierComponent
    fields = ["name", "is_digitized", "reused_from", "is_supplement", "added_at"]


class ResultInline(ReadOnlyInline):
    model = Result
    fields = ["name", "number", "is_electronic", "issued_at"]


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["amount", "method", "reference", "gateway_reference", "refund", "paid_at"]


class FeeOrderInline(ReadOnlyInline):
    model = FeeOrder
    fields = ["reference", "amount", "state", "created_at", "closed_at"]


class WithdrawalInline(ReadOnlyInline):
    model = WithdrawalRequest
    fields = ["requested_at", "reason", "state", "decided_at", "decided_by_name",
              "decline_reason"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seen, never written here: dossiers and payments change through their services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "procedure", "agency", "applicant_name", "status", "submitted_at",
                    "due_at", "sync_state"]
    # The operator finds what the national portal has not taken, and why (sync_error).
    list_filter = ["status", "channel", "sync_state"]
    search_fields = ["code", "applicant_name", "applicant_id_number"]
    list_select_related = ["procedure", "agency"]
    date_hierarchy = "submitted_at"
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page
    inlines = [ComponentInline, EventInline, ResultInline, PaymentInline, FeeOrderInline,
               WithdrawalInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    """Payments, read-only; "Hoàn trả" lists those confirmed by a gateway but not owed."""

    list_display = ["dossier", "amount", "method", "reference", "gateway_reference", "refund",
                    "paid_at"]
    list_filter = ["refund", "method"]
    search_fields = ["dossier__code", "reference", "gateway_reference"]
    list_select_related = ["dossier"]
    show_full_result_count = False
