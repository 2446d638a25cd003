from django.contrib import admin
from django.db import transaction

from .models import IndexDefinition, RefreshState


@admin.register(IndexDefinition)
class IndexDefinitionAdmin(admin.ModelAdmin):
    """Administrators replace the index definition here; it is validated on save."""

    list_display = ("version", "title", "is_active", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("version", "title", "created_at")
    fields = ("version", "title", "is_active", "data", "created_at")

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if obj.is_active:  # one active version: activating this one retires the other
            IndexDefinition.objects.exclude(pk=obj.pk).filter(is_active=True).update(
                is_active=False)
        super().save_model(request, obj, form, change)


@admin.register(RefreshState)
class RefreshStateAdmin(admin.ModelAdmin):
    list_display = ("last_run_at", "last_seconds", "last_dossiers", "last_event_id",
                    "last_full_at")
    readonly_fields = (*list_display, "requested_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
