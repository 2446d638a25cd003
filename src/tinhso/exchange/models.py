"""The LGSP's registry (member systems, services, credentials, access rights) and its message
log (one record per exchange, chained by hash, signed in batches).

Identifiers follow X-Road's shape without the instance: member class / member code / subsystem
(`GOV/000.00.00.H41/MOTCUA`), a service adds its code and version
(`GOV/000.00.00.H41/DMDC/catalogues/v1`). The member code is the agency identifier code of the
national list of agency codes.
"""

import re

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import Agency

from .key_ids import pem_key_id

_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9.\-_]{0,39}"
SEGMENT_RE = re.compile(rf"^{_SEGMENT}$")
segment_validator = RegexValidator(
    rf"^{_SEGMENT}$",
    _("Chỉ gồm chữ cái không dấu, chữ số và các dấu . - _ (tối đa 40 ký tự)."),
)


class MemberSystem(models.Model):
    """An information system taking part in exchanges: a client, a provider, or both."""

    class MemberClass(models.TextChoices):
        GOV = "GOV", _("Cơ quan nhà nước")
        COM = "COM", _("Doanh nghiệp")
        ORG = "ORG", _("Tổ chức khác")

    member_class = models.CharField(_("loại thành viên"), max_length=3,
                                    choices=MemberClass.choices, default=MemberClass.GOV)
    member_code = models.CharField(_("mã định danh cơ quan"), max_length=40,
                                   validators=[segment_validator],
                                   help_text=_("Ví dụ: 000.00.00.H41"))
    subsystem = models.CharField(_("mã hệ thống"), max_length=40, validators=[segment_validator],
                                 help_text=_("Ví dụ: MOTCUA, DMDC"))
    identifier = models.CharField(_("định danh"), max_length=130, unique=True, editable=False)
    name = models.CharField(_("tên hệ thống"), max_length=255)
    agency = models.ForeignKey(Agency, models.PROTECT, null=True, blank=True,
                               related_name="exchange_systems",
                               verbose_name=_("cơ quan chủ quản (trong tỉnh)"))
    is_national = models.BooleanField(_("hệ thống quốc gia"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("thời điểm đăng ký"), auto_now_add=True)

    class Meta:
        verbose_name = _("hệ thống thành viên")
        verbose_name_plural = _("hệ thống thành viên")
        ordering = ["identifier"]

    def __str__(self) -> str:
        return f"{self.identifier} — {self.name}"

    def save(self, *args, **kwargs):
        self.identifier = system_identifier(self.member_class, self.member_code, self.subsystem)
        super().save(*args, **kwargs)


def system_identifier(member_class: str, member_code: str, subsystem: str) -> str:
    return f"{member_class}/{member_code}/{subsystem}"


class Service(models.Model):
    class Protocol(models.TextChoices):
        REST = "REST", "REST"
        SOAP = "SOAP", "SOAP"

    provider = models.ForeignKey(MemberSystem, models.PROTECT, related_name="services",
                                 verbose_name=_("hệ thống cung cấp"))
    code = models.CharField(_("mã dịch vụ"), max_length=40, validators=[segment_validator])
    version = models.CharField(_("phiên bản"), max_length=40, validators=[segment_validator],
                               default="v1")
    identifier = models.CharField(_("định danh"), max_length=215, unique=True, editable=False)
    name = models.CharField(_("tên dịch vụ"), max_length=255)
    protocol = models.CharField(_("giao thức"), max_length=4, choices=Protocol.choices,
                                default=Protocol.REST)
    description = models.TextField(_("đặc tả (OpenAPI hoặc WSDL)"), blank=True)
    # The LGSP's regulation asks the platform to convert protocols: a SOAP service with this
    # flag is called by REST clients with JSON, the gateway speaks SOAP to it (exchange.soap).
    rest_exposure = models.BooleanField(
        _("mở cho hệ thống khách REST (JSON)"), default=False,
        help_text=_("Chỉ với dịch vụ SOAP: cổng nhận JSON, gọi hệ thống cung cấp bằng SOAP "
                    "theo WSDL ở phần đặc tả và trả JSON."))
    base_url = models.URLField(_("địa chỉ gốc của hệ thống cung cấp"), max_length=500)
    timeout_ms = models.PositiveIntegerField(
        _("thời gian chờ tối đa (ms)"), default=10_000,
        validators=[MinValueValidator(50), MaxValueValidator(300_000)])
    rate_limit = models.PositiveIntegerField(
        _("giới hạn yêu cầu mỗi giây của một hệ thống khách"), default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)])
    burst = models.PositiveIntegerField(
        _("số yêu cầu dồn tối đa"), default=200,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)])
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("thời điểm đăng ký"), auto_now_add=True)

    class Meta:
        verbose_name = _("dịch vụ")
        verbose_name_plural = _("dịch vụ")
        ordering = ["identifier"]
        constraints = [models.UniqueConstraint(fields=["provider", "code", "version"],
                                               name="exchange_service_unique_version")]

    def __str__(self) -> str:
        return self.identifier

    def save(self, *args, **kwargs):
        self.identifier = f"{self.provider.identifier}/{self.code}/{self.version}"
        super().save(*args, **kwargs)


