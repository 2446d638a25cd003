"""Drafts of online filings: kept on the server, so a closed browser loses nothing."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.catalog.models import Component, Procedure, ProcedureCase, ProcedureVersion
from tinhso.core.models import Agency
from tinhso.dossiers.models import Dossier


def new_key() -> str:
    return uuid.uuid4().hex


class Draft(models.Model):
    """One filing in progress per citizen and procedure; it keeps its dossier once submitted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                             related_name="portal_drafts")
    procedure = models.ForeignKey(Procedure, models.CASCADE, related_name="+")
    version = models.ForeignKey(ProcedureVersion, models.CASCADE, related_name="+")
    # Trường hợp the citizen chose (a case of `version`); empty until chosen, or when the
    # procedure has no cases.
    case = models.ForeignKey(ProcedureCase, models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("trường hợp"))
    agency = models.ForeignKey(Agency, models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("cơ quan tiếp nhận"))
    applicant_name = models.CharField(_("họ và tên"), max_length=255, blank=True)
    applicant_id_number = models.CharField(_("số định danh cá nhân"), max_length=12,
                                           blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    # The citizen consented to a look-up in the national population database (at filing).
    use_population_db = models.BooleanField(_("đồng ý tra cứu CSDL dân cư"), default=False)
    # The key lifecycle.submit sees: a second click, a reload or a retry files nothing new.
    idempotency_key = models.CharField(max_length=100, unique=True, default=new_key)
    dossier = models.ForeignKey(Dossier, models.SET_NULL, null=True, blank=True,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")
        constraints = [
            models.UniqueConstraint(fields=["user", "procedure"], condition=Q(dossier=None),
                                    name="uniq_open_draft_per_procedure"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.procedure_id}"


class DraftPaper(models.Model):
    """The paper given for one component: an upload, or a reference into the e-data store."""

    draft = models.ForeignKey(Draft, models.CASCADE, related_name="papers")
    component = models.ForeignKey(Component, models.CASCADE, related_name="+")
    file = models.FileField(_("tệp"), upload_to="drafts/%Y/%m/", blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    reused_from = models.CharField(_("tái sử dụng từ kho"), max_length=100, blank=True)
    # What the citizen entered in the component's e-form so far (kept even when not valid yet).
    form_data = models.JSONField(_("dữ liệu tờ khai điện tử"), null=True, blank=True)
    added_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("giấy tờ của hồ sơ nháp")
        verbose_name_plural = _("giấy tờ của hồ sơ nháp")
        constraints = [models.UniqueConstraint(fields=["draft", "component"],
                                               name="uniq_draft_paper")]

    def __str__(self) -> str:
        return self.original_name or self.reused_from
