"""A refused form's page: a summary (focused by the shell's script) with a link to each refused
field, and each field described by the error text that is on the page."""

import re

import pytest
from django.urls import reverse


def described_ids(html: str) -> set[str]:
    return {i for value in re.findall(r'aria-describedby="([^"]+)"', html) for i in value.split()}


def assert_readable(html: str, fields: list[str]):
    summary = html.split('id="form-errors"')[1].split("</div>")[0]
    for field in fields:
        assert f'href="#{field}"' in summary
        tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in tag and f"{field}_error" in tag
    for target in described_ids(html):
        assert f'id="{target}"' in html, target  # every description exists


@pytest.mark.django_db
def test_staff_sign_in_refused(client):
    html = client.post(reverse("core:login"), {}).content.decode()
    assert_readable(html, ["id_username", "id_password"])


@pytest.mark.django_db
def test_demo_identity_provider_refused(client, settings):
    if not settings.TINHSO_DEMO_IDP:
        pytest.skip("demo identity provider off")
    html = client.post("/idp/login/", {}).content.decode()
    assert_readable(html, ["id_personal_id", "id_password"])
    wrong = client.post("/idp/login/", {"personal_id": "025090001001", "password": "x"})
    html = wrong.content.decode()
    assert "không đúng" in html.split('id="form-errors"')[1].split("</div>")[0]
    for target in described_ids(html):
        assert f'id="{target}"' in html, target
