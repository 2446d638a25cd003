"""The public lookup with the keyboard alone, on a phone: skip link, labelled fields, Enter."""

import pytest
from django.core.files.base import ContentFile

from tinhso.core.tests.factories import UserFactory
from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ApplicantInput, ComponentInput
from tinhso.dossiers.models import Channel

from .journey import fits, full_online_version, load_demo, officials

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN_ID = "025195004321"


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


def test_a_visitor_tracks_a_dossier_with_the_keyboard_only(live_server, phone, shot):
    load_demo()
    version = full_online_version()
    dossier = lifecycle.submit(
        UserFactory(username="congdan.kb", personal_id=CITIZEN_ID),
        procedure=version.procedure, agency=officials()[0].agency,
        applicant=ApplicantInput("citizen", "Phạm Thị Hoa", CITIZEN_ID, phone="0987 654 321"),
        channel=Channel.ONLINE, is_full_online=True, idempotency_key="e2e-keyboard",
        components=[ComponentInput(c.name, c.pk, file=ContentFile(b"%PDF-1.4", name="a.pdf"))
                    for c in version.components.all()])
    page = phone
    page.goto(live_server.url + "/track/")
    page.keyboard.press("Tab")
    assert focused(page) == "skip-link"
    page.keyboard.press("Enter")  # to the main content, past the menu
    for _ in range(10):  # the code field is a few Tab stops into the content
        page.keyboard.press("Tab")
        if focused(page) == "id_code":
            break
    assert focused(page) == "id_code"
    page.keyboard.type(dossier.code.lower())  # codes are matched regardless of case
    page.keyboard.press("Tab")
    assert focused(page) == "id_fact"
    page.keyboard.type("+84 987 654 321")  # the phone as people write it
    page.keyboard.press("Enter")
    page.wait_for_selector("#track-result")
    assert dossier.code in page.locator("#track-result").inner_text()
    assert fits(page)
    shot(page, "track-by-keyboard")
