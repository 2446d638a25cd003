"""The one-stop engine's facts. Status and clock fields are written only by dossiers.lifecycle."""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from tinhso.catalog.models import Channel as CatalogChannel
from tinhso.catalog.models import (
    Component,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
)
from tinhso.core.models import Agency
from tinhso.core.text import fold


class Status(models.IntegerChoices):
    """TrangThaiHoSo of the national portal."""

    SUBMITTED = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    PAYMENT_REQUESTED = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    FINISHED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


class Channel(models.IntegerChoices):
    """KenhThucHien."""

    DESK = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Bưu chính công ích")


# The catalogue's name of each channel, whose time and fees a filing takes.
CATALOG_CHANNEL = {Channel.DESK: CatalogChannel.DESK, Channel.ONLINE: CatalogChannel.ONLINE,
                   Channel.POSTAL: CatalogChannel.POST}


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    ORGANISATION = "organisation", _("Tổ chức")


class SyncState(models.TextChoices):
    PENDING = "pending", _("Chờ đồng bộ")
    SYNCED = "synced", _("Đã đồng bộ")
    FAILED = "failed", _("Đồng bộ lỗi")


# A dossier owes the personal e-data store its papers and results once it has a result and
# something electronic to keep (a digitised paper or an electronic result), until acknowledged.
EDATA_OWED = (models.Q(edata_synced_at__isnull=True)
              & (models.Q(has_electronic_result=True) | models.Q(has_digitized_components=True))
              & (models.Q(finished_at__isnull=False) | models.Q(returned_at__isnull=False)))


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True)
    # The foreign keys that lead a composite index below are not indexed on their own: the
    # composite serves them, and each index is written on every submission.
    procedure = models.ForeignKey(Procedure, models.PROTECT, related_name="dossiers",
                                  db_index=False)
    procedure_version = models.ForeignKey(ProcedureVersion, models.PROTECT, related_name="+")
    case = models.ForeignKey(ProcedureCase, models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("trường hợp"), db_index=False)
    # The statutory time of the case and channel filed, fixed at submission (null: none stated).
    processing_time = models.DecimalField(_("thời hạn giải quyết"), max_digits=6,
                                          decimal_places=1, null=True, blank=True)
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, blank=True)
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="dossiers",
                               verbose_name=_("cơ quan tiếp nhận"), db_index=False)
    current_agency = models.ForeignKey(Agency, models.PROTECT, related_name="+",
                                       verbose_name=_("cơ quan đang xử lý"), db_index=False)

    applicant_kind = models.CharField(max_length=15, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=255)
    # What an official's search matches: the code, the name and the one-line texts of the
    # e-forms filed, folded (search_text below), written at submission (and a supplement's
    # forms); PostgreSQL indexes its three-character pieces by agency (migration 0016).
    search_text = models.TextField(editable=False, default="")
    applicant_id_number = models.CharField(_("số định danh / mã số thuế"), max_length=14,
                                           db_index=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    applicant_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                       blank=True, related_name="dossiers", db_index=False)
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices)
    is_full_online = models.BooleanField(_("nộp trực tuyến toàn trình"), default=False)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    status = models.PositiveSmallIntegerField(_("trạng thái"), choices=Status.choices,
                                              default=Status.SUBMITTED)
    lock_version = models.PositiveIntegerField(default=0)
    current_step = models.ForeignKey(ProcessStep, models.PROTECT, null=True, blank=True,
                                     related_name="+")
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    # The official who holds the open step (dossiers.assignment); null: the unit's queue,
    # or no step open (desk work, closed dossiers).
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 blank=True, related_name="assigned_dossiers",
                                 verbose_name=_("người được giao xử lý"), db_index=False)
    assigned_at = models.DateTimeField(_("thời điểm giao xử lý"), null=True, blank=True)

    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ngày kết thúc xử lý"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ngày dừng/từ chối/rút"), null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveBigIntegerField(_("thời gian tạm dừng (giây làm việc)"),
                                                    default=0)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)

    fees_owed = models.PositiveBigIntegerField(_("nghĩa vụ tài chính (đồng)"), default=0)
    fees_paid = models.PositiveBigIntegerField(_("đã nộp (đồng)"), default=0)
    # Money confirmed by a payment gateway that the dossier did not owe (payments.py).
    refund_due = models.PositiveBigIntegerField(_("chờ hoàn trả (đồng)"), default=0,
                                                db_default=0)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    has_digitized_components = models.BooleanField(_("có thành phần số hóa"), default=False)
    reused_papers = models.BooleanField(_("tái sử dụng dữ liệu số hóa"), default=False)
    used_population_db = models.BooleanField(_("dùng CSDL dân cư"), default=False)
    vneid_verified = models.BooleanField(_("tài khoản xác thực VNeID"), default=False)
    has_electronic_result = models.BooleanField(_("có kết quả điện tử"), default=False)
    # The national portal's copy (dossiers.portal_sync): every change makes it pending again;
    # "synced" only once the portal acknowledged the dossier as it is now.
    sync_state = models.CharField(_("đồng bộ Cổng DVC quốc gia"), max_length=10,
                                  choices=SyncState.choices, default=SyncState.PENDING)
    synced_at = models.DateTimeField(_("thời điểm Cổng xác nhận"), null=True, blank=True)
    sync_error = models.TextField(_("lỗi đồng bộ gần nhất"), blank=True, default="",
                                  db_default="")
    sync_attempts = models.PositiveIntegerField(default=0, db_default=0)
    sync_retry_at = models.DateTimeField(null=True, blank=True)
    # The last event sent to the portal as a progress entry (CapNhatTienDoHoSoMC).
    synced_event_id = models.BigIntegerField(null=True, blank=True)
    # When the personal e-data store acknowledged the dossier's papers and results
    # (dossiers.edata_sync; service-index component 5.5).
    edata_synced_at = models.DateTimeField(_("thời điểm đồng bộ kho dữ liệu điện tử"),
                                           null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("đánh giá"), null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["current_agency", "status", "due_at"]),
            models.Index(fields=["agency", "received_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["procedure", "received_at"]),
            models.Index(fields=["applicant_user", "-submitted_at"]),
            # Search (selectors.filter_dossiers q=) matches code iexact, the applicant's id
            # (db_index) or a fragment of search_text (PostgreSQL: keys by agency, 0016).
            models.Index(Upper("code"), name="dossier_code_upper_idx"),
            # A fragment found in thousands: its newest matches, read in order (0016).
            models.Index(fields=["current_agency", "-submitted_at", "-id"],
                         name="dossier_agency_newest_idx"),
            # Only dossiers with a case: three in four procedures have none.
            models.Index(fields=["case"], condition=models.Q(case__isnull=False),
                         name="dossier_case_idx"),
            # "Việc của tôi": an official's own open steps, by status and due date. Only
            # assigned rows: most dossiers are closed, and closing clears the assignee.
            models.Index(fields=["assignee", "status", "due_at"],
                         condition=models.Q(assignee__isnull=False),
                         name="dossier_assignee_idx"),
            # The unit's queue: open steps nobody holds (few rows, read by the unit's head
            # and the step's role holders).
            models.Index(fields=["current_agency", "due_at"],
                         condition=models.Q(assignee__isnull=True, current_step__isnull=False),
                         name="dossier_unassigned_idx"),
            # What the portal has not acknowledged yet, for the sync worker (a backlog, not
            # the table), and the acknowledgements the index refresh re-reads.
            models.Index(fields=["id"], condition=~models.Q(sync_state="synced"),
                         name="dossier_sync_backlog_idx"),
            models.Index(fields=["synced_at"], condition=models.Q(synced_at__isnull=False),
                         name="dossier_synced_at_idx"),
            # The same two for the personal e-data store: what it is owed, what it took.
            models.Index(fields=["id"], condition=EDATA_OWED, name="dossier_edata_backlog_idx"),
            models.Index(fields=["edata_synced_at"],
                         condition=models.Q(edata_synced_at__isnull=False),
                         name="dossier_edata_synced_idx"),
        ]

    def __str__(self) -> str:
        return self.code


# Room for the e-forms' texts in search_text: a birth registration's names fit; a long form
# does not grow the search index (every submission writes it) without bound.
SEARCH_FORM_MAX = 300
SEARCH_SEPARATOR = " | "  # between values: a fragment never spans two of them


def search_text(code: str, applicant_name: str, form_texts: Iterable[str] = ()) -> str:
    """'H44.07-261204-0001', 'Nguyễn Văn An' -> 'h44.07-261204-0001 nguyen van an': the
    portal's folding (core.text.fold), so that "nguyen van an" and "261204" both find it;
    then the texts filed in its e-forms (catalog.forms_schema.searchable)."""
    return with_form_texts(fold(f"{code} {applicant_name}"), form_texts)


def with_form_texts(text: str, form_texts: Iterable[str]) -> str:
    """`text` and the folded form texts it does not hold yet, within SEARCH_FORM_MAX more
    characters (a text that does not fit is left out whole)."""
    room = SEARCH_FORM_MAX - sum(len(SEARCH_SEPARATOR) + len(part)
                                 for part in text.split(SEARCH_SEPARATOR)[1:])
    for value in form_texts:
        folded = fold(value)
        if not folded or folded in text or len(SEARCH_SEPARATOR) + len(folded) > room:
            continue
        text += SEARCH_SEPARATOR + folded
        room -= len(SEARCH_SEPARATOR) + len(folded)
    return text


class DossierEvent(models.Model):
    """Append-only: one row per action an official or applicant took on a dossier."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                              blank=True, related_name="+")
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("thao tác"), max_length=40)
    from_status = models.PositiveSmallIntegerField(choices=Status.choices, null=True)
    to_status = models.PositiveSmallIntegerField(choices=Status.choices)
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="+")
    step = models.ForeignKey(ProcessStep, models.PROTECT, null=True, blank=True,
                             related_name="+")
    note = models.TextField(_("nội dung"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("diễn biến hồ sơ")
        verbose_name_plural = _("diễn biến hồ sơ")
        ordering = ["dossier", "at", "pk"]
        indexes = [models.Index(fields=["at"])]


    def __str__(self):
        return f"{self.dossier_id} {self.action} → {self.to_status}"


class DossierComponent(models.Model):
    """A paper the applicant provided: uploaded, scanned at the desk, or reused from storage."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="components")
    component = models.ForeignKey(Component, models.PROTECT, null=True, blank=True,
                                  related_name="+")
    name = models.TextField(_("tên giấy tờ"))
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/", blank=True)
    is_digitized = models.BooleanField(_("đã số hóa"), default=False)
    reused_from = models.CharField(_("tái sử dụng từ kho"), max_length=100, blank=True)
    is_supplement = models.BooleanField(_("nộp bổ sung"), default=False)
    added_at = models.DateTimeField()
    # The filed e-form's clean values (catalog.forms_schema), read with its component's form.
    form_data = models.JSONField(_("dữ liệu tờ khai điện tử"), null=True, blank=True)

    class Meta:
        verbose_name = _("giấy tờ đã nộp")
        verbose_name_plural = _("giấy tờ đã nộp")


    def __str__(self):
        return self.name


class PopulationLookup(models.Model):
    """A look-up in the national population database (dossiers.population): who looked whom
    up, when, for what, how the citizen consented, and the dossier filed with it."""

    class Consent(models.TextChoices):
        SELF = "self", _("Công dân tự tra cứu thông tin của mình")
        AT_DESK = "at_desk", _("Công dân đồng ý tại bộ phận một cửa")

    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                              related_name="+", db_index=False)
    actor_name = models.CharField(_("người tra cứu"), max_length=150, blank=True)
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12)
    purpose = models.CharField(_("mục đích"), max_length=200)
    consent = models.CharField(_("sự đồng ý"), max_length=10, choices=Consent.choices)
    found = models.BooleanField(_("tìm thấy"))
    dossier = models.ForeignKey(Dossier, models.SET_NULL, null=True, blank=True,
                                related_name="population_lookups")

    class Meta:
        verbose_name = _("tra cứu CSDL dân cư")
        verbose_name_plural = _("tra cứu CSDL dân cư")
        indexes = [models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.personal_id} {self.at:%Y-%m-%d %H:%M}"


