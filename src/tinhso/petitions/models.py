"""Petitions (phản ánh, kiến nghị — PAKN) from people and organisations, and their answers.

A petition is handled by the agency it is addressed to (`agency`); forwarding it hands it to
the competent agency and restarts the clock there (`started_at`). Its deadlines are kept on
the row (see services for the rules): deciding to refuse (`refuse_due_at`), asking the
petitioner for more (`info_due_at`), resolving (`due_at`) and, once answered, publishing the
answer (`publish_due_at`). While the agency waits for the petitioner (`paused_since`), the
clock stops: the deadlines move by the working time waited when the petitioner answers.
"""

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
        WAITING = "waiting", _("Chờ người gửi bổ sung thông tin")
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

    # Handling by the agency (services keep these; see the module's docstring).
    started_at = models.DateTimeField(_("bắt đầu tính thời hạn"), null=True, blank=True)
    refuse_due_at = models.DateTimeField(_("hạn từ chối tiếp nhận"), null=True, blank=True)
    info_due_at = models.DateTimeField(_("hạn yêu cầu bổ sung thông tin"), null=True,
                                       blank=True)
    publish_due_at = models.DateTimeField(_("hạn công khai câu trả lời"), null=True, blank=True)
    published_at = models.DateTimeField(_("thời điểm công khai"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("xử lý đúng hạn"), null=True, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 blank=True, related_name="+",
                                 verbose_name=_("cán bộ được giao xử lý"))
    assigned_at = models.DateTimeField(_("thời điểm giao xử lý"), null=True, blank=True)
    forwarded_from = models.ForeignKey(Agency, models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("chuyển từ cơ quan"))
    forwarded_at = models.DateTimeField(_("thời điểm chuyển"), null=True, blank=True)
    forward_note = models.TextField(_("lý do chuyển"), blank=True)
    paused_since = models.DateTimeField(_("tạm dừng tính thời hạn từ"), null=True, blank=True)
    info_request = models.TextField(_("nội dung yêu cầu bổ sung"), blank=True)
    info_requested_at = models.DateTimeField(_("thời điểm yêu cầu bổ sung"), null=True,
                                             blank=True)
    info_reply = models.TextField(_("thông tin người gửi bổ sung"), blank=True)
    info_replied_at = models.DateTimeField(_("thời điểm bổ sung"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("mức độ hài lòng (1–5)"), null=True,
                                              blank=True)
    rated_at = models.DateTimeField(_("thời điểm đánh giá"), null=True, blank=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_at"]),
                   models.Index(fields=["user", "-submitted_at"]),
                   models.Index(fields=["agency", "status", "due_at"],
                                name="petition_agency_status_due"),
                   models.Index(fields=["agency", "answered_at"], name="petition_agency_answered"),
                   models.Index(fields=["agency", "rated_at"], name="petition_agency_rated")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="petition_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.WAITING)

    @property
    def is_satisfied(self) -> bool | None:
        return None if self.rating is None else self.rating >= SATISFIED_FROM


SATISFIED_FROM = 4  # ratings 4 and 5 of 5: "hài lòng", "rất hài lòng" (as for dossiers)
