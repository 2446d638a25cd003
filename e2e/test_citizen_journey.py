"""A citizen's dossier from a phone, end to end in a real browser: search the procedure without
diacritics, sign in through the OpenID Connect provider, file online with uploads (a wrong file
is refused and nothing else is lost), get the code and due date; the officials work it to return
in the back office; the citizen sees the electronic result and rates the service."""

import re
import unicodedata

import pytest
from playwright.sync_api import expect

from tinhso.dossiers.models import Dossier, Status
from tinhso.idp import demo as idp_demo

from .accessibility import assert_accessible
from .journey import fits, full_online_version, load_demo, officials, work_to_return

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-e2e-2026"


def plain(text: str) -> str:
    """How a hurried citizen types: no diacritics, lower case."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn").lower()


def test_citizen_files_online_officials_return_and_the_citizen_rates(
        live_server, phone, desktop, shot, tmp_path):
    load_demo()
    idp_demo.register_client([f"{live_server.url}/oidc/callback/"])
    identity, _created = idp_demo.ensure_identity(idp_demo.CITIZENS[0], PASSWORD)
    version = full_online_version()
    procedure, agency = version.procedure, officials()[0].agency
    components = list(version.components.order_by("pk"))
    assert components, "the demo procedure asks for papers"
    page, base = phone, live_server.url

    # The same public pages at desktop width, for the record.
    for name, path in (("home", "/"), ("procedure", f"/procedures/{procedure.code}/")):
        desktop.goto(base + path)
        shot(desktop, f"desktop-{name}")
        assert fits(desktop)
        assert_accessible(desktop, f"desktop-{name}")

    # Find the procedure from the home page, typed without diacritics.
    page.goto(base + "/")
    shot(page, "citizen-home")
    assert fits(page)
    assert_accessible(page, "citizen-home")
    page.locator("#home-q").fill(plain(procedure.name))
    page.locator("#home-search-submit").click()
    page.wait_for_url("**/procedures/?*")
    shot(page, "citizen-search")
    assert fits(page)
    assert_accessible(page, "citizen-search")
    page.locator("#procedure-results").get_by_role("link", name=procedure.name, exact=True).click()
    page.wait_for_url(f"**/procedures/{procedure.code}/")
    shot(page, "citizen-procedure")
    assert fits(page)
    assert_accessible(page, "citizen-procedure")

    # Filing needs an identity: the portal sends the citizen to the provider and back.
    page.locator("#file-online").click()
    page.wait_for_url("**/idp/login/**")
    shot(page, "citizen-idp-login")
    assert fits(page)
    assert_accessible(page, "citizen-idp-login")
    page.get_by_label("Số định danh cá nhân").fill(identity.personal_id)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("#idp-login-submit").click()
    page.wait_for_url("**/filing/*/applicant/")
    assert page.locator("#applicant-name").inner_text() == identity.full_name
    assert page.locator("#applicant-id").inner_text() == identity.personal_id
    assert page.get_by_label("Số điện thoại").input_value() == identity.phone  # from the claims
    page.get_by_label("Cơ quan tiếp nhận hồ sơ").select_option(str(agency.pk))
    shot(page, "citizen-applicant")
    assert fits(page)
    assert_accessible(page, "citizen-applicant")
    page.locator("#applicant-next").click()
    page.wait_for_url("**/filing/*/papers/")

    # A wrong file on the first paper and a good one on the last: the wrong one is refused
    # in Vietnamese, the good one is kept.
    wrong = tmp_path / "ghi-chu.txt"
    wrong.write_text("không phải giấy tờ")
    scan = tmp_path / "ban-chup.pdf"
    scan.write_bytes(b"%PDF-1.4\n% e2e scan\n")
    first, last = components[0], components[-1]
    page.locator(f"#file-{first.pk}").set_input_files(str(wrong))
    if last.pk != first.pk:
        page.locator(f"#file-{last.pk}").set_input_files(str(scan))
    page.locator("#papers-next").click()
    page.wait_for_load_state()
    assert "Chỉ nhận tệp PDF, JPG hoặc PNG" in page.locator(f"#error-{first.pk}").inner_text()
    if last.pk != first.pk:
        assert "ban-chup.pdf" in page.locator(f"#paper-{last.pk}").inner_text()
    shot(page, "citizen-papers-refused")
    # The refusal is where the reader is: the summary has focus and links to the upload box,
    # and each upload box is named after its paper.
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert page.locator(f"#form-errors a[href='#file-{first.pk}']").count() == 1
    for component in components:
        expect(page.locator(f"#file-{component.pk}")).to_have_accessible_name(
            re.compile(re.escape(component.name)))
    assert fits(page)
    assert_accessible(page, "citizen-papers-refused")
    for component in components:
        if not page.locator(f"#paper-{component.pk}").count():
            page.locator(f"#file-{component.pk}").set_input_files(str(scan))
    page.locator("#papers-next").click()
    page.wait_for_url("**/filing/*/review/")
    shot(page, "citizen-review")
    assert fits(page)
    assert_accessible(page, "citizen-review")
    page.locator("#submit-dossier").click()
    page.wait_for_url("**/my/dossiers/*/receipt/")
    code = page.locator("#dossier-code").inner_text().strip()
    shot(page, "citizen-receipt")
    assert fits(page)
    assert_accessible(page, "citizen-receipt")

    dossier = Dossier.objects.get(code=code)
    assert dossier.applicant_user.personal_id == identity.personal_id
    assert dossier.agency == agency and dossier.status == Status.SUBMITTED
    assert dossier.components.exclude(file="").count() == len(components)
    assert page.locator("#dossier-due").inner_text().strip()

    # The officials of the commune work it through to return, in their own browser.
    result_file = tmp_path / "ket-qua.pdf"
    result_file.write_bytes(b"%PDF-1.4 ket qua e2e")
    done = work_to_return(desktop, base, dossier, shot, result_file)
    assert done[0][1] == "receive" and done[-1][1] == "return_result"

    # Back on the phone, still signed in: the result is there, and the citizen rates.
    page.goto(f"{base}/my/dossiers/")
    page.get_by_role("link", name=code, exact=True).click()
    page.wait_for_url(f"**/my/dossiers/{code}/")
    assert page.locator("#h-results").is_visible()
    page.get_by_label("5 – Rất hài lòng").check()
    shot(page, "citizen-result-and-rating")
    assert fits(page)
    assert_accessible(page, "citizen-result-and-rating")
    page.locator("#rate-submit").click()
    page.wait_for_url(f"**/my/dossiers/{code}/")
    assert "5/5" in page.locator("#rating").inner_text()
    shot(page, "citizen-rated")
    assert fits(page)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.rating) == (Status.RETURNED, 5)
