"""The procedure catalogue. A published ProcedureVersion is immutable; edits make a new version."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import Agency, SearchableName
from tinhso.core.roles import Role
from tinhso.core.text import fold
from tinhso.core.timeunits import TimeUnit

from .errors import VersionPublished
from .forms_schema import validate_definition

# National codes (1.004222), in full form (2.000815.000.00.00.H55) and local codes (1.012753.H19).
PROCEDURE_CODE = r"^\d\.\d{6}(\.\d{3}(\.\d{2}\.\d{2})?)?(\.[A-Z]\d{2}(\.\d{1,3})?)?$"
procedure_code_validator = RegexValidator(
    PROCEDURE_CODE,
    _("Mã thủ tục không đúng dạng (ví dụ: 1.001234, 2.000815.000.00.00.H55 hoặc 1.012753.H19)."),
    code="invalid_procedure_code",
)


class Sector(SearchableName):
    code = models.CharField(_("mã lĩnh vực"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]


class Procedure(SearchableName):
    """A procedure as the public knows it; its rules live in its versions."""

    # Published names run past 1,000 characters; the folded form is searched with LIKE.
    name = models.TextField(_("tên"))
    search_name = models.TextField(editable=False)
    code = models.CharField(
        _("mã thủ tục"), max_length=40, unique=True, validators=[procedure_code_validator]
    )
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="procedures",
                               verbose_name=_("lĩnh vực"))
    current_version = models.OneToOneField(
        "ProcedureVersion", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("phiên bản đang áp dụng"),
    )

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]


class Channel(models.TextChoices):
    """Cách thức thực hiện: how an applicant may file, each with its own time and fees."""

    DESK = "desk", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POST = "post", _("Dịch vụ bưu chính")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không trực tuyến")


class ProcedureVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã công bố")
        RETIRED = "retired", _("Hết hiệu lực")

    procedure = models.ForeignKey(Procedure, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("số phiên bản"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    published_at = models.DateTimeField(_("thời điểm công bố"), null=True, blank=True)

    agencies = models.ManyToManyField(Agency, related_name="procedure_versions",
                                      verbose_name=_("cơ quan thực hiện"))
    at_province = models.BooleanField(_("thực hiện ở cấp tỉnh"), default=False)
    at_commune = models.BooleanField(_("thực hiện ở cấp xã"), default=False)
    at_ministry = models.BooleanField(_("thực hiện ở cấp bộ"), default=False)
    at_other = models.BooleanField(_("thực hiện ở cơ quan khác"), default=False)
    # Null: the published record states no time; never given an invented default.
    processing_time = models.DecimalField(_("thời hạn giải quyết"), max_digits=6,
                                          decimal_places=1, null=True, blank=True,
                                          validators=[MinValueValidator(0)])
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, choices=TimeUnit.choices,
                                 default=TimeUnit.WORKING_DAYS)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    legal_effective_date = models.DateField(_("ngày văn bản có hiệu lực"), null=True, blank=True)
    publication_decision_no = models.CharField(_("số quyết định công bố"), max_length=100,
                                               blank=True)
    publication_decision_date = models.DateField(_("ngày quyết định công bố"), null=True,
                                                 blank=True)
    public_posting_date = models.DateField(_("ngày công khai"), null=True, blank=True)
    content_complete = models.BooleanField(_("công bố đủ nội dung"), default=False)
    online_level = models.CharField(_("mức độ trực tuyến"), max_length=10,
                                    choices=OnlineLevel.choices, default=OnlineLevel.NONE)
    uses_population_data = models.BooleanField(_("kết nối dữ liệu dân cư"), default=False)
    description = models.TextField(_("trình tự thực hiện"), blank=True)
    # Facts of the procedure as published (text; the agencies above are who receives here).
    implementing_body = models.TextField(_("cơ quan thực hiện (theo công bố)"), blank=True)
    competent_authority = models.TextField(_("cơ quan có thẩm quyền"), blank=True)
    coordinating_bodies = models.TextField(_("cơ quan phối hợp"), blank=True)
    reception_address = models.TextField(_("địa chỉ tiếp nhận hồ sơ"), blank=True)
    subjects = models.TextField(_("đối tượng thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    related_procedures = models.TextField(_("thủ tục liên quan"), blank=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [models.UniqueConstraint(fields=["procedure", "number"],
                                               name="uniq_procedure_version")]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    def save(self, *args, **kwargs):
        # The guard behind the services: once published, the only write allowed is the
        # retirement done by catalog.services.publish (status alone, published -> retired).
        stored = self._stored_status()
        if stored not in (None, self.Status.DRAFT):
            update_fields = kwargs.get("update_fields")
            retiring = (
                stored == self.Status.PUBLISHED and self.status == self.Status.RETIRED
                and update_fields is not None and set(update_fields) <= {"status"}
            )
            if not retiring:
                raise VersionPublished()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() not in (None, self.Status.DRAFT):
            raise VersionPublished()
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        """Published or retired: either way the content is frozen."""
        return self.status != self.Status.DRAFT

    def _stored_status(self) -> str | None:
        if self.pk is None or self._state.adding:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()


def ensure_versions_draft(version_ids) -> None:
    """Raise VersionPublished when any of these versions is published or retired."""
    ids = {pk for pk in version_ids if pk is not None}
    if ids and ProcedureVersion.objects.filter(pk__in=ids).exclude(
        status=ProcedureVersion.Status.DRAFT
    ).exists():
        raise VersionPublished()


@receiver(m2m_changed, sender=ProcedureVersion.agencies.through,
          dispatch_uid="catalog_frozen_agencies")
def _agencies_frozen(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("pre_"):
        return
    if not reverse:
        ensure_versions_draft([instance.pk])
    elif pk_set:
        ensure_versions_draft(pk_set)
    else:  # agency.procedure_versions.clear()
        ensure_versions_draft(instance.procedure_versions.values_list("pk", flat=True))


class FrozenWithVersion(models.Model):
    """Refuses save() and delete() while the row's version (old or new) is not a draft."""

    version_path = "version_id"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)

    def _new_version_id(self):
        return self.version_id

    def _guard(self) -> None:
        ids = [self._new_version_id()]
        if self.pk is not None and not self._state.adding:
            ids.append(type(self).objects.filter(pk=self.pk)
                       .values_list(self.version_path, flat=True).first())
        ensure_versions_draft(ids)


