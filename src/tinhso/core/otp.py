"""Second factor for privileged staff: a TOTP code after the password.

When `settings.TINHSO_REQUIRE_OTP_FOR_PRIVILEGED` is on, a user holding a privileged role
(`user.is_privileged`) is only half logged in until they confirm a code from their
authenticator app. The first time, they enrol a TOTP device (otpauth URI and QR code) and
confirm it with a code. Until then every staff page and the admin send them to the OTP page
(see `verified_staff_required`, `PrivilegedOTPMiddleware` and `protect_admin_site`), and every
API view answers 403 "otp_required": enforced in the API's session authentication
(core.api_auth), which every DRF view passes whatever its permissions; the API takes no
password, and its tokens are never issued to privileged accounts.

Enrolment happens on the strength of the password alone (trust on first use); an
administrator resets a lost device by deleting it in the admin.
"""

from __future__ import annotations

import functools
import math
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .errors import PermissionDenied, ValidationFailed

DEVICE_NAME = "Ứng dụng xác thực"


class VerificationRequired(PermissionDenied):
    code = "otp_required"
    default_message = _("Tài khoản của bạn cần xác nhận mã OTP trước khi tiếp tục.")


class InvalidToken(ValidationFailed):
    code = "otp_invalid"
    default_message = _("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng thử lại.")


class TooManyAttempts(PermissionDenied):
    code = "otp_throttled"
    default_message = _("Bạn đã nhập sai mã nhiều lần. Vui lòng đợi giây lát rồi thử lại.")


# --- Who must verify.


def otp_required_for(user) -> bool:
    return bool(
        settings.TINHSO_REQUIRE_OTP_FOR_PRIVILEGED
        and user is not None
        and user.is_authenticated
        and user.is_privileged
    )


def needs_verification(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if not otp_required_for(user):
        return False
    # Right after auth.login() request.user is a fresh object that OTPMiddleware has not
    # seen: it has no is_verified yet and is, indeed, not verified.
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified is not None and is_verified())


def is_staff_member(user) -> bool:
    """An official (belongs to an agency or holds a role) or an administrator."""
    return bool(
        user.is_authenticated
        and (user.is_staff or user.is_superuser or user.agency_id or user.role_codes)
    )


def safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def otp_url(next_url: str | None = None) -> str:
    url = reverse("core:otp")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


# --- Devices.


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled; the same one on every visit, so a QR code
    already scanned stays valid until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def readable_secret(device: TOTPDevice) -> str:
    """The base32 key in groups of four, for apps where it is typed in by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no image file, no external service)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")


def verify(request: HttpRequest, token: str) -> TOTPDevice:
    """Check `token` against the user's confirmed device, or confirm the pending one.

    On success the session is marked verified. Failures raise a DomainError; TOTPDevice
    doubles the wait after each failure (1 s, 2 s, 4 s ...), so codes cannot be guessed.
    """
    user = request.user
    device = confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = pending_device(user)
    allowed, info = device.verify_is_allowed()
    if not allowed:
        seconds = _wait_seconds(info)
        raise TooManyAttempts(_(
            "Bạn đã nhập sai mã nhiều lần. Vui lòng đợi %(seconds)d giây rồi thử lại."
        ) % {"seconds": seconds} if seconds else None, details={"seconds": seconds})
    with transaction.atomic():
        if not device.verify_token(token.strip()):
            audit.record("auth.otp_failed", actor=user, target=user, request=request)
            failed = True
        else:
            failed = False
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                # Older unconfirmed attempts are of no further use.
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                audit.record("auth.otp_enrolled", actor=user, target=user, request=request)
            audit.record("auth.otp_verified", actor=user, target=user, request=request)
    if failed:  # raised after the block so the failure count and audit row are kept
        raise InvalidToken
    otp_login(request, device)
    return device


def _wait_seconds(info) -> int | None:
    until = (info or {}).get("locked_until")
    if until is None:
        return None
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


# --- Enforcement.


def verified_staff_required(view):
    """For staff pages: logged in, a staff member, and OTP-verified when their role needs it."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if needs_verification(request):
            return redirect(otp_url(request.get_full_path()))
        if not is_staff_member(request.user):
            raise HttpPermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# URL names an unverified privileged user may still reach.
_OPEN_URL_NAMES = {"core:otp", "core:login", "core:logout", "set_language", "healthz",
                   "prometheus-django-metrics"}


class PrivilegedOTPMiddleware:
    """Sends an unverified privileged user to the OTP page from any page but a few.

    Goes after django_otp's OTPMiddleware. API calls get a 403 JSON body instead of a redirect.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not needs_verification(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _OPEN_URL_NAMES:
            return None
        if request.path.startswith(("/" + settings.STATIC_URL.lstrip("/"),
                                    "/" + settings.MEDIA_URL.lstrip("/"))):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(VerificationRequired().as_dict(), status=403)
        return redirect(otp_url(request.get_full_path()))


def protect_admin_site(site) -> None:
    """Make an AdminSite refuse unverified privileged users and send them to the OTP page.

    Bound on the instance because urls.py uses the default `admin.site`.
    """
    if getattr(site, "_tinhso_otp", False):
        return
    base_has_permission, base_login = site.has_permission, site.login

    def has_permission(request):
        return base_has_permission(request) and not needs_verification(request)

    def login(request, extra_context=None):
        # The admin sends users without permission to its login page; a half-logged-in
        # privileged user needs the second factor there, not the password form again.
        if needs_verification(request):
            default = reverse("admin:index", current_app=site.name)
            return redirect(otp_url(safe_next(request, request.GET.get("next"), default)))
        return base_login(request, extra_context)

    site.has_permission = has_permission
    site.login = login
    site._tinhso_otp = True
