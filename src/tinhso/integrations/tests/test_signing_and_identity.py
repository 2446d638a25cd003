"""The mapping of identity claims (the payment gateway's signatures: test_vnpay.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tinhso.integrations import identity


def test_without_a_configured_provider_the_endpoints_are_the_demo_providers(settings):
    settings.TINHSO_OIDC_ISSUER = settings.OIDC_OP_TOKEN_ENDPOINT = ""
    settings.TINHSO_SITE_URL = "http://127.0.0.1:8000"
    found = identity.endpoints()
    assert found["authorization"] == "http://127.0.0.1:8000/idp/authorize/"
    assert found["token"] == "http://127.0.0.1:8000/idp/token/"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://vneid.example/token"
    assert identity.endpoints()["token"] == "https://vneid.example/token"
    settings.TINHSO_OIDC_ISSUER = "https://vneid.example/oidc"
    assert identity.endpoints()["jwks"] == "https://vneid.example/oidc/.well-known/jwks.json"


def test_without_a_provider_and_without_the_demo_one_sign_in_is_misconfigured(settings):
    settings.TINHSO_OIDC_ISSUER = settings.OIDC_OP_TOKEN_ENDPOINT = ""
    settings.TINHSO_DEMO_IDP = False
    with pytest.raises(ImproperlyConfigured, match="TINHSO_OIDC_ISSUER"):
        identity.endpoints()
    assert [e.id for e in identity.check_provider_configured()] == ["tinhso.E001"]


def test_claims_need_a_valid_personal_id(settings):
    assert identity.personal_id_from({"personal_id": "025090001001"}) == "025090001001"
    assert identity.personal_id_from({"personal_id": "12345"}) is None
    settings.TINHSO_OIDC_CLAIMS = {**settings.TINHSO_OIDC_CLAIMS, "personal_id": "so_dinh_danh"}
    assert identity.personal_id_from({"so_dinh_danh": "025090001001"}) == "025090001001"