class ClientCredential(models.Model):
    """How a client system proves who it is: a public key verifying its signed JWT assertions,
    or (once the province's CA issues them) the fingerprint and serial of its TLS client
    certificate."""

    class Kind(models.TextChoices):
        JWT_KEY = "jwt_key", _("Khóa công khai kiểm tra JWT")
        TLS_CERT = "tls_cert", _("Chứng thư TLS của hệ thống khách")

    system = models.ForeignKey(MemberSystem, models.CASCADE, related_name="credentials",
                               verbose_name=_("hệ thống khách"))
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices,
                            default=Kind.JWT_KEY)
    public_key_pem = models.TextField(_("khóa công khai (PEM)"), blank=True)
    cert_fingerprint = models.CharField(_("dấu vân tay SHA-256 của chứng thư"), max_length=64,
                                        blank=True)
    cert_serial = models.CharField(_("số hiệu chứng thư"), max_length=64, blank=True)
    valid_to = models.DateTimeField(_("hiệu lực đến"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm cấp"), auto_now_add=True)

    class Meta:
        verbose_name = _("thông tin xác thực")
        verbose_name_plural = _("thông tin xác thực")
        ordering = ["system", "id"]

    def __str__(self) -> str:
        return f"{self.system.identifier} #{self.pk} ({self.get_kind_display()})"

    @property
    def key_id(self) -> str:
        """The `kid` the client's assertions name this key by, and the gateway's refusals
        quote; empty for a certificate."""
        return pem_key_id(self.public_key_pem) if self.public_key_pem else ""


class AccessRight(models.Model):
    """A client system may call a service; optionally only one method and a path prefix."""

    client = models.ForeignKey(MemberSystem, models.CASCADE, related_name="access_rights",
                               verbose_name=_("hệ thống khách"))
    service = models.ForeignKey(Service, models.CASCADE, related_name="access_rights",
                                verbose_name=_("dịch vụ"))
    method = models.CharField(_("phương thức"), max_length=7, blank=True,
                              help_text=_("Để trống: mọi phương thức."))
    path_prefix = models.CharField(_("tiền tố đường dẫn"), max_length=200, blank=True,
                                   help_text=_("Ví dụ: /units. Để trống: mọi đường dẫn."))
    granted_at = models.DateTimeField(_("thời điểm cấp quyền"), auto_now_add=True)

    class Meta:
        verbose_name = _("quyền truy cập")
        verbose_name_plural = _("quyền truy cập")
        ordering = ["service", "client", "method", "path_prefix"]
        constraints = [models.UniqueConstraint(
            fields=["client", "service", "method", "path_prefix"],
            name="exchange_access_unique")]

    def __str__(self) -> str:
        scope = " ".join(filter(None, [self.method, self.path_prefix])) or "*"
        return f"{self.client.identifier} → {self.service.identifier} ({scope})"


class MessageRecord(models.Model):
    """One exchange, answered or refused. Written only by the gateway's single log writer,
    which gives it its seq and links it to the previous record (exchange.log)."""

    seq = models.BigIntegerField(_("số thứ tự"), unique=True)
    exchange_id = models.CharField(_("mã trao đổi"), max_length=32)
    jti = models.CharField(max_length=128, blank=True)
    client = models.CharField(_("hệ thống khách"), max_length=130, blank=True)
    service = models.CharField(_("dịch vụ"), max_length=215, blank=True)
    method = models.CharField(_("phương thức"), max_length=10)
    path = models.CharField(_("đường dẫn"), max_length=500)
    started_at = models.DateTimeField(_("bắt đầu"))
    ended_at = models.DateTimeField(_("kết thúc"))
    status = models.PositiveSmallIntegerField(_("mã trạng thái HTTP"))
    outcome = models.CharField(_("kết quả"), max_length=40)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    request_digest = models.CharField(_("SHA-256 yêu cầu"), max_length=64)
    response_digest = models.CharField(_("SHA-256 phản hồi"), max_length=64)
    request_bytes = models.BigIntegerField(default=0)
    response_bytes = models.BigIntegerField(default=0)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("bản ghi trao đổi")
        verbose_name_plural = _("nhật ký trao đổi")
        ordering = ["-seq"]
        # The operator's log page filters by client, service or refusals and pages by seq
        # (keyset): each filter walks its own index backwards from the newest record.
        indexes = [models.Index(fields=["started_at"], name="exchange_msg_started"),
                   models.Index(fields=["client", "seq"], name="exchange_msg_client_seq"),
                   models.Index(fields=["service", "seq"], name="exchange_msg_service_seq"),
                   models.Index(fields=["seq"], condition=~models.Q(outcome="ok"),
                                name="exchange_msg_refused_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.client} → {self.service} {self.status}"


class LogBatch(models.Model):
    """A signed statement that records first_seq..last_seq end with `head`; with an RFC 3161
    time-stamp token over the same bytes when a timestamp authority is configured."""

    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField(unique=True)
    head = models.CharField(max_length=64)
    at = models.DateTimeField()
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100)
    timestamp_token = models.BinaryField(null=True, blank=True)

    class Meta:
        verbose_name = _("lô ký nhật ký trao đổi")
        verbose_name_plural = _("lô ký nhật ký trao đổi")
        ordering = ["last_seq"]

    def __str__(self) -> str:
        return f"#{self.first_seq}–{self.last_seq} {self.head[:12]}"
