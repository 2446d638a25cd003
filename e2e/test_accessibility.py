"""Accessibility where the journeys do not go: a refused form says what is wrong where the
reader is (focus on the error summary, a link to each field, fields described by error texts
that exist), and the English pages mark their Vietnamese content as Vietnamese. Each page is
also checked with axe-core (WCAG 2.1 A and AA, no serious or critical violation)."""

import re

import pytest
from playwright.sync_api import expect

from tinhso.core.roles import Role
from tinhso.core.tests.factories import StaffFactory

from .accessibility import assert_accessible
from .journey import fits, full_online_version, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIBED_BY_MISSING = """() => [...document.querySelectorAll("[aria-describedby]")]
  .flatMap(el => el.getAttribute("aria-describedby").split(/\\s+/)
  .filter(id => !document.getElementById(id)).map(id => (el.id || el.name) + " -> " + id))"""


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def refused_form_is_readable(page, fields: list[str]):
    """Focus on the summary, one link per refused field that moves focus to it, every field
    described by texts that exist and marked invalid."""
    assert focused(page) == "form-errors"
    summary = page.locator("#form-errors")
    for field in fields:
        assert summary.locator(f"a[href='#{field}']").count() == 1, field
        assert page.locator(f"#{field}").get_attribute("aria-invalid") == "true"
    assert page.evaluate(DESCRIBED_BY_MISSING) == []
    summary.locator(f"a[href='#{fields[-1]}']").click()
    assert focused(page) == fields[-1]


def test_refused_sign_ins_lead_to_what_is_wrong(live_server, desktop, phone, shot):
    StaffFactory(username="motcua.a11y", roles=[Role.ONE_STOP_OFFICER])
    page = desktop
    page.goto(live_server.url + "/login/")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    refused_form_is_readable(page, ["id_username", "id_password"])
    shot(page, "staff-login-refused")
    assert_accessible(page, "staff sign-in, refused")

    # The demo identity provider (the stand-in for VNeID), on a phone: empty, then wrong.
    phone.goto(live_server.url + "/idp/login/")
    assert_accessible(phone, "demo identity provider")
    phone.locator("#idp-login-submit").click()
    phone.wait_for_load_state()
    refused_form_is_readable(phone, ["id_personal_id", "id_password"])
    assert fits(phone)
    assert_accessible(phone, "demo identity provider, refused")
    phone.get_by_label("Số định danh cá nhân").fill("025090001001")
    phone.get_by_label("Mật khẩu").fill("khong-dung")
    phone.locator("#idp-login-submit").click()
    phone.wait_for_load_state()
    assert focused(phone) == "form-errors"
    assert "không đúng" in phone.locator("#form-errors").inner_text()
    assert phone.evaluate(DESCRIBED_BY_MISSING) == []
    shot(phone, "idp-login-refused")


def test_english_pages_mark_vietnamese_content(live_server, desktop, shot):
    load_demo()
    version = full_online_version()
    procedure = version.procedure
    desktop.context.add_cookies([{"name": "django_language", "value": "en",
                                  "url": live_server.url}])
    desktop.goto(f"{live_server.url}/procedures/{procedure.code}/")
    assert desktop.locator("html").get_attribute("lang") == "en"
    assert desktop.locator("#procedure-name").get_attribute("lang") == "vi"
    assert desktop.locator(".navbar-brand [lang=vi]").count() == 1
    shot(desktop, "procedure-english")
    assert_accessible(desktop, "procedure page in English")
    desktop.goto(f"{live_server.url}/dashboard/")
    expect(desktop.locator("#ranking-commune-table tbody th a").first).to_have_attribute(
        "lang", "vi")
    desktop.goto(f"{live_server.url}/")
    assert_accessible(desktop, "home in English")
    assert re.search(r"Tỉnh số", desktop.locator(".navbar-brand [lang=vi]").inner_text())


def test_lgsp_operator_pages_on_a_phone(live_server, phone, shot):
    """The LGSP operator's pages fit a 360 px phone, pass axe, and a refused registration
    leads to what is wrong."""
    from tinhso.core.tests.factories import DEFAULT_PASSWORD
    from tinhso.exchange import services

    from .journey import sign_in

    operator = StaffFactory(username="quantri.a11y", roles=[Role.SYSTEM_ADMIN])
    system = services.register_system(operator, member_class="GOV", member_code="000.00.00.H44",
                                      subsystem="DMDC", name="Danh mục dùng chung")
    services.register_service(operator, provider=system, code="catalogues", name="Danh mục",
                              base_url="http://127.0.0.1:8220")
    sign_in(phone, live_server.url, "quantri.a11y", DEFAULT_PASSWORD)
    for path in ("/lgsp/", f"/lgsp/systems/{system.pk}/", "/lgsp/log/"):
        phone.goto(live_server.url + path)
        assert fits(phone), path
        assert_accessible(phone, path)
    phone.goto(f"{live_server.url}/lgsp/systems/{system.pk}/services/new/")
    phone.locator("#service-submit").click()
    phone.wait_for_load_state()
    refused_form_is_readable(phone, ["id_code", "id_name", "id_base_url"])
    assert fits(phone)
    shot(phone, "lgsp-service-refused")
    assert_accessible(phone, "LGSP: a refused service registration")
