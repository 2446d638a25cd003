"""Petitions (phản ánh, kiến nghị — PAKN) from people and organisations, and their answers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import Agency


class Petition(models.Model):
    class Kind(models.TextChoices):
        FEEDBACK = "feedback", _("Phản ánh")
        PROPOSAL = "proposal", _("Kiến nghị")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Đã tiếp nhận, đang xử lý")
        ANSWERED = "answered", _("Đã trả lời")
        REFUSED = "refused", _("Không tiếp nhận")

    code = models.CharField(_("mã phản ánh, kiến nghị"), max_length=30, unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices,
                            default=Kind.FEEDBACK)
    title = models.CharField(_("tiêu đề"), max_length=255)
    content = models.TextField(_("nội dung"))
    agency = models.ForeignKey(Agency, models.SET_NULL, null=True, blank=True,
                               related_name="petitions", verbose_name=_("cơ quan liên quan"))
    dossier_code = models.CharField(_("mã hồ sơ liên quan"), max_length=40, blank=True)

    submitter_name = models.CharField(_("họ và tên người gửi"), max_length=255)
    submitter_id_number = models.CharField(_("số định danh cá nhân"), max_length=14,
                                           blank=True)
    submitter_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    submitter_email = models.EmailField(_("thư điện tử"), blank=True)
    submitter_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="petitions")

    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices,
                              default=Status.RECEIVED)
    submitted_at = models.DateTimeField(_("thời điểm gửi"))
    due_at = models.DateTimeField(_("hạn trả lời"))
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_at = models.DateTimeField(_("thời điểm trả lời"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("người trả lời"))
    is_public = models.BooleanField(_("công khai câu trả lời"), default=False)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_at"]),
                   models.Index(fields=["user", "-submitted_at"])]

    def __str__(self) -> str:
        return self.code
