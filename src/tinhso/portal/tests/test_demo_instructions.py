"""What `make demo` prints names the buttons and links by the labels the pages show."""

import re

import pytest
from django.urls import reverse

from tinhso.core.management.commands.load_demo_province import STAFF_SIGN_IN_LINK
from tinhso.idp.management.commands import load_demo_citizens
from tinhso.portal.management.commands import load_demo_portal


def _labels(html: str, tag: str) -> set[str]:
    return {re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).strip()
            for m in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)}


@pytest.mark.django_db
def test_printed_labels_are_the_pages_labels(client):
    home = client.get(reverse("portal:home")).content.decode()
    assert load_demo_portal.SIGN_IN_BUTTON in _labels(home, "a")  # the header's sign-in
    assert STAFF_SIGN_IN_LINK in _labels(home, "a")  # the footer's staff sign-in
    idp = client.get("/idp/login/").content.decode()
    assert load_demo_citizens.SIGN_IN_BUTTON in _labels(idp, "button")
