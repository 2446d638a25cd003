"""Citizens sign in with OpenID Connect: VNeID in production, the demo's /idp/ otherwise.

mozilla-django-oidc does the relying party's work (state, nonce, PKCE, the token and
userinfo requests over HTTP, the id_token signature against the provider's JWKS). This
module maps the provider's claims onto core.User and, when no provider is configured
(`TINHSO_OIDC_ISSUER` empty) and the demo provider is on, points every endpoint at its /idp/
under this server's configured address (`TINHSO_SITE_URL`).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from tinhso.core.auth import RolesWithUser
from tinhso.core.errors import ValidationFailed
from tinhso.core.identifiers import validate_personal_id
from tinhso.dossiers.policy import is_staff_member

log = logging.getLogger(__name__)

# Set in the session when the account was verified by the identity provider (an index flag).
VERIFIED_SESSION_KEY = "citizen_identity_verified"
# The endpoints under an issuer (the demo provider's, and the defaults for any other).
UNDER_ISSUER = {"authorization": "/authorize/", "token": "/token/", "userinfo": "/userinfo/",
                "jwks": "/.well-known/jwks.json"}


def issuer() -> str:
    """The provider's address, from configuration only.

    Never from the request: the server posts the code and its client secret to the token
    endpoint, so a Host header could otherwise send them to anyone's address.
    """
    if settings.TINHSO_OIDC_ISSUER:
        return settings.TINHSO_OIDC_ISSUER
    return f"{settings.TINHSO_SITE_URL}/idp" if settings.TINHSO_DEMO_IDP else ""


def endpoints() -> dict[str, str]:
    """The provider's endpoints: each as configured, else under the issuer."""
    configured = {
        "authorization": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "token": settings.OIDC_OP_TOKEN_ENDPOINT,
        "userinfo": settings.OIDC_OP_USER_ENDPOINT,
        "jwks": settings.OIDC_OP_JWKS_ENDPOINT,
    }
    base = issuer()
    found = {name: url or (f"{base}{UNDER_ISSUER[name]}" if base else "")
             for name, url in configured.items()}
    missing = sorted(name for name, url in found.items() if not url)
    if missing:
        raise ImproperlyConfigured(
            "citizens' sign-in has no OpenID Connect provider: set TINHSO_OIDC_ISSUER (or the "
            f"endpoints {', '.join(missing)} one by one), or turn on TINHSO_DEMO_IDP")
    return found


@checks.register(checks.Tags.security)  # every check, so `migrate` shows it too
def check_provider_configured(app_configs=None, **kwargs):
    try:
        endpoints()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="tinhso.E001",
                             hint="Production has no demo provider: name VNeID's address.")]
    return []


def personal_id_from(claims: dict) -> str | None:
    try:
        return validate_personal_id(str(claims.get(settings.TINHSO_OIDC_CLAIMS["personal_id"],
                                                   "")))
    except ValidationFailed:
        return None


class CitizenOIDCBackend(RolesWithUser, OIDCAuthenticationBackend):
    """A citizen's account found (or made) by the personal id number the provider vouches for."""

    def __init__(self, *args, **kwargs):  # endpoints come per request, see authenticate()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the OIDC callback passes a nonce; password log-ins never reach the provider.
        if request is None or "nonce" not in kwargs:
            return None
        found = endpoints()
        self.OIDC_OP_TOKEN_ENDPOINT = found["token"]
        self.OIDC_OP_USER_ENDPOINT = found["userinfo"]
        self.OIDC_OP_JWKS_ENDPOINT = found["jwks"]
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims):
        return personal_id_from(claims) is not None

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(personal_id=personal_id_from(claims))

    def describe_user_by_claims(self, claims):
        return f"personal id ending {(personal_id_from(claims) or '')[-4:]}"

    def create_user(self, claims):
        personal_id = personal_id_from(claims)
        user = self.UserModel(username=f"vneid-{personal_id}", personal_id=personal_id)
        user.set_unusable_password()
        self._copy_claims(user, claims)
        user.save()
        return user

    def update_user(self, user, claims):
        # A staff account must never be entered through the citizens' door (no second factor).
        if is_staff_member(user) or user.is_staff:
            raise SuspiciousOperation("a staff account signed in as a citizen")
        if self._copy_claims(user, claims):
            user.save()
        return user

    @staticmethod
    def _copy_claims(user, claims) -> bool:
        names = settings.TINHSO_OIDC_CLAIMS
        changed = False
        for field in ("full_name", "phone", "email"):
            value = str(claims.get(names[field]) or "").strip()
            limit = user._meta.get_field(field).max_length
            if value and value[:limit] != getattr(user, field):
                setattr(user, field, value[:limit])
                changed = True
        return changed


class CitizenAuthenticationRequestView(OIDCAuthenticationRequestView):
    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoints()["authorization"]
        except ImproperlyConfigured as exc:  # also a system check error (tinhso.E001)
            log.error("%s", exc)
            return HttpResponseRedirect(resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE))
        return super().get(request)


class CitizenAuthenticationCallbackView(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)

    def login_failure(self):
        log.info("citizen sign-in failed")
        return HttpResponseRedirect(self.failure_url)

    def login_success(self):
        response = super().login_success()
        self.request.session[VERIFIED_SESSION_KEY] = True
        messages.success(self.request, _("Đăng nhập thành công. Xin chào %(name)s.")
                         % {"name": self.user})
        return response
