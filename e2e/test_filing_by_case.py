"""Filing by case from a phone: a citizen files "Đăng ký thường trú" (1.004222) online by
choosing a case (trường hợp), uploads only that case's papers, and sees the due date and the fee
of that case on the online channel (10.000 đ; 20.000 đ is the desk's); the stored dossier keeps
the case, owes 10.000 đ and is due 7 working days after it is received.

The procedure is built here through the catalogue's services (tinhso.portal.tests.residence),
not taken from the demo catalogue."""

from decimal import Decimal

import pytest
from django.utils import timezone

from tinhso.core.calendar import get_calendar
from tinhso.dossiers import lifecycle
from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.tests.conftest import province  # noqa: F401
from tinhso.idp import demo as idp_demo
from tinhso.portal.tests.residence import (
    CODE,
    DESK_FEE,
    ONLINE_FEE,
    WITH_FAMILY,
    residence_procedure,
)

from .accessibility import assert_accessible
from .journey import fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-e2e-2026"


@pytest.fixture
def residence(province):  # noqa: F811
    return residence_procedure([province.commune])


def test_a_citizen_files_by_case_on_a_phone(live_server, phone, shot, tmp_path, province,  # noqa: F811
                                             residence):
    idp_demo.register_client([f"{live_server.url}/oidc/callback/"])
    identity, _created = idp_demo.ensure_identity(idp_demo.CITIZENS[0], PASSWORD)
    page, base = phone, live_server.url
    case = residence.with_family

    # The procedure page: each case with its papers, per channel its time and fee.
    page.goto(f"{base}/procedures/{CODE}/")
    assert fits(page)
    assert page.locator("#case-list li").count() == 2
    family = page.locator(f"#case-{case.pk}")
    assert family.locator("tr[data-channel=online] .channel-fees").inner_text().count(
        "10.000 đồng") >= 1
    assert "20.000 đồng" in family.locator("tr[data-channel=desk] .channel-fees").inner_text()
    assert "7 ngày làm việc" in family.locator("tr[data-channel=online] .channel-time"
                                               ).inner_text()
    shot(page, "procedure-with-cases")
    assert_accessible(page, "procedure page with cases")

    # Filing needs an identity: the portal sends the citizen to the provider and back, to the
    # case first.
    page.locator("#file-online").click()
    page.wait_for_url("**/idp/login/**")
    page.get_by_label("Số định danh cá nhân").fill(identity.personal_id)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("#idp-login-submit").click()
    page.wait_for_url("**/filing/*/case/")
    assert page.locator("[aria-current=step]").inner_text().strip() == "1. Trường hợp"
    shot(page, "case-choice")
    assert fits(page)
    assert_accessible(page, "filing by case: case-choice")

    # Keyboard: the radios are reachable and chosen with the arrow keys and Space.
    page.locator("#case-choices input[type=radio]").first.focus()
    page.keyboard.press("ArrowDown")
    assert page.locator(f"#case-{case.pk}").is_checked()
    assert "10.000 đồng" in page.locator(f"#case-{case.pk}-terms").inner_text()
    assert "20.000" not in page.locator(f"#case-{case.pk}-terms").inner_text()
    page.locator("#case-next").click()
    page.wait_for_url("**/filing/*/applicant/")
    assert page.locator("#chosen-case").inner_text().startswith(WITH_FAMILY)
    page.get_by_label("Cơ quan tiếp nhận hồ sơ").select_option(str(province.commune.pk))
    shot(page, "applicant")
    assert fits(page)
    assert_accessible(page, "filing by case: applicant")
    page.locator("#applicant-next").click()
    page.wait_for_url("**/filing/*/papers/")

    # Only this case's papers: the declaration of every case, the kinship paper and the
    # optional consent of this case; never the other case's proof of ownership.
    assert page.locator(f"#file-{residence.declaration.pk}").count() == 1
    assert page.locator(f"#file-{residence.kinship.pk}").count() == 1
    assert page.locator(f"#file-{residence.consent.pk}").count() == 1
    assert page.locator(f"#file-{residence.ownership.pk}").count() == 0
    assert "7 ngày làm việc" in page.locator("#filing-time").inner_text()
    fees = page.locator("#filing-fees").inner_text()
    assert "10.000 đồng" in fees and "20.000" not in fees
    due_text = page.locator("#filing-due").inner_text()
    assert "/" in due_text  # a date, H:i d/m/Y
    scan = tmp_path / "ban-chup.pdf"
    scan.write_bytes(b"%PDF-1.4\n% e2e scan\n")
    for component in (residence.declaration, residence.kinship):
        page.locator(f"#file-{component.pk}").set_input_files(str(scan))
    shot(page, "papers")
    assert fits(page)
    assert_accessible(page, "filing by case: papers")
    page.locator("#papers-next").click()
    page.wait_for_url("**/filing/*/review/")
    assert "10.000 đồng" in page.locator("#filing-fees").inner_text()
    shot(page, "review")
    assert fits(page)
    page.locator("#submit-dossier").click()
    page.wait_for_url("**/my/dossiers/*/receipt/")
    code = page.locator("#dossier-code").inner_text().strip()
    assert page.locator("#dossier-case").inner_text().strip() == WITH_FAMILY
    assert page.locator("#dossier-time").inner_text().strip() == "7 ngày làm việc"
    assert "10.000 đồng" in page.locator("#dossier-fees").inner_text()
    receipt_due = page.locator("#dossier-due").inner_text().strip()
    shot(page, "receipt")
    assert fits(page)

    # The stored dossier: its case, the online fee, and 7 working days once received.
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.SUBMITTED and dossier.case_id == case.pk
    assert (dossier.fees_owed, dossier.processing_time, dossier.time_unit) == (
        ONLINE_FEE, Decimal(7), "working_days")
    assert ONLINE_FEE != DESK_FEE
    assert sorted(dossier.components.values_list("component_id", flat=True)) == sorted(
        [residence.declaration.pk, residence.kinship.pk])
    expected = get_calendar().due_at(dossier.submitted_at, Decimal(7), "working_days")
    assert receipt_due.startswith(timezone.localtime(expected).strftime("%H:%M %d/%m/%Y"))
    officer = province.officer
    officer.agency = province.commune
    officer.save(update_fields=["agency"])
    received_at = timezone.now()
    dossier = lifecycle.receive(officer, dossier, at=received_at)
    assert dossier.due_at == get_calendar().due_at(received_at, Decimal(7), "working_days")
