"""The Content-Security-Policy in a real browser: the pages, the dashboard's charts, Swagger UI
and the admin work under it, and the browser reports no violation (an inline script or a
blocked resource would show as one)."""

import pytest
from django.core.management import call_command

from tinhso.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_swagger_and_the_admin_run_under_the_policy(live_server, desktop):
    call_command("load_units", verbosity=0)
    User.objects.create_superuser("quantri", password="mat-khau-quan-tri-2026")
    violations = []
    desktop.on("console", lambda m: violations.append(m.text)
               if "Content Security Policy" in m.text else None)
    base = live_server.url
    for path in ("/", "/procedures/", "/track/", "/dashboard/", "/petitions/new/"):
        answer = desktop.goto(base + path)
        assert answer.ok and answer.headers["content-security-policy"]
    desktop.goto(base + "/api/docs/")
    desktop.wait_for_selector("#swagger-ui .information-container")  # Swagger UI started
    desktop.goto(base + "/admin/login/")
    desktop.fill("#id_username", "quantri")
    desktop.fill("#id_password", "mat-khau-quan-tri-2026")
    desktop.click("input[type=submit]")
    desktop.wait_for_selector("#site-name")
    desktop.goto(base + "/admin/core/user/add/")
    desktop.wait_for_selector("#user_form")
    # The LGSP operator's pages (a superuser is its operator).
    for path in ("/lgsp/", "/lgsp/systems/new/", "/lgsp/log/"):
        assert desktop.goto(base + path).ok, path
    assert violations == []
