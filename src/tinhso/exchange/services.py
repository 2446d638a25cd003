"""The only functions that change the LGSP's registry. Each takes the acting user, checks that
they are the platform's operator, validates, writes in one transaction and records the change
in the tamper-evident audit log (core.audit). The gateway reads the registry in the background
and picks a change up within TINHSO_GATEWAY_REFRESH_SECONDS.
"""

from __future__ import annotations

import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core import audit
from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.core.roles import Role

from .models import AccessRight, ClientCredential, MemberSystem, Service

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_FINGERPRINT_RE = re.compile(r"^[0-9a-f]{64}$")
SYSTEM_FIELDS = ("name", "agency", "is_national", "is_active")
SERVICE_FIELDS = ("name", "protocol", "description", "base_url", "timeout_ms", "rate_limit",
                  "burst", "is_active", "rest_exposure")


def is_operator(user) -> bool:
    """The LGSP's operator: a system administrator of the province's platform."""
    return bool(user and user.is_authenticated
                and (user.is_superuser or user.has_role(Role.SYSTEM_ADMIN)))


def _check(actor) -> None:
    if not is_operator(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được quản lý đăng ký của nền tảng "
                                 "chia sẻ dữ liệu."))


def _save(obj, *, exclude=()):
    """full_clean then save; a model's complaint becomes a 400 with the fields named."""
    try:
        obj.full_clean(exclude=list(exclude))
        with transaction.atomic():
            obj.save()
    except ValidationError as exc:
        details = ({k: [str(m) for m in v] for k, v in exc.message_dict.items()}
                   if hasattr(exc, "error_dict") else {"__all__": [str(m) for m in exc]})
        raise ValidationFailed(_("Dữ liệu đăng ký không hợp lệ."), code="invalid_registration",
                               details=details) from None
    except IntegrityError:
        raise Conflict(_("Đã có bản đăng ký trùng định danh."), code="duplicate") from None
    return obj


def _record(action: str, actor, target, data: dict) -> None:
    audit.record(f"exchange.{action}", actor=actor, target=target, data=data)


# --- Member systems.

@transaction.atomic
def register_system(actor, *, member_class: str, member_code: str, subsystem: str, name: str,
                    agency=None, is_national: bool = False) -> MemberSystem:
    _check(actor)
    system = MemberSystem(member_class=member_class, member_code=member_code.strip(),
                          subsystem=subsystem.strip(), name=name.strip(), agency=agency,
                          is_national=is_national)
    system.identifier = f"{system.member_class}/{system.member_code}/{system.subsystem}"
    if MemberSystem.objects.filter(identifier=system.identifier).exists():
        raise Conflict(_("Hệ thống %(id)s đã được đăng ký.") % {"id": system.identifier},
                       code="duplicate")
    _save(system)
    _record("system.registered", actor, system, {"identifier": system.identifier,
                                                 "name": system.name})
    return system


@transaction.atomic
def update_system(actor, system: MemberSystem, **changes) -> MemberSystem:
    _check(actor)
    system = MemberSystem.objects.select_for_update().get(pk=system.pk)
    changed = _apply(system, changes, SYSTEM_FIELDS)
    if changed:
        _save(system)
        _record("system.updated", actor, system, {"identifier": system.identifier,
                                                  "changed": changed})
    return system


def _apply(obj, changes: dict, allowed) -> dict:
    changed = {}
    for field, value in changes.items():
        if field not in allowed:
            raise ValidationFailed(_("Không được sửa trường %(f)s.") % {"f": field},
                                   code="invalid_field")
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed[field] = value.pk if hasattr(value, "pk") else value
    return changed


# --- Services.

@transaction.atomic
def register_service(actor, *, provider: MemberSystem, code: str, name: str,
                     base_url: str, version: str = "v1", protocol: str = Service.Protocol.REST,
                     description: str = "", timeout_ms: int = 10_000, rate_limit: int = 100,
                     burst: int = 200, rest_exposure: bool = False) -> Service:
    _check(actor)
    service = Service(provider=provider, code=code.strip(), version=version.strip(),
                      name=name.strip(), protocol=protocol, description=description,
                      base_url=base_url.strip().rstrip("/"), timeout_ms=timeout_ms,
                      rate_limit=rate_limit, burst=burst, rest_exposure=rest_exposure)
    _check_exposure(service)
    service.identifier = f"{provider.identifier}/{service.code}/{service.version}"
    if Service.objects.filter(provider=provider, code=service.code,
                              version=service.version).exists():
        raise Conflict(_("Dịch vụ %(c)s phiên bản %(v)s đã được đăng ký.")
                       % {"c": service.code, "v": service.version}, code="duplicate")
    _save(service)
    _record("service.registered", actor, service, {"identifier": service.identifier,
                                                   "base_url": service.base_url})
    return service


