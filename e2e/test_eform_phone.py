"""An e-form from a phone: a citizen on a 360 px screen fills the declaration of "Xác nhận
thông tin về cư trú" (a short Mẫu CT01, built by the test through the catalogue services in
tinhso.portal.tests.eform) on the papers step. Her name and personal id come prefilled from
the identity provider; naming a head of household makes the relation to them required (the
server says so next to the field, tied by aria-describedby); she adds a second row to the
members' group without JavaScript doing anything but the submit, files, and the official of
the receiving agency sees the declaration as a table on the dossier page."""

import pytest

from tinhso.dossiers.models import Dossier
from tinhso.dossiers.tests.conftest import province  # noqa: F401
from tinhso.idp import demo as idp_demo
from tinhso.portal.tests.eform import CODE, TITLE, communes, eform_procedure

from .journey import fits, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-e2e-2026"


@pytest.fixture
def eform(province):  # noqa: F811
    communes(province.unit)
    return eform_procedure([province.agency])


def test_a_citizen_fills_an_e_form_on_a_phone_and_the_official_sees_the_table(
        live_server, phone, shot, province, eform):  # noqa: F811
    idp_demo.register_client([f"{live_server.url}/oidc/callback/"])
    identity, _created = idp_demo.ensure_identity(idp_demo.CITIZENS[0], PASSWORD)
    page, base = phone, live_server.url
    b = f"form-{eform.declaration.pk}"

    page.goto(f"{base}/procedures/{CODE}/")
    page.locator("#file-online").click()
    page.wait_for_url("**/idp/login/**")
    page.get_by_label("Số định danh cá nhân").fill(identity.personal_id)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("#idp-login-submit").click()
    page.wait_for_url("**/filing/*/applicant/")
    page.get_by_label("Cơ quan tiếp nhận hồ sơ").select_option(str(province.agency.pk))
    if not page.get_by_label("Số điện thoại").input_value():
        page.get_by_label("Số điện thoại").fill("0912345678")
    page.locator("#applicant-next").click()
    page.wait_for_url("**/filing/*/papers/")

    # The declaration is a form on the page, prefilled from the identity the provider vouched.
    form = page.locator(f"#component-{eform.declaration.pk}")
    assert TITLE in form.inner_text()
    assert page.locator(f"#{b}-ho_ten").input_value() == identity.full_name
    assert page.locator(f"#{b}-so_dinh_danh").input_value() == identity.personal_id
    assert fits(page)
    shot(page, "e-form")

    page.locator(f"#{b}-ngay_sinh").fill("1990-05-17")
    page.locator(f"#{b}-chu_ho").fill("Nguyễn Văn Cả")
    page.locator(f"#{b}-noi_o-detail").fill("Số 5, đường Hùng Vương")
    page.locator(f"#{b}-noi_o-unit").select_option("25001")
    page.locator(f"#{b}-noi_dung").fill("Xác nhận thông tin về cư trú.")
    page.locator(f"#{b}-thanh_vien-0-ho_ten").fill("Nguyễn Thị Bé")
    page.locator(f"#{b}-thanh_vien-0-so_dinh_danh").fill("025319001002")

    # A second member: the row is added by the server, and what was typed stays.
    page.locator(f"#{b}-thanh_vien-add").click()
    page.wait_for_selector(f"#{b}-thanh_vien-1-ho_ten")
    assert page.locator(f"#{b}-thanh_vien-0-ho_ten").input_value() == "Nguyễn Thị Bé"
    page.locator(f"#{b}-thanh_vien-1-ho_ten").fill("Nguyễn Văn Út")
    page.locator(f"#{b}-thanh_vien-1-so_dinh_danh").fill("025220001003")

    # The relation to the head of household is required once a head is named.
    page.locator("#papers-next").click()
    error = page.locator(f"#{b}-quan_he-error")
    assert error.inner_text() == ("Trường này bắt buộc khi đã khai “Họ, chữ đệm và tên "
                                  "chủ hộ”.")
    relation = page.locator(f"#{b}-quan_he")
    assert f"{b}-quan_he-error" in relation.get_attribute("aria-describedby")
    assert relation.get_attribute("aria-invalid") == "true"
    assert fits(page)
    shot(page, "e-form-error")
    relation.fill("Con")
    page.locator("#papers-next").click()
    page.wait_for_url("**/filing/*/review/")
    page.locator("#submit-dossier").click()
    page.wait_for_url("**/my/dossiers/*/receipt/")
    code = page.locator("#dossier-code").inner_text().strip()
    shot(page, "receipt")

    dossier = Dossier.objects.get(code=code)
    paper = dossier.components.get(component=eform.declaration)
    assert paper.form_data["quan_he"] == "Con"
    assert [m["ho_ten"] for m in paper.form_data["thanh_vien"]] == ["Nguyễn Thị Bé",
                                                                     "Nguyễn Văn Út"]

    # The official of the receiving agency reads the declaration as a table.
    page.context.clear_cookies()
    officer = province.officer
    officer.set_password(PASSWORD)
    officer.save(update_fields=["password"])
    sign_in(page, base, officer.username, PASSWORD)
    page.goto(f"{base}/office/dossiers/{code}/")
    table = page.locator(f"#eform-{paper.pk} table")
    text = table.inner_text()
    assert "Mối quan hệ với chủ hộ" in text and "Con" in text
    assert "17/05/1990" in text and "Nguyễn Văn Út" in text
    assert "Số 5, đường Hùng Vương, Phường Việt Trì" in text
    shot(page, "office-e-form")
