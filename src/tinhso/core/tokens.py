"""API tokens: credentials for machines (an agency's own software calling the API).

A token belongs to one account and is scoped to that account's agency: it acts as the
account, so it sees what the account sees, and it dies when the account leaves the agency.
Tokens are for machines only: people holding a privileged role (or superusers) must sign in
through the pages with the second factor, so no token is issued to them, and a token stops
working the moment its account gains such a role.

The key is `tsk_<8 hex>_<43 random characters>` (32 random bytes); only its SHA-256 is
stored (a random key needs no slow hash), with the `tsk_<8 hex>` prefix to name it in lists.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit
from .errors import PermissionDenied, ValidationFailed
from .models import ApiToken
from .roles import PRIVILEGED_ROLES, Role

DEFAULT_DAYS = 90
MAX_DAYS = 366
# last_used_at is written at most this often per token: the API's hot path stays read-only.
TOUCH_EVERY = timedelta(minutes=1)
_PREFIX_RE = re.compile(r"^tsk_[0-9a-f]{8}$")


class TokenInvalid(Exception):
    """A presented key that does not authenticate; the reason is for the audit log only."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _presented_prefix(key: str) -> str:
    prefix = key[:12]
    return prefix if _PREFIX_RE.match(prefix) else ""


# --- Who may hold one, who may issue one.


def refusal(user) -> tuple[str, str] | None:
    """Why `user` may not hold a working token (code, reason), or None."""
    if not user.is_active:
        return "inactive", "token_inactive_account"
    if user.is_superuser or user.role_codes & PRIVILEGED_ROLES:
        return "privileged", "token_privileged_account"
    if not user.agency_id:
        return "no_agency", "token_no_agency"
    return None


_REFUSALS = {
    "token_inactive_account": _("Tài khoản đã bị khóa, không thể cấp mã API."),
    "token_privileged_account": _(
        "Không cấp mã API cho tài khoản lãnh đạo, giám sát hoặc quản trị: người giữ vai trò này "
        "phải đăng nhập bằng mật khẩu và mã OTP."),
    "token_no_agency": _("Tài khoản không thuộc cơ quan nào, không thể cấp mã API."),
}


def ensure_can_manage(actor) -> None:
    """Only administrators issue and revoke tokens; None is the operator at the console."""
    if actor is None or actor.is_superuser or actor.has_role(Role.SYSTEM_ADMIN):
        return
    raise PermissionDenied(_("Chỉ quản trị hệ thống được cấp hoặc thu hồi mã API."))


# --- Issuing and revoking.


def issue(actor, user, *, name: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """A new token for `user`'s software; returns it with its key, which is shown only now."""
    ensure_can_manage(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Cần đặt tên cho mã API (phần mềm nào dùng nó)."),
                               code="token_name_required")
    if not 1 <= int(days) <= MAX_DAYS:
        raise ValidationFailed(_("Thời hạn của mã API từ 1 đến %(max)d ngày.") % {"max": MAX_DAYS},
                               code="token_days_invalid")
    refused = refusal(user)
    if refused is not None:
        raise ValidationFailed(_REFUSALS[refused[1]], code=refused[1])
    now = timezone.now()
    with transaction.atomic():
        prefix = f"tsk_{secrets.token_hex(4)}"
        while ApiToken.objects.filter(prefix=prefix).exists():
            prefix = f"tsk_{secrets.token_hex(4)}"
        key = f"{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            name=name[:100], user=user, agency_id=user.agency_id, prefix=prefix,
            key_hash=hash_key(key), created_by=actor, created_at=now,
            expires_at=now + timedelta(days=int(days)))
        audit.record("api_token.issued", actor=actor, target=token, data={
            "prefix": prefix, "name": token.name, "user": user.get_username(),
            "agency": token.agency_id, "expires_at": token.expires_at})
    return token, key


def revoke(actor, token: ApiToken) -> ApiToken:
    """Revoke `token` from now on; revoking a revoked token changes nothing."""
    ensure_can_manage(actor)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record("api_token.revoked", actor=actor, target=token,
                         data={"prefix": token.prefix, "name": token.name})
    return token


# --- Using one.


def authenticate(key: str, *, request=None) -> ApiToken:
    """The live token for `key` (with its account), or TokenInvalid, audited."""
    now = timezone.now()
    token = None
    if key:
        token = (ApiToken.objects.select_related("user")
                 .filter(key_hash=hash_key(key)).first())
    reason = _dead_reason(token, now)
    if reason is not None:
        audit.record("auth.token_failed", target=token, request=request, data={
            "reason": reason,
            "prefix": token.prefix if token is not None else _presented_prefix(key)})
        raise TokenInvalid(reason)
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _dead_reason(token: ApiToken | None, now) -> str | None:
    if token is None:
        return "unknown"
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= now:
        return "expired"
    user = token.user
    if user.agency_id != token.agency_id and user.is_active:
        return "moved"
    refused = refusal(user)
    return refused[0] if refused is not None else None
