"""Versions: drafts are editable, published ones are frozen at service AND model level."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from tinhso.catalog import services
from tinhso.catalog.errors import DraftExists, PublishInvalid, VersionPublished
from tinhso.catalog.models import (
    Component,
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    ProcessTemplate,
    ResultType,
    Sector,
)
from tinhso.core.errors import PermissionDenied
from tinhso.core.models import AuditEntry
from tinhso.core.roles import Role
from tinhso.dossiers.models import ApplicantKind, Channel, Dossier

from .conftest import fill_draft, published_procedure

Status = ProcedureVersion.Status


def test_create_procedure_makes_a_first_draft(place):
    sector = Sector.objects.create(code="XD", name="Xây dựng")
    procedure = services.create_procedure(
        place.admin, code="1.009994", name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        sector=sector, agencies=place.communes, online_level="full")
    version = procedure.versions.get()
    assert (version.number, version.status) == (1, Status.DRAFT)
    assert procedure.current_version is None
    assert procedure.search_name == "cap giay phep xay dung moi doi voi nha o rieng le"
    assert set(version.agencies.all()) == set(place.communes)


def test_create_procedure_rejects_a_malformed_code(place):
    sector = Sector.objects.create(code="XD", name="Xây dựng")
    with pytest.raises(Exception) as err:
        services.create_procedure(place.admin, code="1234", name="Thủ tục", sector=sector)
    assert err.value.code == "invalid"
    assert "code" in err.value.details
    assert not Procedure.objects.exists()


def test_publish_makes_the_version_current_and_records_an_audit_entry(place):
    procedure = published_procedure(place)
    version = procedure.current_version
    assert version.status == Status.PUBLISHED and version.published_at is not None
    entry = AuditEntry.objects.get(action="catalog.publish")
    assert entry.actor_id == place.admin.pk
    assert entry.data == {"procedure": "1.001193", "number": 1, "retired": []}


def test_published_version_is_frozen_at_model_level(place):
    version = published_procedure(place).current_version
    version.processing_time = Decimal(3)
    with pytest.raises(VersionPublished) as err:
        version.save()
    assert err.value.code == "version_published" and err.value.status == 409
    with pytest.raises(VersionPublished):
        version.delete()
    component = version.components.first()
    component.name = "Tờ khai khác"
    with pytest.raises(VersionPublished):
        component.save()
    with pytest.raises(VersionPublished):
        component.delete()
    with pytest.raises(VersionPublished):
        Fee.objects.create(version=version, name="Phí mới", amount=1000)
    with pytest.raises(VersionPublished):
        ResultType(version=version, name="Kết quả thêm").save()
    step = ProcessStep.objects.filter(template__version=version).first()
    step.share = Decimal(50)
    with pytest.raises(VersionPublished):
        step.save()
    with pytest.raises(VersionPublished):
        ProcessTemplate.objects.create(version=version, agency=place.justice, name="Khác")
    # Django runs m2m changes in an atomic block that the refusal breaks: give it a savepoint.
    with pytest.raises(VersionPublished), transaction.atomic():
        version.agencies.add(place.justice)
    with pytest.raises(VersionPublished), transaction.atomic():
        place.communes[0].procedure_versions.remove(version)
    # Nothing changed in the database.
    version.refresh_from_db()
    assert version.processing_time == 5
    assert version.agencies.count() == 3
    assert list(version.components.values_list("name", flat=True)) == [
        "Tờ khai theo mẫu", "Căn cước công dân"]


def test_a_published_version_cannot_be_put_back_to_draft(place):
    version = published_procedure(place).current_version
    version.status = Status.DRAFT
    with pytest.raises(VersionPublished):
        version.save(update_fields=["status"])


def test_moving_a_part_out_of_a_published_version_is_refused(place):
    procedure = published_procedure(place)
    published = procedure.current_version
    draft = services.new_version(place.admin, procedure)
    component = published.components.first()
    component.version = draft  # the row would vanish from the published version
    with pytest.raises(VersionPublished):
        component.save()


def test_published_version_is_frozen_in_the_services(place):
    procedure = published_procedure(place)
    version = procedure.current_version
    with pytest.raises(VersionPublished):
        services.update_version(place.admin, version, processing_time=Decimal(2))
    with pytest.raises(VersionPublished):
        services.save_part(place.admin, Component(version=version, name="Thêm"))
    with pytest.raises(VersionPublished):
        services.delete_part(place.admin, version.fees.first())
    with pytest.raises(VersionPublished):
        services.publish(place.admin, version)


def test_new_version_copies_every_part_and_leaves_the_old_untouched(place):
    procedure = published_procedure(place)
    old = procedure.current_version
    draft = services.new_version(place.admin, procedure)
    assert (draft.number, draft.status) == (2, Status.DRAFT)
    assert draft.processing_time == old.processing_time
    assert set(draft.agencies.all()) == set(old.agencies.all())

    def parts(version):
        return (
            list(version.components.values_list("order", "name", "reusable_kind")),
            list(version.fees.values_list("name", "amount")),
            list(version.resulttypes.values_list("name", "is_electronic")),
            [(t.name, t.agency_id, list(t.steps.values_list("order", "name", "role", "share")))
             for t in version.processes.all()],
        )

    assert parts(draft) == parts(old)
    # Copies, not shared rows.
    assert not set(draft.components.values_list("pk", flat=True)) & set(
        old.components.values_list("pk", flat=True))
    # The draft is editable, the old one stays current until the draft is published.
    services.update_version(place.admin, draft, processing_time=Decimal(3))
    services.save_part(place.admin, Fee(version=draft, name="Phí bổ sung", amount=5000))
    procedure.refresh_from_db()
    assert procedure.current_version_id == old.pk
    assert old.fees.count() == 1 and draft.fees.count() == 2


def test_only_one_draft_at_a_time(place):
    procedure = published_procedure(place)
    services.new_version(place.admin, procedure)
    with pytest.raises(DraftExists):
        services.new_version(place.admin, procedure)


def test_publishing_a_new_version_retires_the_old_and_old_references_stay_valid(place):
    procedure = published_procedure(place)
    old = procedure.current_version
    old_step = ProcessStep.objects.filter(template__version=old).first()
    old_component = old.components.first()
    # A dossier filed under v1 (a plain row: the lifecycle is another app's business).
    dossier = Dossier.objects.create(
        code="H44.100-260213-0001", procedure=procedure, procedure_version=old,
        agency=place.communes[0], current_agency=place.communes[0],
        applicant_kind=ApplicantKind.CITIZEN, applicant_name="Nguyễn Văn An",
        applicant_id_number="025095001234", channel=Channel.ONLINE,
        submitted_at=timezone.now(), current_step=old_step)
    draft = services.new_version(place.admin, procedure)
    services.update_version(place.admin, draft, processing_time=Decimal(3))
    services.publish(place.admin, draft)
    procedure.refresh_from_db()
    old.refresh_from_db()
    assert procedure.current_version_id == draft.pk
    assert old.status == Status.RETIRED
    assert list(procedure.versions.values_list("number", "status")) == [
        (2, Status.PUBLISHED), (1, Status.RETIRED)]
    # The dossier still points at v1's rules: neither moved nor changed, and frozen.
    dossier.refresh_from_db()
    assert dossier.procedure_version_id == old.pk and dossier.current_step_id == old_step.pk
    assert old.processing_time == 5 and old.components.count() == 2
    assert ProcessStep.objects.get(pk=old_step.pk).template.version_id == old.pk
    assert Component.objects.get(pk=old_component.pk).version_id == old.pk
    old.processing_time = Decimal(1)
    with pytest.raises(VersionPublished):
        old.save()
    entry = [e.data for e in AuditEntry.objects.filter(action="catalog.publish")][-1]
    assert entry == {"procedure": "1.001193", "number": 2, "retired": [1]}


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda v: ProcedureVersion.objects.filter(pk=v.pk).update(processing_time=0),
         "Thời hạn giải quyết phải lớn hơn 0."),
        (lambda v: v.agencies.clear(), "Chưa có cơ quan thực hiện."),
        (lambda v: v.resulttypes.all().delete(), "Chưa có kết quả thủ tục."),
        (lambda v: ProcessStep.objects.filter(template__version=v, order=3).update(share=10),
         "Quy trình “Quy trình chung”: tổng tỷ lệ thời gian các bước là 90%, phải bằng 100%."),
    ],
)
def test_publish_checks_invariants(place, spoil, message):
    sector = Sector.objects.create(code="HT", name="Hộ tịch")
    procedure = services.create_procedure(place.admin, code="1.000894",
                                          name="Đăng ký kết hôn", sector=sector)
    draft = fill_draft(procedure.versions.get(), place.communes)
    spoil(draft)
    with pytest.raises(PublishInvalid) as err:
        services.publish(place.admin, draft)
    assert message in err.value.details
    draft.refresh_from_db()
    procedure.refresh_from_db()
    assert draft.status == Status.DRAFT and procedure.current_version is None


def test_a_template_with_no_steps_cannot_be_published(place):
    sector = Sector.objects.create(code="HT", name="Hộ tịch")
    procedure = services.create_procedure(place.admin, code="1.000894",
                                          name="Đăng ký kết hôn", sector=sector)
    draft = fill_draft(procedure.versions.get(), place.communes)
    ProcessTemplate.objects.create(version=draft, agency=place.justice, name="Tại Sở")
    with pytest.raises(PublishInvalid) as err:
        services.publish(place.admin, draft)
    assert any("“Tại Sở”" in d and "0%" in d for d in err.value.details)


def test_non_administrators_are_refused_by_every_service(place):
    procedure = published_procedure(place)
    sector = procedure.sector
    staff = place.officer
    calls = [
        lambda: services.create_procedure(staff, code="1.000001", name="X", sector=sector),
        lambda: services.new_version(staff, procedure),
        lambda: services.publish(staff, procedure.current_version),
        lambda: services.update_version(staff, procedure.current_version),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert Procedure.objects.count() == 1 and ProcedureVersion.objects.count() == 1


def test_superuser_and_system_admin_may_manage(place):
    staff = place.officer
    assert not services.can_manage(staff)
    staff.is_superuser = True
    assert services.can_manage(staff)
    from tinhso.core.tests.factories import StaffFactory
    assert services.can_manage(StaffFactory(roles=[Role.SYSTEM_ADMIN]))
    assert not services.can_manage(StaffFactory(roles=[Role.PROVINCE_SUPERVISOR]))
