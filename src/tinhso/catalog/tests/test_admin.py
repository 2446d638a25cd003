"""Admin pages: published versions read-only, actions calling the services."""

import pytest
from django.urls import reverse

from tinhso.catalog.models import Procedure, ProcedureVersion, Sector
from tinhso.core.tests.factories import StaffFactory

from .conftest import fill_draft, published_procedure

Status = ProcedureVersion.Status


@pytest.fixture
def superuser(place):
    return StaffFactory(username="sieuquantri", is_staff=True, is_superuser=True,
                        agency=place.centre)


def change_url(model, pk):
    return reverse(f"admin:catalog_{model}_change", args=[pk])


def test_published_version_page_is_read_only_and_a_post_is_refused(client, place, superuser):
    version = published_procedure(place).current_version
    client.force_login(superuser)
    page = client.get(change_url("procedureversion", version.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="processing_time"' not in html and 'name="components-0-name"' not in html
    assert "Tờ khai theo mẫu" in html  # shown, not editable
    response = client.post(change_url("procedureversion", version.pk),
                           {"processing_time": "1"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.processing_time == 5


def test_draft_version_page_is_editable(client, place, superuser):
    procedure = published_procedure(place)
    client.force_login(superuser)
    changelist = reverse("admin:catalog_procedure_changelist")
    response = client.post(changelist, {"action": "make_new_version",
                                        "_selected_action": [procedure.pk]}, follow=True)
    assert "Đã tạo 1 bản nháp mới." in response.content.decode()
    draft = procedure.versions.get(status=Status.DRAFT)
    assert draft.number == 2 and draft.components.count() == 2
    html = client.get(change_url("procedureversion", draft.pk)).content.decode()
    assert 'name="processing_time"' in html and 'name="components-0-name"' in html


def test_publish_action_publishes_or_reports_why_not(client, place, superuser):
    sector = Sector.objects.create(code="HT", name="Hộ tịch")
    from tinhso.catalog import services
    procedure = services.create_procedure(place.admin, code="1.000894", name="Đăng ký kết hôn",
                                          sector=sector)
    draft = procedure.versions.get()
    client.force_login(superuser)
    changelist = reverse("admin:catalog_procedureversion_changelist")
    response = client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]},
                           follow=True)
    assert "Thời hạn giải quyết phải lớn hơn 0." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    fill_draft(draft, place.communes)
    response = client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]},
                           follow=True)
    assert "Đã công bố 1 phiên bản." in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.current_version_id == draft.pk


def test_adding_a_procedure_in_admin_makes_its_first_draft(client, place, superuser):
    sector = Sector.objects.create(code="HT", name="Hộ tịch")
    client.force_login(superuser)
    response = client.post(reverse("admin:catalog_procedure_add"), {
        "code": "1.000656", "name": "Đăng ký  khai tử", "sector": sector.pk,
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    procedure = Procedure.objects.get(code="1.000656")
    assert procedure.name == "Đăng ký khai tử"
    assert list(procedure.versions.values_list("number", "status")) == [(1, Status.DRAFT)]


def test_staff_without_the_admin_role_cannot_change_the_catalogue(client, place):
    version = published_procedure(place).current_version
    staff = StaffFactory(username="canbo", is_staff=True, agency=place.justice)
    client.force_login(staff)
    response = client.post(reverse("admin:catalog_procedure_changelist"), {
        "action": "make_new_version", "_selected_action": [version.procedure_id]})
    assert response.status_code == 403
    assert ProcedureVersion.objects.count() == 1
