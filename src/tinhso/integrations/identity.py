"""Citizens sign in with OpenID Connect: VNeID in production, the demo's /idp/ otherwise.

mozilla-django-oidc does the relying party's work (state, nonce, PKCE, the token and
userinfo requests over HTTP, the id_token signature against the provider's JWKS). This
module maps the provider's claims onto core.User and, when no provider is configured
(`TINHSO_OIDC_ISSUER` empty), points every endpoint at this server's own /idp/.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from tinhso.core.auth import RolesWithUser
from tinhso.core.errors import ValidationFailed
from tinhso.dossiers.identifiers import validate_personal_id
from tinhso.dossiers.policy import is_staff_member

log = logging.getLogger(__name__)

# Set in the session when the account was verified by the identity provider (an index flag).
VERIFIED_SESSION_KEY = "citizen_identity_verified"
LOCAL_ROUTES = {"authorization": "oauth2_provider:authorize", "token": "oauth2_provider:token",
                "userinfo": "oauth2_provider:user-info", "jwks": "oauth2_provider:jwks-info"}


def endpoints(request) -> dict[str, str]:
    """The provider's endpoints: as configured, else this server's /idp/ at the host used."""
    configured = {
        "authorization": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "token": settings.OIDC_OP_TOKEN_ENDPOINT,
        "userinfo": settings.OIDC_OP_USER_ENDPOINT,
        "jwks": settings.OIDC_OP_JWKS_ENDPOINT,
    }
    return {name: url or request.build_absolute_uri(reverse(LOCAL_ROUTES[name]))
            for name, url in configured.items()}


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
        found = endpoints(request)
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
        self.OIDC_OP_AUTH_ENDPOINT = endpoints(request)["authorization"]
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
