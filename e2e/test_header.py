"""The header in a real browser: an official's menu on one line at 1280 px, the site's icon."""

import pytest

from tinhso.core import context_processors
from tinhso.core.roles import Role
from tinhso.core.tests.factories import DEFAULT_PASSWORD, ProvinceFactory, StaffFactory

from .journey import fits, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The vertical middle of the brand, each menu item and each tool: one line, one middle.
MIDDLES = """() => [...document.querySelectorAll(
  ".site-header .navbar-brand, .site-header .navbar-nav > .nav-item, .site-header .nav-tools > *")]
  .map(e => { const r = e.getBoundingClientRect(); return Math.round(r.top + r.height / 2); })"""


def test_an_officials_menu_stays_on_one_line_at_1280(live_server, desktop, shot, settings):
    # The header as a province sees it: with the province's name beside the product's.
    ProvinceFactory(code=settings.TINHSO_PROVINCE_CODE, name="Thành phố Hồ Chí Minh")
    context_processors._province_name_cache.clear()
    StaffFactory(username="quantri.menu", roles=[Role.ONE_STOP_OFFICER], is_staff=True,
                 full_name="Nguyễn Thị Thanh Hương")
    sign_in(desktop, live_server.url, "quantri.menu", DEFAULT_PASSWORD)
    desktop.goto(live_server.url + "/office/")
    middles = desktop.evaluate(MIDDLES)
    assert len(middles) >= 8 and max(middles) - min(middles) <= 6, middles
    assert fits(desktop)
    shot(desktop, "official-header-1280", full_page=False)
    # The staff page (API documentation, administration) is the official's name.
    desktop.locator("#nav-staff").click()
    desktop.wait_for_url("**/staff/**")
    assert desktop.locator("#nav-staff").get_attribute("aria-current") == "page"
    assert desktop.locator("main a[href='/api/docs/']").count() == 1
    assert desktop.locator("main a[href='/admin/']").count() == 1


def test_the_site_has_an_icon(live_server, desktop):
    desktop.goto(live_server.url + "/")
    href = desktop.locator("link[rel=icon]").get_attribute("href")
    answer = desktop.request.get(live_server.url + href)
    assert answer.ok and answer.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in answer.body()
