"""The demo provider's client registration and synthetic citizens (safe to rerun)."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from oauth2_provider.models import get_application_model

from tinhso.core.demo.citizens import CITIZENS, DemoCitizen
from tinhso.core.identifiers import validate_personal_id

from .models import Identity

DEFAULT_PASSWORD = "tinhso-demo-2026"  # the demo staff accounts' default, for one thing to type
# Loopback callbacks match on any port (RFC 8252, honoured by django-oauth-toolkit).
DEFAULT_REDIRECT_URIS = ("http://127.0.0.1/oidc/callback/", "http://[::1]/oidc/callback/",
                         "http://localhost:8000/oidc/callback/")


def demo_password() -> str:
    return os.environ.get("TINHSO_DEMO_PASSWORD") or DEFAULT_PASSWORD


def redirect_uris() -> list[str]:
    extra = os.environ.get("TINHSO_OIDC_REDIRECT_URIS", "")
    return list(DEFAULT_REDIRECT_URIS) + [u.strip() for u in extra.split(",") if u.strip()]


@transaction.atomic
def register_client(uris: list[str] | None = None):
    """The portal as a confidential client of the provider, trusted (no consent screen)."""
    Application = get_application_model()
    app = Application.objects.filter(client_id=settings.OIDC_RP_CLIENT_ID).first() or Application(
        client_id=settings.OIDC_RP_CLIENT_ID)
    app.name = "Cổng dịch vụ công Tỉnh số"
    app.client_type = Application.CLIENT_CONFIDENTIAL
    app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    app.algorithm = Application.RS256_ALGORITHM
    app.client_secret = settings.OIDC_RP_CLIENT_SECRET  # hashed by DOT on save
    app.redirect_uris = " ".join(uris or redirect_uris())
    app.skip_authorization = True
    app.save()
    return app


@transaction.atomic
def ensure_identity(citizen: DemoCitizen, password: str) -> tuple[Identity, bool]:
    pid = validate_personal_id(citizen.personal_id)
    identity = Identity.objects.filter(personal_id=pid).first()
    if identity:
        return identity, False
    User = get_user_model()
    user = User.objects.filter(personal_id=pid).first()
    if user is None:
        user = User(username=f"vneid-{pid}", personal_id=pid, full_name=citizen.full_name)
        user.set_unusable_password()
        user.save()
    identity = Identity(user=user, personal_id=pid, full_name=citizen.full_name,
                        birth_date=citizen.birth_date, phone=citizen.phone,
                        email=citizen.email, address=citizen.address)
    identity.set_password(password)
    identity.save()
    return identity, True


def load(uris: list[str] | None = None) -> list[tuple[Identity, bool]]:
    register_client(uris)
    password = demo_password()
    return [ensure_identity(c, password) for c in CITIZENS]