class VersionPart(FrozenWithVersion):
    """A row that belongs to one version and is frozen with it once published."""

    version = models.ForeignKey(ProcedureVersion, models.CASCADE, related_name="%(class)ss")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta(FrozenWithVersion.Meta):
        abstract = True
        ordering = ["version", "order", "pk"]


class ProcedureCase(VersionPart):
    """Trường hợp: a case splits papers, times and fees; the applicant chooses one."""

    name = models.TextField(_("tên trường hợp"))
    search_name = models.TextField(editable=False)

    class Meta(VersionPart.Meta):
        verbose_name = _("trường hợp")
        verbose_name_plural = _("trường hợp")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)


class CasePart(VersionPart):
    """A row that applies to one case of its version, or to every case when `case` is empty."""

    case = models.ForeignKey(ProcedureCase, models.CASCADE, null=True, blank=True,
                             related_name="%(class)ss", verbose_name=_("trường hợp"))

    class Meta(VersionPart.Meta):
        abstract = True


class Component(CasePart):
    name = models.TextField(_("tên giấy tờ"))
    is_required = models.BooleanField(_("bắt buộc"), default=True)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    template = models.FileField(_("mẫu đơn, tờ khai"), upload_to="templates/%Y/", blank=True)
    template_name = models.CharField(_("tên mẫu đơn, tờ khai"), max_length=500, blank=True)
    reusable_kind = models.CharField(
        _("loại giấy tờ có thể tái sử dụng"), max_length=100, blank=True,
        help_text=_("Mã loại giấy tờ trong kho dữ liệu điện tử có thể dùng thay bản nộp."),
    )
    # Tờ khai điện tử: the form as data (catalog.forms_schema), null when the paper has none.
    form = models.JSONField(
        _("tờ khai điện tử"), null=True, blank=True, validators=[validate_definition],
        help_text=_("Định nghĩa biểu mẫu dạng JSON (xem docs/catalogue.md); để trống nếu "
                    "giấy tờ này không có tờ khai điện tử."),
    )

    class Meta(VersionPart.Meta):
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self) -> str:
        return self.name


