"""Administrators may answer or refuse petitions here too (officials work in the back office,
/office/petitions/); the change goes through petitions.services."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import DomainError

from . import services
from .models import Petition

DATA_FIELDS = ["code", "kind", "status", "title", "content", "agency", "dossier_code",
               "submitter_name", "submitter_id_number", "submitter_phone", "submitter_email",
               "submitter_address", "submitted_at", "refuse_due_at", "info_due_at", "due_at",
               "assignee", "forwarded_from", "forwarded_at", "paused_since", "info_request",
               "info_reply", "answered_at", "answered_by", "closed_on_time", "publish_due_at",
               "published_at", "rating", "rated_at"]


class ReplyForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Xử lý"), required=False,
        choices=[("", "—"), ("answer", _("Trả lời")), ("refuse", _("Không tiếp nhận"))])

    class Meta:
        model = Petition
        fields = ["answer", "is_public"]


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    form = ReplyForm
    list_display = ["code", "title", "kind", "status", "agency", "submitted_at", "due_at"]
    list_filter = ["status", "kind", "agency"]
    search_fields = ["code", "title", "submitter_name", "submitter_phone"]
    readonly_fields = DATA_FIELDS
    fields = [*DATA_FIELDS, "decision", "answer", "is_public"]

    def has_add_permission(self, request):
        return False  # petitions come from the portal

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        text = form.cleaned_data.get("answer", "")
        try:
            if decision == "answer":
                services.answer(request.user, obj, text=text,
                                publish=form.cleaned_data.get("is_public", False))
            elif decision == "refuse":
                services.refuse(request.user, obj, reason=text)
            else:
                messages.info(request, _("Chưa chọn cách xử lý; không có gì thay đổi."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
