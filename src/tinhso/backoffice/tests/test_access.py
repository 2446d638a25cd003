from django.urls import reverse

from tinhso.dossiers.models import Status


def test_anonymous_is_sent_to_the_staff_login(client, province):
    response = client.get(reverse("backoffice:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


def test_a_citizen_is_sent_to_the_staff_login(login, province):
    response = login(province.citizen).get(reverse("backoffice:dossiers"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


def test_another_agencys_dossier_answers_404(login, province, make_dossier):
    dossier = make_dossier(Status.RECEIVED)
    client = login(province.other_officer)
    paper = dossier.components.exclude(file="").first()
    for url in (reverse("backoffice:dossier", args=[dossier.code]),
                reverse("backoffice:act", args=[dossier.code, "receive"]),
                reverse("backoffice:receipt", args=[dossier.code]),
                reverse("backoffice:paper", args=[dossier.code, paper.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("backoffice:act", args=[dossier.code, "stop"]),
                       {"expected_version": dossier.lock_version,
                        "reason": "x"}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_other_agency_does_not_see_it_in_lists(login, province, make_dossier):
    dossier = make_dossier()
    body = login(province.other_officer).get(reverse("backoffice:dossiers")).content.decode()
    assert dossier.code not in body
    body = login(province.officer).get(reverse("backoffice:dossiers")).content.decode()
    assert dossier.code in body


def test_unknown_action_answers_404(login, province, make_dossier):
    dossier = make_dossier()
    url = reverse("backoffice:act", args=[dossier.code, "rate"])
    assert login(province.officer).get(url).status_code == 404


def test_a_privileged_official_confirms_the_second_factor_first(login, province, settings):
    settings.TINHSO_REQUIRE_OTP_FOR_PRIVILEGED = True
    response = login(province.leader).get(reverse("backoffice:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:otp"))
