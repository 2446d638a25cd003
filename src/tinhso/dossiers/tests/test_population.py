"""Look-ups in the national population database (its simulator, over real HTTP), with the
citizen's consent, and the dossier that records it used them (component 5.6)."""


import pytest
from django.urls import reverse

from tinhso.core.audit import AuditEntry
from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.dossiers import population
from tinhso.dossiers.models import Dossier, PopulationLookup
from tinhso.integrations.population import PopulationClient
from tinhso.integrations.population.simulator import make_server
from tinhso.integrations.simulators import running

from .conftest import CITIZEN_ID, at, submit_online

TOKEN = "bi-mat-thu"
AN = "025090001001"  # a demo citizen: the registry and the demo identity provider agree


@pytest.fixture
def registry_url(settings):
    with running(make_server("127.0.0.1", 0, TOKEN)) as url:
        settings.TINHSO_POPULATION_URL, settings.TINHSO_POPULATION_TOKEN = url, TOKEN
        yield url


def test_the_desk_looks_a_consenting_citizen_up_and_the_lookup_is_recorded(province,
                                                                            registry_url):
    lookup, person = population.look_up(province.officer, AN, consent=True, purpose="Tiếp nhận")
    assert person.full_name == "Nguyễn Văn An" and person.birth_date.isoformat() == "1990-05-12"
    assert person.permanent_residence == "Phường Việt Trì, tỉnh Phú Thọ"
    assert (lookup.actor, lookup.personal_id, lookup.found) == (province.officer, AN, True)
    assert lookup.consent == PopulationLookup.Consent.AT_DESK
    assert AuditEntry.objects.filter(action="population.lookup", target_id=str(lookup.pk)).exists()


def test_the_same_id_always_answers_the_same_person_as_its_digits_say(registry_url):
    client = PopulationClient()
    first = client.find("001195123456", purpose="x", requester="t")
    assert first == client.find("001195123456", purpose="x", requester="t")
    assert first.sex == "female" and first.birth_date.year == 1995  # digit 1: female, 1900s
    assert client.find("999090001001", purpose="x", requester="t") is None  # no such province


def test_no_consent_no_lookup_and_a_citizen_looks_up_only_themself(province, registry_url):
    with pytest.raises(ValidationFailed, match="đồng ý"):
        population.look_up(province.officer, AN, consent=False, purpose="Tiếp nhận")
    with pytest.raises(PermissionDenied):
        population.look_up(province.citizen, AN, consent=True, purpose="Nộp hồ sơ")
    with pytest.raises(PermissionDenied):
        population.look_up(province.specialist, AN, consent=True, purpose="Tò mò")
    assert not PopulationLookup.objects.exists()
    lookup, person = population.look_up(province.citizen, CITIZEN_ID, consent=True,
                                        purpose="Nộp hồ sơ")
    assert lookup.consent == PopulationLookup.Consent.SELF and person is not None


def test_a_wrong_token_or_a_dead_registry_is_a_clear_error(province, registry_url, settings):
    settings.TINHSO_POPULATION_TOKEN = "sai"
    with pytest.raises(population.RegistryUnavailable, match="HTTP 401"):
        population.look_up(province.officer, AN, consent=True, purpose="Tiếp nhận")
    settings.TINHSO_POPULATION_URL = "http://127.0.0.1:9"
    with pytest.raises(population.RegistryUnavailable, match="Không kết nối"):
        population.look_up(province.officer, AN, consent=True, purpose="Tiếp nhận")
    assert not PopulationLookup.objects.exists()


def test_a_dossier_filed_with_the_lookup_records_it_once(province, registry_url):
    lookup, _person = population.look_up(province.citizen, CITIZEN_ID, consent=True,
                                         purpose="Nộp hồ sơ", at=at(2026, 2, 13, 8, 30))
    d = submit_online(province, population_lookup=lookup.pk)
    assert d.used_population_db
    lookup.refresh_from_db()
    assert lookup.dossier_id == d.pk
    # The same look-up cannot stand for a second dossier, nor for someone else's.
    with pytest.raises(ValidationFailed, match="không dùng được"):
        submit_online(province, population_lookup=lookup.pk, idempotency_key="second")
    other, _ = population.look_up(province.officer, AN, consent=True, purpose="Tiếp nhận",
                                  at=at(2026, 2, 13, 8, 30))
    with pytest.raises(ValidationFailed, match="không dùng được"):
        submit_online(province, population_lookup=other.pk, idempotency_key="third")
    assert Dossier.objects.count() == 1
    assert not submit_online(province, idempotency_key="plain").used_population_db


def test_the_desk_page_fills_the_applicant_from_the_registry_and_files_with_it(
        login, province, registry_url):
    client = login(province.officer)
    url = reverse("backoffice:intake_form", args=[province.procedure.code])
    refused = client.get(url, {"population": AN}).content.decode()
    assert "Cần sự đồng ý của công dân" in refused
    page = client.get(url, {"population": AN, "consent": "1"}).content.decode()
    assert 'value="Nguyễn Văn An"' in page and 'id="population-used"' in page
    lookup = PopulationLookup.objects.get()
    assert f'name="population_lookup" value="{lookup.pk}"' in page
    response = client.post(url, {
        "submission_token": "pop1", "population_lookup": lookup.pk,
        "applicant_kind": "citizen", "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": AN, "applicant_address": "Phường Việt Trì, tỉnh Phú Thọ",
        f"received_{province.form.pk}": "on", f"received_{province.id_copy.pk}": "on"})
    assert response.status_code == 302, response.content.decode()
    d = Dossier.objects.get()
    assert d.used_population_db and d.population_lookups.get() == lookup
