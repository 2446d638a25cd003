"""Read-mostly admin: registers are managed here; documents change only through services."""

from django.contrib import admin

from .models import Document, DocumentEvent, Register


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "direction", "issuer_abbreviation", "is_active")
    list_filter = ("direction", "is_active")
    search_fields = ("name", "agency__name", "agency__code")
    autocomplete_fields = ("agency",)


class EventInline(admin.TabularInline):
    model = DocumentEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor_name", "action", "from_status", "to_status", "note")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("notation", "subject", "agency", "direction", "status", "updated_at")
    list_filter = ("direction", "status", "doc_type")
    search_fields = ("notation", "search_text")
    show_full_result_count = False
    inlines = [EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
