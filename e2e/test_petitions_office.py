"""A petition's whole journey in a real browser: a citizen files it on the portal (360 px
phone), the agency's officials assign, answer and publish it in the back office, and the
citizen reads the published answer on the tracking page and rates it."""

import pytest

from tinhso.core.models import User
from tinhso.petitions.models import Petition

from .journey import COMMUNE, fits, load_demo, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_NUMBER = "0912345678"
ANSWER = "Phường đã bố trí thêm 20 chỗ để xe trước bộ phận một cửa từ ngày 15/12."


def test_citizen_files_officials_answer_and_publish_citizen_rates(live_server, phone, desktop,
                                                                   shot):
    load_demo()
    officer = User.objects.get(username=f"motcua.{COMMUNE}")
    specialist = User.objects.get(username=f"chuyenvien.{COMMUNE}")
    base = live_server.url

    # The citizen files it, addressed to the ward, without signing in.
    phone.goto(base + "/petitions/new/")
    phone.locator("[name=kind][value=proposal]").check()
    phone.locator("[name=title]").fill("Thiếu chỗ để xe tại bộ phận một cửa")
    phone.locator("[name=content]").fill("Người dân phải để xe dưới lòng đường khi đi nộp "
                                         "hồ sơ, đề nghị bố trí thêm chỗ để xe.")
    phone.locator("[name=agency]").select_option(str(officer.agency_id))
    phone.locator("[name=name]").fill("Lê Thị Hoa")
    phone.locator("[name=phone]").fill(PHONE_NUMBER)
    assert fits(phone)
    shot(phone, "citizen-files")
    phone.locator("#petition-submit").click()
    phone.wait_for_url("**/petitions/sent/**")
    code = phone.locator("#petition-code").inner_text().strip()
    petition = Petition.objects.get(code=code)
    assert petition.agency_id == officer.agency_id and petition.status == "received"

    # The ward's one-stop officer finds it in the inbox and assigns it to the specialist.
    sign_in(desktop, base, officer.username)
    desktop.goto(base + "/office/")
    desktop.locator("#nav-petitions").click()
    desktop.wait_for_url("**/office/petitions/")
    row = desktop.locator(f"#petition-table tr[data-code='{code}']")
    assert row.is_visible()
    assert desktop.locator("#petition-count-unassigned").get_attribute("data-count") != "0"
    shot(desktop, "office-inbox")
    row.locator("a").click()
    desktop.wait_for_url(f"**/office/petitions/{code}/")
    desktop.locator("#id_assign-assignee").select_option(str(specialist.pk))
    desktop.locator("#action-assign").click()
    desktop.wait_for_url(f"**/office/petitions/{code}/")
    assert desktop.locator("#messages .alert-success").is_visible()
    assert specialist.full_name in desktop.locator("#petition-assignee").inner_text()
    sign_out(desktop)

    # The specialist answers, then publishes the answer.
    sign_in(desktop, base, specialist.username)
    desktop.goto(f"{base}/office/petitions/?queue=mine")
    desktop.locator(f"#petition-table tr[data-code='{code}'] a").click()
    desktop.wait_for_url(f"**/office/petitions/{code}/")
    desktop.locator("#id_answer-text").fill(ANSWER)
    shot(desktop, "office-answer")
    desktop.locator("#action-answer").click()
    desktop.wait_for_url(f"**/office/petitions/{code}/")
    assert desktop.locator("#petition-status").get_attribute("data-status") == "answered"
    desktop.locator("#action-publish").click()
    desktop.wait_for_url(f"**/office/petitions/{code}/")
    assert desktop.locator("#petition-public").is_visible()
    shot(desktop, "office-published")
    sign_out(desktop)
    petition.refresh_from_db()
    assert petition.is_public and petition.answered_by == specialist
    assert petition.closed_on_time is True

    # The citizen looks it up with the code and phone, reads the answer and rates it.
    phone.goto(base + "/petitions/")
    phone.locator("[name=code]").fill(code)
    phone.locator("[name=fact]").fill(PHONE_NUMBER)
    phone.locator("#petition-track-submit").click()
    assert ANSWER in phone.locator("#petition-answer").inner_text()
    assert ANSWER in phone.locator("#h-public").locator("..").inner_text()  # published
    assert fits(phone)
    phone.get_by_label("5 – Rất hài lòng").check()
    shot(phone, "citizen-rates")
    phone.locator("#petition-rate-submit").click()
    phone.wait_for_selector("#petition-rated")
    assert "5/5" in phone.locator("#petition-rated").inner_text()
    shot(phone, "citizen-rated")
    petition.refresh_from_db()
    assert petition.rating == 5