class ChannelTime(CasePart):
    """Thời hạn giải quyết of one channel (or of every channel when blank), per case."""

    channel = models.CharField(_("cách thức"), max_length=10, choices=Channel.choices,
                               blank=True)
    processing_time = models.DecimalField(_("thời hạn giải quyết"), max_digits=6,
                                          decimal_places=1, null=True, blank=True,
                                          validators=[MinValueValidator(0)])
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, choices=TimeUnit.choices,
                                 blank=True)
    note = models.TextField(_("mô tả"), blank=True)

    class Meta(VersionPart.Meta):
        verbose_name = _("thời hạn theo cách thức")
        verbose_name_plural = _("thời hạn theo cách thức")

    def __str__(self) -> str:
        channel = self.get_channel_display() or _("Mọi cách thức")
        if self.processing_time is None:
            return f"{channel}: {_('không quy định')}"
        return f"{channel}: {self.processing_time.normalize():f} {self.get_time_unit_display()}"


class Fee(CasePart):
    class Kind(models.TextChoices):
        FEE = "fee", _("Phí")
        CHARGE = "charge", _("Lệ phí")
        PRICE = "price", _("Giá dịch vụ")

    class Basis(models.TextChoices):
        FIXED = "fixed", _("Mức cố định")
        PER_UNIT = "per_unit", _("Theo đơn vị")
        PERCENT = "percent", _("Theo tỷ lệ phần trăm")
        RESOLUTION = "resolution", _("Theo nghị quyết của HĐND tỉnh")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.CHARGE)
    channel = models.CharField(_("cách thức"), max_length=10, choices=Channel.choices,
                               blank=True, help_text=_("Để trống nếu áp dụng mọi cách thức."))
    name = models.TextField(_("tên"))
    basis = models.CharField(_("cách tính"), max_length=10, choices=Basis.choices,
                             default=Basis.FIXED)
    # Null for a percentage or an amount the provincial council's resolution sets.
    amount = models.PositiveBigIntegerField(_("mức thu"), null=True, blank=True)
    currency = models.CharField(_("đơn vị tiền"), max_length=3, default="VND")
    unit = models.CharField(_("đơn vị tính"), max_length=100, blank=True,
                            help_text=_("Với mức thu theo đơn vị: trang, bản, m²…"))
    rate = models.DecimalField(_("tỷ lệ (%)"), max_digits=7, decimal_places=4, null=True,
                               blank=True)
    # Rows of one non-zero group are alternatives (one applies); group 0 rows always add.
    group = models.PositiveSmallIntegerField(_("nhóm lựa chọn"), default=0)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_until = models.DateField(_("áp dụng đến"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta(VersionPart.Meta):
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")

    def __str__(self) -> str:
        if self.amount is None:
            return self.name
        return f"{self.name}: {self.amount:,} {'đ' if self.currency == 'VND' else self.currency}"


class ResultType(VersionPart):
    name = models.TextField(_("tên kết quả"))
    code = models.CharField(_("mã kết quả"), max_length=100, blank=True)
    template_name = models.CharField(_("mẫu kết quả"), max_length=500, blank=True)
    is_electronic = models.BooleanField(_("có kết quả điện tử"), default=False)

    class Meta(VersionPart.Meta):
        verbose_name = _("kết quả thủ tục")
        verbose_name_plural = _("kết quả thủ tục")

    def __str__(self) -> str:
        return self.name


class ProcessTemplate(FrozenWithVersion):
    """The internal process of one version at one agency (or at any agency when blank)."""

    version = models.ForeignKey(ProcedureVersion, models.CASCADE, related_name="processes")
    agency = models.ForeignKey(Agency, models.PROTECT, null=True, blank=True,
                               related_name="process_templates", verbose_name=_("cơ quan"))
    name = models.CharField(_("tên quy trình"), max_length=255)

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        constraints = [models.UniqueConstraint(fields=["version", "agency"],
                                               name="uniq_process_per_agency")]

    def __str__(self) -> str:
        return self.name


class ProcessStep(FrozenWithVersion):
    version_path = "template__version_id"

    template = models.ForeignKey(ProcessTemplate, models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    role = models.CharField(_("vai trò thực hiện"), max_length=30, choices=Role.choices)
    division = models.CharField(_("phòng, ban"), max_length=255, blank=True)
    share = models.DecimalField(
        _("tỷ lệ thời gian (%)"), max_digits=5, decimal_places=2,
        help_text=_("Phần trăm thời hạn giải quyết dành cho bước này."),
    )
    handled_by = models.ForeignKey(
        Agency, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("cơ quan liên thông"),
        help_text=_("Để trống nếu bước do chính cơ quan tiếp nhận thực hiện."),
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "order"],
                                               name="uniq_step_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    def _new_version_id(self):
        if self.template_id is None:
            return None
        return ProcessTemplate.objects.filter(pk=self.template_id).values_list(
            "version_id", flat=True).first()