class SupplementRequest(models.Model):
    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="supplement_requests")
    requested_at = models.DateTimeField()
    reasons = models.TextField(_("lý do, giấy tờ cần bổ sung"))
    resolved_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveBigIntegerField(default=0)


    def __str__(self):
        return f"{self.dossier_id}: {self.reasons[:60]}"


class WithdrawalRequest(models.Model):
    """An applicant's request to withdraw their dossier (national status 7 once accepted).

    The applicant asks online with a reason; an official of the receiving agency's desk
    accepts it (the dossier is withdrawn through lifecycle.withdraw) or declines it with a
    reason. At most one request of a dossier is open (dossiers.withdrawals).
    """

    class State(models.TextChoices):
        OPEN = "open", _("Chờ cơ quan xem xét")
        ACCEPTED = "accepted", _("Đã đồng ý rút hồ sơ")
        DECLINED = "declined", _("Không đồng ý rút hồ sơ")

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="withdrawal_requests",
                                verbose_name=_("hồ sơ"))
    reason = models.TextField(_("lý do rút hồ sơ"))
    requested_at = models.DateTimeField(_("thời điểm đề nghị"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices,
                             default=State.OPEN)
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    decided_by_name = models.CharField(_("người quyết định"), max_length=150, blank=True)
    decline_reason = models.TextField(_("lý do không đồng ý"), blank=True)

    class Meta:
        verbose_name = _("đề nghị rút hồ sơ")
        verbose_name_plural = _("đề nghị rút hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=models.Q(state="open"),
                                    name="one_open_withdrawal_request"),
        ]

    def __str__(self):
        return f"{self.dossier_id}: {self.get_state_display()}"