@transaction.atomic
def update_service(actor, service: Service, **changes) -> Service:
    _check(actor)
    service = Service.objects.select_for_update().select_related("provider").get(pk=service.pk)
    if "base_url" in changes:
        changes["base_url"] = str(changes["base_url"]).strip().rstrip("/")
    changed = _apply(service, changes, SERVICE_FIELDS)
    if changed:
        _check_exposure(service)
        _save(service)
        if "description" in changed:  # the record keeps a digest, not the whole text
            changed["description"] = hashlib.sha256(
                service.description.encode()).hexdigest()
        _record("service.updated", actor, service, {"identifier": service.identifier,
                                                    "changed": changed})
    return service


def _check_exposure(service: Service) -> None:
    """A SOAP service opened to REST clients needs a WSDL the gateway can convert by; the
    gateway would otherwise leave the service out of its registry."""
    from . import soap

    if not service.rest_exposure:
        return
    if service.protocol != Service.Protocol.SOAP:
        raise ValidationFailed(
            _("Chỉ dịch vụ SOAP mới cần chuyển đổi sang REST."), code="invalid_registration",
            details={"rest_exposure": [str(_("Chỉ dùng với giao thức SOAP."))]})
    try:
        soap.read_wsdl(service.description)
    except soap.WsdlError as exc:
        raise ValidationFailed(_("WSDL không dùng được để chuyển đổi: %(e)s") % {"e": exc},
                               code="invalid_wsdl",
                               details={"description": [str(exc)]}) from None


# --- Credentials.

def _check_public_key(pem: str) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    try:
        key = serialization.load_pem_public_key(pem.strip().encode())
    except (ValueError, TypeError):
        raise ValidationFailed(_("Khóa công khai không đọc được (cần PEM)."),
                               code="invalid_public_key") from None
    if not isinstance(key, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
                      | rsa.RSAPublicKey):
        raise ValidationFailed(_("Chỉ nhận khóa Ed25519, EC hoặc RSA."),
                               code="invalid_public_key")
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < 2048:
        raise ValidationFailed(_("Khóa RSA phải dài ít nhất 2048 bit."),
                               code="invalid_public_key")


@transaction.atomic
def add_credential(actor, system: MemberSystem, *, kind: str = ClientCredential.Kind.JWT_KEY,
                   public_key_pem: str = "", cert_fingerprint: str = "", cert_serial: str = "",
                   valid_to=None) -> ClientCredential:
    _check(actor)
    credential = ClientCredential(system=system, kind=kind, valid_to=valid_to)
    if kind == ClientCredential.Kind.JWT_KEY:
        _check_public_key(public_key_pem)
        credential.public_key_pem = public_key_pem.strip() + "\n"
    elif kind == ClientCredential.Kind.TLS_CERT:
        fingerprint = cert_fingerprint.replace(":", "").strip().lower()
        if not _FINGERPRINT_RE.match(fingerprint):
            raise ValidationFailed(_("Dấu vân tay SHA-256 phải gồm 64 chữ số hệ 16."),
                                   code="invalid_fingerprint")
        credential.cert_fingerprint, credential.cert_serial = fingerprint, cert_serial.strip()
    _save(credential)
    _record("credential.added", actor, credential, {"system": system.identifier, "kind": kind,
                                                    "fingerprint": credential.cert_fingerprint})
    return credential


@transaction.atomic
def revoke_credential(actor, credential: ClientCredential, *, at=None) -> ClientCredential:
    _check(actor)
    credential = ClientCredential.objects.select_for_update().select_related("system").get(
        pk=credential.pk)
    if credential.revoked_at is None:
        credential.revoked_at = at or timezone.now()
        credential.save(update_fields=["revoked_at"])
        _record("credential.revoked", actor, credential,
                {"system": credential.system.identifier})
    return credential


# --- Access rights.

@transaction.atomic
def grant(actor, *, client: MemberSystem, service: Service, method: str = "",
          path_prefix: str = "") -> AccessRight:
    _check(actor)
    method = (method or "").strip().upper()
    if method and method not in METHODS:
        raise ValidationFailed(_("Phương thức không hợp lệ."), code="invalid_method")
    path_prefix = (path_prefix or "").strip()
    if path_prefix and not path_prefix.startswith("/"):
        raise ValidationFailed(_("Tiền tố đường dẫn phải bắt đầu bằng /."),
                               code="invalid_path_prefix")
    if AccessRight.objects.filter(client=client, service=service, method=method,
                                  path_prefix=path_prefix).exists():
        raise Conflict(_("Quyền này đã được cấp."), code="duplicate")
    right = _save(AccessRight(client=client, service=service, method=method,
                              path_prefix=path_prefix))
    _record("access.granted", actor, right, {"client": client.identifier,
                                             "service": service.identifier,
                                             "method": method, "path_prefix": path_prefix})
    return right


@transaction.atomic
def revoke(actor, right: AccessRight) -> None:
    _check(actor)
    right = AccessRight.objects.select_related("client", "service").get(pk=right.pk)
    data = {"client": right.client.identifier, "service": right.service.identifier,
            "method": right.method, "path_prefix": right.path_prefix}
    target = ("exchange.accessright", right.pk)
    right.delete()
    _record("access.revoked", actor, target, data)
