"""Signed documents tinhso issued: what the public verification page (/verify/) looks up.

One row per signed file: its short code (printed on the file with the QR code of its
verification address), the stored signed file, its SHA-256 (so an uploaded copy can be
matched), and what it is. The signing service stays generic: a row names what it signs by
kind and id (a dossier's result today, an official document later), never by a foreign key
into the app that asked, so `signing` depends on no domain app.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignedDocument(models.Model):
    class Kind(models.TextChoices):
        DOSSIER_RESULT = "dossier_result", _("Kết quả giải quyết thủ tục hành chính")

    code = models.CharField(_("mã tra cứu"), max_length=16, unique=True)
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    subject_id = models.PositiveBigIntegerField(_("mã bản ghi được ký"))
    title = models.TextField(_("tên văn bản"))
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    issuer = models.ForeignKey("core.Agency", models.PROTECT, related_name="+",
                               verbose_name=_("cơ quan ban hành"))
    signer_name = models.CharField(_("người ký"), max_length=200)
    signed_at = models.DateTimeField(_("thời điểm ký"))
    file = models.FileField(_("tệp đã ký"), upload_to="signed/%Y/%m/")
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("văn bản đã ký số")
        verbose_name_plural = _("văn bản đã ký số")
        constraints = [models.UniqueConstraint(fields=["kind", "subject_id"],
                                               name="signed_document_once_per_subject")]

    def __str__(self):
        return f"{self.code} {self.title}"
