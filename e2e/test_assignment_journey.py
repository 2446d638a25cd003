"""Work assigned to a person, in a real browser: the desk passes a dossier's step to the
specialist it chooses; a colleague holding the same role takes it over with a reason (after
being asked for one); the unit's head sees each official's load and hands the step back; the
specialist finds it in their own work. Every page on the way is checked with axe-core."""

import pytest
from django.core.files.base import ContentFile

from tinhso.catalog.models import ProcedureVersion
from tinhso.core.roles import Role
from tinhso.core.tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ApplicantInput, ComponentInput
from tinhso.dossiers.models import Channel, Dossier, Status

from .accessibility import assert_accessible
from .journey import COMMUNE, load_demo, officials, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN_ID = "025095001234"


def version_with_a_specialist_step(agency) -> ProcedureVersion:
    """A full-online procedure of the ward without cases whose process opens at the desk
    and then has a specialist's step (the demo's longer processes)."""
    return (ProcedureVersion.objects.filter(
        agencies=agency, status="published", online_level="full", procedurecases__isnull=True,
        components__isnull=False, processes__agency__isnull=True,
        processes__steps__order=2, processes__steps__role=Role.SPECIALIST)
        .distinct().order_by("procedure__code").first())


def started_dossier(officer) -> Dossier:
    """Filed online, received and passed to processing at the ward's desk: the desk's own
    checking step, held by the officer who started it."""
    version = version_with_a_specialist_step(officer.agency)
    citizen = UserFactory(username="congdan.phancong", full_name="Trần Văn Dân",
                          personal_id=CITIZEN_ID)
    papers = [ComponentInput(c.name, c.pk, file=ContentFile(b"%PDF-1.4 e2e", name="giay.pdf"),
                             is_digitized=True) for c in version.components.all()]
    dossier = lifecycle.submit(
        citizen, procedure=version.procedure, agency=officer.agency,
        applicant=ApplicantInput("citizen", "Trần Văn Dân", CITIZEN_ID, phone="0912345678"),
        channel=Channel.ONLINE, components=papers, is_full_online=True)
    dossier = lifecycle.receive(officer, dossier)
    return lifecycle.start(officer, dossier)


def open_dossier(page, base, dossier):
    page.goto(f"{base}/office/dossiers/{dossier.code}/")
    assert page.locator("#dossier-code").inner_text().strip() == dossier.code


def confirm(page, dossier, button):
    page.get_by_role("button", name=button).click()
    page.wait_for_url(f"**/office/dossiers/{dossier.code}/")
    assert page.locator("#messages .alert-success").is_visible(), page.locator(
        "#messages").inner_text()


def test_assign_take_over_and_hand_back(live_server, desktop, shot):
    load_demo()
    staff = {u.username.split(".")[0]: u for u in officials()}
    officer, specialist, head = staff["motcua"], staff["chuyenvien"], staff["lanhdao"]
    colleague = StaffFactory(username=f"chuyenvien2.{COMMUNE}", full_name="Lê Thị Hai",
                             agency=officer.agency, roles=[Role.SPECIALIST])
    dossier = started_dossier(officer)
    assert dossier.assignee == officer  # the desk's checking step
    base, page = live_server.url, desktop

    # The desk passes the dossier on and chooses who gets the specialist's step.
    sign_in(page, base, officer.username)
    open_dossier(page, base, dossier)
    assert officer.full_name in page.locator("#assignee").inner_text()
    page.locator("#action-forward").click()
    page.locator("[name=assignee]").select_option(str(colleague.pk))
    shot(page, "forward-choose-official")
    assert_accessible(page, "back office: forward, choosing the official")
    confirm(page, dossier, "Xác nhận chuyển bước")
    assert "Lê Thị Hai" in page.locator("#assignee").inner_text()
    assert "Giao cho: Lê Thị Hai" in page.locator("#timeline").inner_text()
    sign_out(page)

    # The other specialist may not work on it, but may take it over, saying why.
    sign_in(page, base, specialist.username)
    page.goto(f"{base}/office/")
    assert page.locator(f"#queue-processing tr[data-code='{dossier.code}']").count() == 0
    open_dossier(page, base, dossier)
    assert page.locator("#action-forward").count() == 0
    assert page.locator("#action-finish").count() == 0
    shot(page, "colleague-sees-take-over")
    assert_accessible(page, "back office: someone else's step")
    page.locator("#action-take_over").click()
    page.get_by_role("button", name="Xác nhận nhận xử lý").click()  # no reason given
    assert page.locator("#form-errors").is_visible()
    assert "Cần nêu rõ lý do." in page.locator("#action-form").inner_text()
    shot(page, "take-over-needs-a-reason")
    assert_accessible(page, "back office: take over refused without a reason")
    page.locator("[name=reason]").fill("Chị Hai đi tập huấn cả tuần.")
    confirm(page, dossier, "Xác nhận nhận xử lý")
    assert page.locator("#action-forward").is_visible()
    assert page.locator("#assignee").get_attribute("data-username") == specialist.username
    sign_out(page)

    # The unit's head sees who holds how much, and hands the step back with a reason.
    sign_in(page, base, head.username)
    page.goto(f"{base}/office/")
    row = page.locator(f"#unit-load tr[data-username='{specialist.username}']")
    assert row.get_attribute("data-open") == "1"
    assert page.locator(f"#unit-load tr[data-username='{colleague.username}']").get_attribute(
        "data-open") == "0"
    shot(page, "head-sees-the-load")
    assert_accessible(page, "back office: the unit's head's work")
    open_dossier(page, base, dossier)
    page.locator("#action-reassign").click()
    page.locator("[name=assignee]").select_option(str(colleague.pk))
    page.locator("[name=reason]").fill("Chị Hai đã về, tiếp tục hồ sơ của mình.")
    assert_accessible(page, "back office: hand over")
    confirm(page, dossier, "Xác nhận giao xử lý")
    sign_out(page)

    # The specialist finds it in her own work and may act on it.
    sign_in(page, base, colleague.username, password=DEFAULT_PASSWORD)
    page.goto(f"{base}/office/")
    assert page.locator(f"#queue-processing tr[data-code='{dossier.code}']").is_visible()
    shot(page, "specialist-finds-her-work")
    open_dossier(page, base, dossier)
    assert page.locator("#action-forward").is_visible()

    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.assignee == colleague
    moves = list(dossier.events.filter(action__in=("forward", "take_over", "reassign"))
                 .values_list("action", "actor__username", "data__assignee_id"))
    assert moves == [("forward", officer.username, colleague.pk),
                     ("take_over", specialist.username, specialist.pk),
                     ("reassign", head.username, colleague.pk)]