class Result(models.Model):
    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="results")
    name = models.TextField(_("tên kết quả"))
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    is_electronic = models.BooleanField(_("kết quả điện tử"), default=False)
    file = models.FileField(_("tệp"), upload_to="results/%Y/%m/", blank=True)
    issued_at = models.DateTimeField()


    def __str__(self):
        return self.number or self.name


class Payment(models.Model):
    """Money received for a dossier. A payment with a `refund` reason was confirmed by the
    gateway but not owed (a cancelled or already paid order, another amount): it is kept,
    not counted in fees_paid, and waits to be paid back."""

    class Method(models.IntegerChoices):
        NATIONAL_PORTAL = 1, _("Trực tuyến qua Cổng DVC quốc gia")
        PROVINCE_GATEWAY = 2, _("Trực tuyến qua cổng thanh toán của tỉnh")
        DESK = 3, _("Tại bộ phận một cửa")

    class Refund(models.TextChoices):
        CANCELLED_ORDER = "cancelled_order", _("Cần hoàn trả: trả cho đơn hàng đã hủy")
        DUPLICATE = "duplicate", _("Cần hoàn trả: thanh toán trùng")
        OTHER_AMOUNT = "other_amount", _("Cần hoàn trả: số tiền khác đơn hàng")
        NOT_OWED = "not_owed", _("Cần hoàn trả: hồ sơ không còn nợ khoản này")

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="payments")
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    method = models.PositiveSmallIntegerField(_("hình thức"), choices=Method.choices)
    reference = models.CharField(_("mã giao dịch"), max_length=100, blank=True)
    # Database defaults too: the bulk seeder writes payments without these columns.
    gateway_reference = models.CharField(_("mã giao dịch của cổng thanh toán"), max_length=100,
                                         blank=True, default="", db_default="")
    refund = models.CharField(_("hoàn trả"), max_length=20, choices=Refund.choices,
                              blank=True, default="", db_default="")
    paid_at = models.DateTimeField()

    class Meta:
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("khoản thanh toán")
        # The few payments waiting for a refund, for the admin's list (no cost to the others).
        indexes = [models.Index(fields=["-paid_at"], condition=~models.Q(refund=""),
                                name="payment_refund_due_idx")]
        constraints = [
            # One settling payment per reference; payments to refund may share it (a second
            # payment of the same order), told apart by the gateway's own transaction number.
            models.UniqueConstraint(
                fields=["method", "reference"],
                condition=~models.Q(reference="") & models.Q(refund=""),
                name="uniq_payment_reference",
            ),
            models.UniqueConstraint(
                fields=["method", "gateway_reference"],
                condition=~models.Q(gateway_reference=""),
                name="uniq_payment_gateway_reference",
            ),
        ]

    def __str__(self):
        return f"{self.amount:,} đ ({self.get_method_display()})"


class FeeOrder(models.Model):
    """An order sent to the payment gateway for what a dossier owes. At most one is open per
    dossier; one that is replaced is cancelled here, so that a late payment of it is known."""

    class State(models.TextChoices):
        OPEN = "open", _("Chờ thanh toán")
        PAID = "paid", _("Đã thanh toán")
        CANCELLED = "cancelled", _("Đã hủy")

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="fee_orders")
    reference = models.CharField(_("mã đơn hàng"), max_length=100, unique=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices,
                             default=State.OPEN)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đơn hàng thanh toán trực tuyến")
        verbose_name_plural = _("đơn hàng thanh toán trực tuyến")
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=models.Q(state="open"),
                                    name="one_open_fee_order"),
        ]

    def __str__(self):
        return self.reference


class CodeCounter(models.Model):
    """Gap-free daily counter behind dossier codes (row-locked while a code is taken)."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="uniq_code_day")]

    def __str__(self):
        return f"{self.agency_id} {self.day:%y%m%d}: {self.last}"
