"""The service index dashboard in a real browser: charts drawn by the local ECharts, tables,
sorting without JavaScript, and a leader's drill-down from a component to its dossiers."""

import pytest
from django.core.management import call_command

from .accessibility import assert_accessible
from .journey import load_demo, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def indexed_province():
    load_demo()
    call_command("seed_dossiers", count=1500, months=3, verbosity=0)
    call_command("refresh_metrics", "--full", verbosity=0)


def test_dashboard_draws_the_index_on_desktop_and_phone(live_server, indexed_province, desktop,
                                                          phone, shot):
    desktop.goto(live_server.url + "/dashboard/")
    desktop.wait_for_selector("#chart-groups svg")  # ECharts ran: served locally
    assert desktop.locator("#chart-trend svg").count() == 1
    shown = desktop.locator("#total-score").inner_text()  # e.g. "64.84/100"
    total = float(shown.split("/")[0].replace(",", "."))
    assert 0 < total <= 100
    assert desktop.locator("#groups-table tbody tr").count() == 6
    # The chart writes each group's points as the table does (7,77, not 7.77).
    in_table = desktop.locator("#groups-table tbody tr td.text-end").first.inner_text()
    points = in_table.split("/")[0].strip()
    assert "," in points
    assert desktop.locator("#chart-groups svg text", has_text=points).count() >= 1
    assert desktop.locator("#ranking-commune-table tbody tr").count() > 1
    shot(desktop, "province-desktop-top", full_page=False)
    shot(desktop, "province-desktop")
    assert_accessible(desktop, "dashboard, desktop")

    desktop.locator("#ranking-department-table thead a", has_text="Đúng hạn").click()
    rows = desktop.locator("#ranking-department-table tbody tr")
    assert rows.count() > 1
    shot(desktop, "departments-sorted")

    phone.goto(live_server.url + "/dashboard/")
    phone.wait_for_selector("#chart-groups svg")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(phone, "province-phone-top", full_page=False)
    assert_accessible(phone, "dashboard, phone")
    phone.locator("#chart-trend").scroll_into_view_if_needed()
    shot(phone, "province-phone-trend", full_page=False)


def test_supervisor_drills_down_from_a_component_to_its_dossiers(live_server, indexed_province,
                                                                  desktop, shot):
    sign_in(desktop, live_server.url, "giamsat.tinh")
    desktop.goto(live_server.url + "/dashboard/")
    link = desktop.locator("#components-table a", has_text="Hồ sơ").first
    link.click()
    desktop.wait_for_selector("#dossiers-table")
    assert desktop.locator("#dossiers-table tbody tr").count() >= 1
    shot(desktop, "drill-down")
    assert_accessible(desktop, "dashboard: a component's dossiers")
