"""An official's day in a real browser: an online dossier is received, processed step by step,
finished with an electronic result and returned, each step by the official whose role the
procedure's process names."""

import pytest
from django.core.files.base import ContentFile

from tinhso.core.tests.factories import UserFactory
from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ApplicantInput, ComponentInput
from tinhso.dossiers.models import Channel, Dossier, Status

from .journey import full_online_version, load_demo, officials, work_to_return

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN_ID = "025095001234"  # Phú Thọ (025), male born 1995: valid under the national rule


def submitted_online() -> Dossier:
    citizen = UserFactory(username="congdan.e2e", full_name="Trần Văn Dân",
                          personal_id=CITIZEN_ID)
    version = full_online_version()
    papers = [ComponentInput(c.name, c.pk, file=ContentFile(b"%PDF-1.4 e2e", name="giay.pdf"),
                             is_digitized=True) for c in version.components.all()]
    return lifecycle.submit(
        citizen, procedure=version.procedure, agency=officials()[0].agency,
        applicant=ApplicantInput("citizen", "Trần Văn Dân", CITIZEN_ID, phone="0912345678"),
        channel=Channel.ONLINE, components=papers, is_full_online=True,
        idempotency_key="e2e-office-1")


def test_officials_receive_process_finish_and_return(live_server, desktop, shot, tmp_path):
    load_demo()
    dossier = submitted_online()
    result_file = tmp_path / "ket-qua.pdf"
    result_file.write_bytes(b"%PDF-1.4 ket qua e2e")
    done = work_to_return(desktop, live_server.url, dossier, shot, result_file)

    assert dossier.status == Status.RETURNED
    assert [a for _u, a in done][:2] == ["receive", "start"] and done[-1][1] == "return_result"
    assert dossier.results.get().is_electronic
    # Every step the browser took is one event, with the official who clicked.
    events = list(dossier.events.exclude(action="submit").values_list("actor__username",
                                                                      "action"))
    assert events == done
