"""The citizen's sign-in, end to end over real HTTP: the portal (relying party) and the demo
provider run on the same live server; the portal fetches tokens, keys and claims over HTTP."""

import re

import pytest
import requests
from django.contrib.auth import get_user_model

from tinhso.core.models import UserRole
from tinhso.core.roles import Role
from tinhso.idp import demo
from tinhso.idp.models import Identity

PASSWORD = "mat-khau-thu-2026"
NEXT_RE = re.compile(r'id="idp-next" value="([^"]*)"')


@pytest.fixture
def provider(live_server, settings):
    settings.TINHSO_SITE_URL = live_server.url  # the portal reaches the provider there
    demo.register_client([f"{live_server.url}/oidc/callback/"])
    identity, _created = demo.ensure_identity(demo.CITIZENS[0], PASSWORD)
    return identity


def sign_in(live_server, personal_id, password, next_path="/my/dossiers/"):
    browser = requests.Session()
    page = browser.get(f"{live_server.url}/oidc/authenticate/", params={"next": next_path},
                       timeout=30)
    assert page.status_code == 200 and "/idp/login/" in page.url  # at the provider
    next_url = NEXT_RE.search(page.text).group(1).replace("&amp;", "&")
    answer = browser.post(f"{live_server.url}/idp/login/", timeout=30, data={
        "csrfmiddlewaretoken": browser.cookies["csrftoken"], "personal_id": personal_id,
        "password": password, "next": next_url})
    return browser, answer


@pytest.mark.django_db(transaction=True)
def test_a_citizen_signs_in_through_the_provider_and_lands_where_they_were_going(
        live_server, provider):
    _browser, page = sign_in(live_server, provider.personal_id, PASSWORD)
    assert page.status_code == 200
    assert page.url == f"{live_server.url}/my/dossiers/"
    assert "Hồ sơ của tôi" in page.text and "Nguyễn Văn An" in page.text
    user = get_user_model().objects.get(personal_id=provider.personal_id)
    # Claims from /idp/userinfo/ were mapped onto the account.
    assert (user.full_name, user.phone, user.email) == (
        "Nguyễn Văn An", "0912000101", "an.nguyen@example.vn")
    assert user.agency_id is None and not user.has_usable_password()


@pytest.mark.django_db(transaction=True)
def test_a_claim_change_at_the_provider_updates_the_account_at_next_sign_in(
        live_server, provider):
    Identity.objects.filter(pk=provider.pk).update(phone="0988777666")
    sign_in(live_server, provider.personal_id, PASSWORD)
    assert get_user_model().objects.get(personal_id=provider.personal_id).phone == "0988777666"


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_stays_at_the_provider_and_signs_nobody_in(live_server, provider):
    browser, page = sign_in(live_server, provider.personal_id, "sai-mat-khau")
    assert "/idp/login/" in page.url
    assert "Số định danh hoặc mật khẩu không đúng" in page.text
    mine = browser.get(f"{live_server.url}/my/dossiers/", timeout=30, allow_redirects=False)
    assert mine.status_code == 302 and "/oidc/authenticate/" in mine.headers["Location"]


@pytest.mark.django_db(transaction=True)
def test_a_staff_account_cannot_come_in_through_the_citizens_door(live_server, provider):
    # An official whose personal id the provider vouches for would skip the second factor.
    user = get_user_model().objects.get(pk=provider.user_id)
    UserRole.objects.create(user=user, role=Role.ONE_STOP_OFFICER)
    _browser, page = sign_in(live_server, provider.personal_id, PASSWORD)
    assert page.url == f"{live_server.url}/signin/failed/"
    assert page.status_code == 401 and "Đăng nhập không thành công" in page.text


@pytest.mark.django_db(transaction=True)
def test_signing_in_at_the_provider_alone_does_not_sign_into_the_portal(
        live_server, provider):
    browser = requests.Session()
    login = browser.get(f"{live_server.url}/idp/login/", timeout=30)
    browser.post(f"{live_server.url}/idp/login/", timeout=30, data={
        "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        "personal_id": provider.personal_id, "password": PASSWORD})
    assert login.status_code == 200
    mine = browser.get(f"{live_server.url}/my/dossiers/", timeout=30, allow_redirects=False)
    assert mine.status_code == 302 and "/oidc/authenticate/" in mine.headers["Location"]


@pytest.mark.django_db(transaction=True)
def test_the_provider_publishes_discovery_and_rs256_keys(live_server, provider):
    config = requests.get(f"{live_server.url}/idp/.well-known/openid-configuration",
                          timeout=30).json()
    assert config["token_endpoint"] == f"{live_server.url}/idp/token/"
    assert config["userinfo_endpoint"] == f"{live_server.url}/idp/userinfo/"
    keys = requests.get(config["jwks_uri"], timeout=30).json()["keys"]
    assert keys and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
