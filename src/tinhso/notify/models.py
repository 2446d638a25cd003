"""Outbox of messages to applicants: a row is written with the change, sent by a task later.

A row is never deleted on failure; it keeps its attempts and last error so that an operator
sees in the admin what did not go out and can send it again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_ATTEMPTS = 5


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        SMS = "sms", _("Tin nhắn SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")

    dossier = models.ForeignKey("dossiers.Dossier", models.CASCADE, related_name="notifications",
                                verbose_name=_("hồ sơ"))
    event = models.CharField(_("sự kiện"), max_length=40)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    # When the queued task is expected to try again; a pending row long past it was lost by
    # the queue (worker down, queue pruned) and `retry_notifications` enqueues it again.
    next_attempt_at = models.DateTimeField(_("lần gửi tiếp theo"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}"

    @property
    def retryable(self) -> bool:
        return self.status == self.Status.PENDING and self.attempts < MAX_ATTEMPTS
