"""The web shell in a real browser: phone width, keyboard, staff sign-in."""

import pytest

from tinhso.core.roles import Role
from tinhso.core.tests.factories import DEFAULT_PASSWORD, StaffFactory

from .accessibility import assert_accessible
from .journey import fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_fits_a_phone_and_the_skip_link_comes_first(live_server, phone, shot):
    phone.goto(live_server.url + "/")
    assert phone.locator("html").get_attribute("lang") == "vi"
    assert fits(phone)
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"
    shot(phone, "home-phone")


def test_official_signs_in_and_out(live_server, desktop, shot):
    StaffFactory(username="motcua.test", roles=[Role.ONE_STOP_OFFICER])
    desktop.goto(live_server.url + "/login/")
    shot(desktop, "login")
    assert_accessible(desktop, "staff sign-in")
    desktop.get_by_label("Tên đăng nhập").fill("motcua.test")
    desktop.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    desktop.get_by_role("button", name="Đăng nhập").click()
    desktop.wait_for_url(lambda url: "/login/" not in url)
    assert desktop.get_by_role("button", name="Đăng xuất").is_visible()
    shot(desktop, "signed-in")
    assert_accessible(desktop, "staff home")
