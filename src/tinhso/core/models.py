"""The administrative backbone: units, agencies, staff, the work calendar and the audit log."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .roles import PRIVILEGED_ROLES, PROVINCE_WIDE_ROLES, Role
from .text import clean_name, fold

AGENCY_CODE_RE = r"^[A-Z]\d{2}(\.\d{1,3}){0,3}$"
agency_code_validator = RegexValidator(
    AGENCY_CODE_RE,
    _("Mã định danh cơ quan không đúng dạng (ví dụ: H44, H44.07, H44.100)."),
    code="invalid_agency_code",
)


class SearchableName(models.Model):
    """A name plus its folded form, kept in step on save, for diacritic-blind search."""

    name = models.CharField(_("tên"), max_length=255)
    search_name = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_name(self.name)
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)


class AdministrativeUnit(SearchableName):
    """A province or a commune-level unit (xã, phường, đặc khu) of the two-level system."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/thành phố")
        COMMUNE = "commune", _("Xã/phường/đặc khu")

    code = models.CharField(_("mã"), max_length=5, unique=True)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    division_type = models.CharField(_("loại"), max_length=30)
    codename = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("trực thuộc"),
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
        help_text=_("Đơn vị nhận lại lịch sử khi đơn vị này bị sáp nhập."),
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "parent"])]

    def current(self) -> "AdministrativeUnit":
        """Follow successor links to the unit that carries this one's history today."""
        unit, seen = self, set()
        while unit.successor_id and unit.pk not in seen:
            seen.add(unit.pk)
            unit = unit.successor
        return unit


class Agency(SearchableName):
    """An agency of the province: the People's Committee, a department, a commune committee."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã")

    code = models.CharField(
        _("mã định danh"), max_length=20, unique=True, validators=[agency_code_validator]
    )
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("cơ quan cấp trên"),
    )
    unit = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, related_name="agencies",
        verbose_name=_("đơn vị hành chính"),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["code"]


class OneStopDesk(models.Model):
    agency = models.ForeignKey(Agency, models.CASCADE, related_name="desks")
    name = models.CharField(_("tên"), max_length=255)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("bộ phận một cửa")
        verbose_name_plural = _("bộ phận một cửa")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff account (belongs to an agency, holds roles) or a citizen's account."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    agency = models.ForeignKey(
        Agency, models.PROTECT, null=True, blank=True, related_name="staff",
        verbose_name=_("cơ quan"),
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    personal_id = models.CharField(
        _("số định danh cá nhân"), max_length=12, null=True, blank=True, unique=True
    )

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(self.roles.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))

    @property
    def is_province_wide(self) -> bool:
        return self.is_superuser or bool(self.role_codes & PROVINCE_WIDE_ROLES)

    @property
    def is_privileged(self) -> bool:
        return self.is_superuser or bool(self.role_codes & PRIVILEGED_ROLES)


class UserRole(models.Model):
    user = models.ForeignKey(User, models.CASCADE, related_name="roles")
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role")]

    def __str__(self) -> str:
        return self.get_role_display()


class CalendarOverride(models.Model):
    """A one-off government decision: a day off that `holidays` does not know, or a swap."""

    date = models.DateField(_("ngày"), unique=True)
    is_working_day = models.BooleanField(_("là ngày làm việc"))
    note = models.CharField(_("căn cứ, ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}"


class AuditEntry(models.Model):
    """Append-only record of a security-relevant action, chained by the sealer (core.audit).

    Written without seq and links; the sealer gives it its place in the chain (seq, prev_hash,
    hash) shortly after. `keyed` is False only for rows linked before the chain had a key.
    """

    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        # DO_NOTHING: rewriting actor_id when a user is deleted would break the row's hash.
        User, models.DO_NOTHING, null=True, blank=True, related_name="+",
        db_constraint=False, verbose_name=_("người thực hiện"),
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=60)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    # Not unique, not indexed: the chain is walked by seq. Every index here is paid twice per
    # entry (the insert, then the sealer's update), and officials' reads write entries.
    hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 (null: unsealed)
    keyed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("nhật ký kiểm toán")
        verbose_name_plural = _("nhật ký kiểm toán")
        ordering = ["id"]
        indexes = [
            # The sealer's queue: rows not yet in the chain, in the order they were written.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True),
                         name="core_audit_unsealed"),
            # The admin's filter by action; a plain index (no LIKE copy of the column).
            models.Index(fields=["action"], name="core_audit_action"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '…'} {self.action}"


class AuditCheckpoint(models.Model):
    """A signed statement of the chain's head; the same line is appended to the anchor file."""

    seq = models.BigIntegerField(unique=True)
    head = models.CharField(max_length=64)
    count = models.BigIntegerField()
    at = models.DateTimeField()
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("mốc kiểm chứng nhật ký")
        verbose_name_plural = _("mốc kiểm chứng nhật ký")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.head[:12]}"


class ApiToken(models.Model):
    """A machine's credential for the API, scoped to its account's agency (see core.tokens).

    Only a SHA-256 hash of the key is kept; the key itself is shown once, when issued.
    """

    name = models.CharField(_("tên"), max_length=100)
    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens",
                             verbose_name=_("tài khoản"))
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="+",
                               verbose_name=_("cơ quan"))
    prefix = models.CharField(_("tiền tố"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("người cấp"))
    created_at = models.DateTimeField(_("ngày cấp"))
    expires_at = models.DateTimeField(_("hết hạn"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã API")
        verbose_name_plural = _("mã API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name})"
