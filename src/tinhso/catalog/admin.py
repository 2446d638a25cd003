"""Admin pages where a province configures its procedures without programming.

Every write goes through catalog.services, so the same permission and the same guard on
published versions apply here as in the API. A published (or retired) version opens read-only.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import DomainError

from . import services
from .models import (
    ChannelTime,
    Component,
    Fee,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
    ProcessTemplate,
    ResultType,
    Sector,
)


def _report(modeladmin, request, exc: DomainError) -> None:
    details = exc.details if isinstance(exc.details, list) else []
    text = " ".join([str(exc.message), *map(str, details)])
    modeladmin.message_user(request, text, messages.ERROR)


class ManagedAdmin(admin.ModelAdmin):
    """Writes only for catalogue administrators (the services' rule)."""

    def has_add_permission(self, request, *args):
        return services.can_manage(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return services.can_manage(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return services.can_manage(request.user) and super().has_delete_permission(request, obj)


@admin.register(Sector)
class SectorAdmin(ManagedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "search_name"]


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ["link", "status", "published_at", "processing_time", "time_unit", "online_level"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("các phiên bản")

    def has_add_permission(self, request, obj=None):
        return False  # versions are made by "tạo phiên bản mới"

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("phiên bản"))
    def link(self, version):
        url = reverse("admin:catalog_procedureversion_change", args=[version.pk])
        return format_html('<a href="{}">v{}</a>', url, version.number)


@admin.register(Procedure)
class ProcedureAdmin(ManagedAdmin):
    list_display = ["code", "name", "sector", "current_version"]
    list_filter = ["sector"]
    search_fields = ["code", "search_name"]
    list_select_related = ["sector", "current_version__procedure"]
    readonly_fields = ["current_version"]
    inlines = [VersionInline]
    actions = ["make_new_version"]

    def save_model(self, request, obj, form, change):
        services.ensure_can_manage(request.user)
        if change:
            obj.save()
            return
        created = services.create_procedure(request.user, code=obj.code, name=obj.name,
                                            sector=obj.sector)
        obj.pk, obj._state.adding = created.pk, False

    @admin.action(description=_("Tạo phiên bản mới"))
    def make_new_version(self, request, queryset):
        made = 0
        for procedure in queryset:
            try:
                services.new_version(request.user, procedure)
                made += 1
            except DomainError as exc:
                _report(self, request, exc)
        if made:
            self.message_user(request, _("Đã tạo %d bản nháp mới.") % made, messages.SUCCESS)


class FrozenInline:
    """Inline rows of a version: editable only while the version is a draft."""

    extra = 0

    def _editable(self, request, obj) -> bool:
        return services.can_manage(request.user) and (obj is None or not obj.is_published)

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


class CaseInline(FrozenInline, admin.TabularInline):
    model = ProcedureCase
    fields = ["order", "name"]


class OfCase(FrozenInline):
    """Rows that name a case: the choice is among this version's cases only (save new
    cases first, then assign them)."""

    def get_formset(self, request, obj=None, **kwargs):
        self._version = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "case":
            kwargs["queryset"] = ProcedureCase.objects.filter(version=self._version)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ComponentInline(OfCase, admin.TabularInline):
    model = Component
    fields = ["order", "case", "name", "is_required", "originals", "copies", "reusable_kind",
              "template_name", "template", "form"]


class ChannelTimeInline(OfCase, admin.TabularInline):
    model = ChannelTime
    fields = ["order", "case", "channel", "processing_time", "time_unit", "note"]


class FeeInline(OfCase, admin.TabularInline):
    model = Fee
    fields = ["order", "case", "channel", "kind", "name", "basis", "amount", "currency", "unit",
              "rate", "group", "valid_from", "valid_until", "note"]


class ResultTypeInline(FrozenInline, admin.TabularInline):
    model = ResultType
    fields = ["order", "name", "code", "template_name", "is_electronic"]


class ProcessTemplateInline(FrozenInline, admin.TabularInline):
    model = ProcessTemplate
    fields = ["agency", "name"]
    show_change_link = True
    raw_id_fields = ["agency"]


class PartsThroughServices:
    """Saves and deletes inline rows through the services (permission + draft guard)."""

    def save_formset(self, request, form, formset, change):
        for row in formset.save(commit=False):
            services.save_part(request.user, row)
        for row in formset.deleted_objects:
            services.delete_part(request.user, row)
        formset.save_m2m()


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(PartsThroughServices, ManagedAdmin):
    list_display = ["procedure", "number", "status", "published_at", "online_level"]
    list_filter = ["status", "online_level", "procedure__sector"]
    search_fields = ["procedure__code", "procedure__search_name"]
    list_select_related = ["procedure"]
    readonly_fields = ["procedure", "number", "status", "published_at"]
    fields = ["procedure", "number", "status", "published_at", *services.CONTENT_FIELDS,
              "agencies"]
    filter_horizontal = ["agencies"]
    inlines = [CaseInline, ComponentInline, ChannelTimeInline, FeeInline, ResultTypeInline,
               ProcessTemplateInline]
    actions = ["publish", "make_new_version"]

    def has_add_permission(self, request):
        return False  # a version is born from its procedure or from "tạo phiên bản mới"

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.CONTENT_FIELDS}
        services.update_version(request.user, obj, **fields)

    @admin.action(description=_("Công bố"))
    def publish(self, request, queryset):
        done = 0
        for version in queryset.select_related("procedure"):
            try:
                services.publish(request.user, version)
                done += 1
            except DomainError as exc:
                _report(self, request, exc)
        if done:
            self.message_user(request, _("Đã công bố %d phiên bản.") % done, messages.SUCCESS)

    @admin.action(description=_("Tạo phiên bản mới"))
    def make_new_version(self, request, queryset):
        procedures = Procedure.objects.filter(
            pk__in=queryset.values("procedure_id")).distinct()
        ProcedureAdmin.make_new_version(self, request, procedures)


class ProcessStepInline(FrozenInline, admin.TabularInline):
    model = ProcessStep
    fields = ["order", "name", "role", "division", "share", "handled_by"]
    raw_id_fields = ["handled_by"]

    def _editable(self, request, obj) -> bool:
        return services.can_manage(request.user) and (
            obj is None or not obj.version.is_published)


@admin.register(ProcessTemplate)
class ProcessTemplateAdmin(PartsThroughServices, ManagedAdmin):
    list_display = ["name", "version", "agency"]
    list_select_related = ["version__procedure", "agency"]
    search_fields = ["name", "version__procedure__code"]
    raw_id_fields = ["version", "agency"]
    inlines = [ProcessStepInline]

    def has_add_permission(self, request):
        return False  # added from the version page

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.version.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.version.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.save_part(request.user, obj)
