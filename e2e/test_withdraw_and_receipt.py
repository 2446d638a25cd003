"""Withdrawing a dossier, in a real browser: a citizen files online from a phone, downloads the
receipt PDF (its QR code is the tracking page's address), then asks to withdraw the dossier
with a reason; the receiving agency's one-stop officer sees the request on the dossier page
and accepts it; the citizen sees status 7, "Công dân yêu cầu rút hồ sơ".

The small province of the dossier tests is used (tinhso.dossiers.tests.conftest), not the
demo catalogue."""

import pytest

from tinhso.backoffice import receipt
from tinhso.dossiers.codes import tracking_url
from tinhso.dossiers.models import Dossier, Status, WithdrawalRequest
from tinhso.dossiers.tests.conftest import province  # noqa: F401
from tinhso.idp import demo as idp_demo
from tinhso.portal.tests.test_withdrawal_and_receipt import qr_drawn

from .journey import fits, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-e2e-2026"
OFFICER_PASSWORD = "mat-khau-can-bo-2026"
REASON = "Tôi đã nộp hồ sơ này trực tiếp tại bộ phận một cửa."


def test_a_citizen_files_downloads_the_receipt_and_withdraws_with_the_desks_consent(
        live_server, phone, desktop, shot, tmp_path, province):  # noqa: F811
    idp_demo.register_client([f"{live_server.url}/oidc/callback/"])
    identity, _created = idp_demo.ensure_identity(idp_demo.CITIZENS[0], PASSWORD)
    officer = province.officer
    officer.set_password(OFFICER_PASSWORD)
    officer.save(update_fields=["password"])
    page, base = phone, live_server.url

    # File online: sign in at the provider, choose the agency, upload the papers, submit.
    page.goto(f"{base}/procedures/{province.procedure.code}/")
    page.locator("#file-online").click()
    page.wait_for_url("**/idp/login/**")
    page.get_by_label("Số định danh cá nhân").fill(identity.personal_id)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("#idp-login-submit").click()
    page.wait_for_url("**/filing/*/applicant/")
    page.get_by_label("Cơ quan tiếp nhận hồ sơ").select_option(str(province.agency.pk))
    page.locator("#applicant-next").click()
    page.wait_for_url("**/filing/*/papers/")
    scan = tmp_path / "ban-chup.pdf"
    scan.write_bytes(b"%PDF-1.4\n% e2e scan\n")
    for component in (province.form, province.id_copy):
        page.locator(f"#file-{component.pk}").set_input_files(str(scan))
    page.locator("#papers-next").click()
    page.wait_for_url("**/filing/*/review/")
    page.locator("#submit-dossier").click()
    page.wait_for_url("**/my/dossiers/*/receipt/")
    code = page.locator("#dossier-code").inner_text().strip()
    shot(page, "citizen-filed")
    assert fits(page)

    # The receipt PDF from the confirmation: its QR code is the tracking page of this code.
    with page.expect_download() as download_info:
        page.locator("#receipt-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"bien-nhan-{code}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    body = saved.read_bytes()
    assert body.startswith(b"%PDF-")
    assert qr_drawn(body) == receipt.qr_matrix(tracking_url(code))
    assert tracking_url(code).startswith(f"{base}/track/?code=")

    # Ask to withdraw from "my dossier": a reason is required.
    page.goto(f"{base}/my/dossiers/{code}/")
    page.locator("#withdraw-details summary").click()
    page.locator("#withdraw-submit").click()
    page.wait_for_url(f"**/my/dossiers/{code}/withdraw/")
    assert "Vui lòng nêu lý do rút hồ sơ." in page.locator("#withdraw-form").inner_text()
    page.get_by_label("Lý do rút hồ sơ").fill(REASON)
    shot(page, "citizen-withdraw-reason")
    assert fits(page)
    page.locator("#withdraw-submit").click()
    page.wait_for_url(f"**/my/dossiers/{code}/")
    assert page.locator("#withdrawal-waiting").is_visible()
    assert page.locator("#withdraw-form").count() == 0
    shot(page, "citizen-withdraw-waiting")
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.SUBMITTED
    assert WithdrawalRequest.objects.get(dossier=dossier).reason == REASON

    # The one-stop officer of the receiving agency accepts it on the dossier page.
    sign_in(desktop, base, officer.username, OFFICER_PASSWORD)
    desktop.goto(f"{base}/office/dossiers/{code}/")
    assert REASON in desktop.locator("#withdrawal-request").inner_text()
    shot(desktop, "office-withdrawal-request")
    desktop.locator("#withdrawal-accept").click()
    desktop.wait_for_url(f"**/office/dossiers/{code}/")
    assert desktop.locator("#messages .alert-success").is_visible()
    assert desktop.locator("#dossier-status").get_attribute("data-status") == "7"
    assert desktop.locator("#withdrawal-request").count() == 0
    shot(desktop, "office-withdrawn")
    sign_out(desktop)

    # The citizen sees status 7 and the desk's consent.
    page.reload()
    assert page.locator("#dossier-status").inner_text().strip() == (
        "Công dân yêu cầu rút hồ sơ")
    assert page.locator("#withdrawal-outcome").get_attribute("data-state") == "accepted"
    shot(page, "citizen-withdrawn")
    assert fits(page)
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
