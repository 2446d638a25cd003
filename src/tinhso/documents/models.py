"""Official documents (văn bản đi, văn bản đến) of the province's agencies.

- Register: an agency's incoming or outgoing register (sổ văn bản); RegisterCounter its last
  number per calendar year, the row locked while a number is taken (services.next_number).
- Document: one document as one agency holds it. An outgoing document is drafted, reviewed,
  approved, signed, sealed, numbered and issued; delivering it to another agency of the
  province creates that agency's own incoming Document (`source` points back), which is then
  registered, directed, assigned and completed there.
- DocumentFile: an immutable stored file (a draft version, the signed and sealed renditions,
  an attachment). Nothing ever rewrites a file row: a revision is a new row, so a signature
  always points at the exact bytes it signed (sha256 kept beside the file).
- Recipient: where an outgoing document goes (an agency of the province, or an outside organ
  reached through the exchange axis) and the last status the recipient reported.
- DocumentEvent: append-only history of every action.

Statuses are written only by documents.services.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import Agency

from .types import DocumentType


class Register(models.Model):
    class Direction(models.TextChoices):
        INCOMING = "in", _("Sổ văn bản đến")
        OUTGOING = "out", _("Sổ văn bản đi")

    agency = models.ForeignKey(Agency, models.PROTECT, related_name="document_registers",
                               verbose_name=_("cơ quan"))
    direction = models.CharField(_("loại sổ"), max_length=3, choices=Direction.choices)
    name = models.CharField(_("tên sổ"), max_length=200)
    # The issuing body's abbreviation in notations ("UBND", "STP"): 123/QĐ-UBND.
    issuer_abbreviation = models.CharField(_("chữ viết tắt tên cơ quan"), max_length=30,
                                           blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("sổ văn bản")
        verbose_name_plural = _("sổ văn bản")
        ordering = ["agency", "direction", "pk"]
        constraints = [models.UniqueConstraint(fields=["agency", "direction", "name"],
                                               name="documents_register_unique_name")]

    def __str__(self):
        return self.name


class RegisterCounter(models.Model):
    """The last number taken in a register in one calendar year (numbers restart at 01)."""

    register = models.ForeignKey(Register, models.CASCADE, related_name="counters")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["register", "year"],
                                               name="documents_counter_once_per_year")]

    def __str__(self):
        return f"{self.register_id}/{self.year}: {self.last_number}"


class Priority(models.IntegerChoices):
    """Độ khẩn, as the edXML code list numbers it."""

    NORMAL = 0, _("Thường")
    URGENT = 1, _("Khẩn")
    VERY_URGENT = 2, _("Thượng khẩn")
    EXPRESS = 3, _("Hỏa tốc")
    EXPRESS_TIMED = 4, _("Hỏa tốc hẹn giờ")


class Status(models.TextChoices):
    # outgoing
    DRAFT = "draft", _("Dự thảo")
    IN_REVIEW = "in_review", _("Chờ thẩm định")
    REVIEWED = "reviewed", _("Chờ lãnh đạo duyệt")
    APPROVED = "approved", _("Đã duyệt, chờ ký")
    SIGNED = "signed", _("Đã ký, chờ đóng dấu")
    SEALED = "sealed", _("Đã đóng dấu, chờ phát hành")
    ISSUED = "issued", _("Đã phát hành")
    # incoming
    ARRIVED = "arrived", _("Chờ vào sổ")
    REGISTERED = "registered", _("Đã vào sổ, chờ chỉ đạo")
    DIRECTED = "directed", _("Đã có ý kiến chỉ đạo, chờ giao")
    ASSIGNED = "assigned", _("Đang xử lý")
    COMPLETED = "completed", _("Đã xử lý xong")
    # both
    RECALLED = "recalled", _("Đã thu hồi")


class Document(models.Model):
    class Direction(models.TextChoices):
        OUTGOING = "out", _("Văn bản đi")
        INCOMING = "in", _("Văn bản đến")

    agency = models.ForeignKey(Agency, models.PROTECT, related_name="documents",
                               verbose_name=_("cơ quan"))
    direction = models.CharField(_("loại"), max_length=3, choices=Direction.choices)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices)
    doc_type = models.CharField(_("loại văn bản"), max_length=10, choices=DocumentType.choices)
    subject = models.CharField(_("trích yếu"), max_length=1000)
    content = models.TextField(_("nội dung"), blank=True)
    priority = models.PositiveSmallIntegerField(_("độ khẩn"), choices=Priority.choices,
                                                default=Priority.NORMAL)
    drafting_unit = models.CharField(_("đơn vị soạn thảo"), max_length=30, blank=True)

    # Number and notation: the outgoing number at issue, the incoming one at registration.
    register = models.ForeignKey(Register, models.PROTECT, null=True, blank=True,
                                 related_name="documents", verbose_name=_("sổ"))
    number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    # The document's own number and notation as its issuer wrote it ("123/QĐ-UBND").
    notation = models.CharField(_("số, ký hiệu"), max_length=100, blank=True, db_index=True)
    issued_at = models.DateTimeField(_("ngày ban hành"), null=True, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)

    # The issuer: this agency for outgoing documents, the sender for incoming ones.
    sender_name = models.CharField(_("cơ quan ban hành"), max_length=255)
    sender_organ_id = models.CharField(_("mã định danh cơ quan gửi"), max_length=50, blank=True)

    # Files: the current main file (the draft version, then signed, then sealed).
    main_file = models.ForeignKey("DocumentFile", models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("tệp văn bản"))

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(_("ngày tạo"))
    updated_at = models.DateTimeField(_("cập nhật"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("người thẩm định"))
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("người duyệt"))

    # Incoming: where it came from, its processing.
    source = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                               related_name="deliveries", verbose_name=_("văn bản gốc"))
    # Outside senders: "<organ id>|<edXML DocumentId>", unique per agency (idempotent intake).
    source_key = models.CharField(max_length=300, null=True, blank=True)  # noqa: DJ001
    received_at = models.DateTimeField(_("ngày đến"), null=True, blank=True)
    direction_note = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    directed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("lãnh đạo chỉ đạo"))
    assigned_unit = models.CharField(_("đơn vị xử lý"), max_length=200, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 blank=True, related_name="assigned_documents",
                                 verbose_name=_("cán bộ xử lý"))
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    completed_at = models.DateTimeField(_("ngày hoàn thành"), null=True, blank=True)
    recalled_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)
    response_for = models.ForeignKey("self", models.SET_NULL, null=True, blank=True,
                                     related_name="responses",
                                     verbose_name=_("trả lời văn bản"))

    # Folded (diacritics and case removed) subject, notation and sender: the search column.
    search_text = models.TextField(default="", editable=False)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["register", "number_year", "number"],
                                    condition=models.Q(number__isnull=False),
                                    name="documents_number_once_per_register_year"),
            models.UniqueConstraint(fields=["agency", "source_key"],
                                    condition=models.Q(source_key__isnull=False),
                                    name="documents_source_once_per_agency"),
        ]
        indexes = [
            # Lists: one agency's documents of one direction, newest first (keyset by pk).
            models.Index(fields=["agency", "direction", "-id"], name="documents_list"),
            models.Index(fields=["agency", "direction", "status", "-id"],
                         name="documents_list_status"),
            # Reminder queues: open incoming documents by deadline.
            models.Index(fields=["agency", "due_at"], condition=models.Q(status="assigned"),
                         name="documents_open_due"),
        ]

    def __str__(self):
        return f"{self.notation or '—'} {self.subject[:60]}"

    @property
    def is_outgoing(self) -> bool:
        return self.direction == self.Direction.OUTGOING


class DocumentFile(models.Model):
    class Kind(models.TextChoices):
        DRAFT = "draft", _("Bản dự thảo")
        SIGNED = "signed", _("Bản đã ký số")
        SEALED = "sealed", _("Bản đã ký số và đóng dấu")
        RECEIVED = "received", _("Bản nhận được")
        ATTACHMENT = "attachment", _("Tệp đính kèm")

    document = models.ForeignKey(Document, models.CASCADE, related_name="files")
    kind = models.CharField(_("loại tệp"), max_length=10, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(_("tệp"), upload_to="documents/%Y/%m/", max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    # The file this one was made from (the draft a signature was put on).
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                               related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField()
    # Its text, folded, for search (never read by lists).
    text = models.TextField(default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("tệp văn bản")
        verbose_name_plural = _("tệp văn bản")
        ordering = ["document", "pk"]

    def __str__(self):
        return self.name


class Recipient(models.Model):
    """Where an outgoing document goes, and what the recipient last reported."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        ARRIVED = "arrived", _("Đã đến")
        REFUSED = "refused", _("Bị từ chối")
        REGISTERED = "registered", _("Đã vào sổ")
        ASSIGNED = "assigned", _("Đã giao xử lý")
        PROCESSING = "processing", _("Đang xử lý")
        COMPLETED = "completed", _("Đã xử lý xong")
        RECALL_REQUESTED = "recall_requested", _("Đề nghị thu hồi")
        RECALLED = "recalled", _("Đã thu hồi")
        RECALL_REFUSED = "recall_refused", _("Từ chối thu hồi")

    document = models.ForeignKey(Document, models.CASCADE, related_name="recipients")
    agency = models.ForeignKey(Agency, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("cơ quan trong tỉnh"))
    organ_id = models.CharField(_("mã định danh cơ quan"), max_length=50, blank=True)
    name = models.CharField(_("tên cơ quan nhận"), max_length=255)
    delivered = models.OneToOneField(Document, models.SET_NULL, null=True, blank=True,
                                     related_name="delivered_from",
                                     verbose_name=_("văn bản đến tại nơi nhận"))
    state = models.CharField(_("tình trạng"), max_length=20, choices=State.choices,
                             default=State.PENDING)
    state_at = models.DateTimeField(null=True, blank=True)
    state_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("nơi nhận")
        verbose_name_plural = _("nơi nhận")
        ordering = ["document", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(agency__isnull=False)
                                   | ~models.Q(organ_id=""),
                                   name="documents_recipient_has_address"),
        ]
        indexes = [
            # The exchange axis's queue: outside recipients still to be sent.
            models.Index(fields=["id"], condition=models.Q(state="pending",
                                                           agency__isnull=True),
                         name="documents_external_pending"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_external(self) -> bool:
        return self.agency_id is None


class DocumentEvent(models.Model):
    """Append-only: one row per action taken on a document."""

    document = models.ForeignKey(Document, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                              related_name="+")
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("thao tác"), max_length=30)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    note = models.TextField(_("nội dung"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("diễn biến văn bản")
        verbose_name_plural = _("diễn biến văn bản")
        ordering = ["document", "at", "pk"]

    def __str__(self):
        return f"{self.document_id} {self.action} → {self.to_status}"


class AxisCursor(models.Model):
    """How far the exchange axis has read the events for the statuses owed outside (one row):
    each status goes out once, in the order the changes happened."""

    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("vị trí đọc của trục liên thông")

    def __str__(self):
        return str(self.last_event_id)
