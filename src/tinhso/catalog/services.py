"""The only functions that change the catalogue. Each takes the acting user and checks them."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core import audit
from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.core.roles import Role

from .errors import DraftExists, PublishInvalid, VersionPublished
from .forms_schema import definition_problems
from .models import (
    ChannelTime,
    Component,
    Fee,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
    ProcessTemplate,
    ResultType,
)

Status = ProcedureVersion.Status
PARTS = (ProcedureCase, Component, ChannelTime, Fee, ResultType, ProcessTemplate, ProcessStep)
# Version fields copied to a new version and editable on a draft.
CONTENT_FIELDS = (
    "at_province", "at_commune", "at_ministry", "at_other", "processing_time", "time_unit",
    "legal_basis", "legal_effective_date", "publication_decision_no",
    "publication_decision_date", "public_posting_date", "content_complete", "online_level",
    "uses_population_data", "description", "implementing_body", "competent_authority",
    "coordinating_bodies", "reception_address", "subjects", "conditions", "related_procedures",
)


class SystemActor:
    """The operator at the command line (import, demo loading): trusted, not a user row."""

    pk = None
    is_superuser = True
    is_authenticated = False

    def has_role(self, *roles) -> bool:
        return True

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


def can_manage(user) -> bool:
    if user is None:
        return False
    if user is SYSTEM:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.has_role(Role.SYSTEM_ADMIN)


def ensure_can_manage(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được thay đổi danh mục thủ tục."))


def _audit_actor(user):
    return None if user is SYSTEM else user


def _ensure_draft(version: ProcedureVersion) -> None:
    stored = ProcedureVersion.objects.filter(pk=version.pk).values_list("status", flat=True)
    if version.pk is not None and stored.first() != Status.DRAFT:
        raise VersionPublished()


def _clean(obj, exclude=()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationFailed(details=exc.message_dict) from None


def _version_of(part) -> ProcedureVersion:
    return part.template.version if isinstance(part, ProcessStep) else part.version


# --- Procedures and versions.


@transaction.atomic
def create_procedure(user, *, code: str, name: str, sector, agencies=(), **fields) -> Procedure:
    """A new procedure with its first draft version (publish it when its content is ready)."""
    ensure_can_manage(user)
    procedure = Procedure(code=code, name=name, sector=sector)
    _clean(procedure, ["current_version"])
    procedure.save()
    fields.setdefault("processing_time", Decimal(0))
    version = ProcedureVersion(procedure=procedure, number=1, **fields)
    _clean(version, ["procedure"])
    version.save()
    if agencies:
        version.agencies.set(agencies)
    return procedure


@transaction.atomic
def update_version(user, version: ProcedureVersion, *, agencies=None, **fields):
    """Change a draft's fields (and its agencies when given)."""
    ensure_can_manage(user)
    _ensure_draft(version)
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(version, name, value)
    _clean(version, ["procedure"])
    version.save()
    if agencies is not None:
        version.agencies.set(agencies)
    return version


@transaction.atomic
def save_part(user, part):
    """Add or change a component, fee, result type, process template or step of a draft."""
    ensure_can_manage(user)
    _ensure_draft(_version_of(part))
    if isinstance(part, Component):  # its e-form, by the one checker of forms
        problems = definition_problems(part.form)
        if problems:
            raise ValidationFailed(_("Tờ khai điện tử không hợp lệ."), code="invalid_form",
                                   details={"form": problems})
    if part.pk is not None:
        old = type(part).objects.select_related(
            "template__version" if isinstance(part, ProcessStep) else "version").get(pk=part.pk)
        _ensure_draft(_version_of(old))  # moving a row out of a frozen version is an edit too
    part.save()  # the model guard checks again
    return part


@transaction.atomic
def delete_part(user, part) -> None:
    ensure_can_manage(user)
    _ensure_draft(_version_of(part))
    part.delete()


@transaction.atomic
def new_version(user, procedure: Procedure) -> ProcedureVersion:
    """A draft copying the current (else the latest) version with all its parts, in bulk."""
    ensure_can_manage(user)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    versions = procedure.versions.all()
    if versions.filter(status=Status.DRAFT).exists():
        raise DraftExists()
    source = procedure.current_version or versions.order_by("-number").first()
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    if source is None:
        return ProcedureVersion.objects.create(procedure=procedure, number=number,
                                               processing_time=Decimal(0))
    draft = ProcedureVersion(procedure=procedure, number=number, status=Status.DRAFT,
                             **{f: getattr(source, f) for f in CONTENT_FIELDS})
    draft.save()
    copy_parts(source, draft)
    return draft


def copy_parts(source: ProcedureVersion, target: ProcedureVersion) -> None:
    """Copy agencies, components, fees, results, processes and steps (bulk, no guards)."""
    through = ProcedureVersion.agencies.through
    through.objects.bulk_create(
        [through(procedureversion_id=target.pk, agency_id=agency_id)
         for agency_id in source.agencies.values_list("pk", flat=True)]
    )
    cases = list(ProcedureCase.objects.filter(version=source).order_by("pk"))
    old_case_ids = [c.pk for c in cases]
    _fresh(cases, version_id=target.pk)
    ProcedureCase.objects.bulk_create(cases)
    new_case = {old: c.pk for old, c in zip(old_case_ids, cases, strict=True)} | {None: None}
    for model in (Component, ChannelTime, Fee, ResultType):
        rows = list(model.objects.filter(version=source))
        for row in rows:
            if model is not ResultType:
                row.case_id = new_case[row.case_id]
        _fresh(rows, version_id=target.pk)
        model.objects.bulk_create(rows)
    templates = list(ProcessTemplate.objects.filter(version=source).order_by("pk"))
    old_ids = [t.pk for t in templates]
    _fresh(templates, version_id=target.pk)
    ProcessTemplate.objects.bulk_create(templates)
    new_id = {old: t.pk for old, t in zip(old_ids, templates, strict=True)}
    steps = list(ProcessStep.objects.filter(template_id__in=old_ids))
    for step in steps:
        step.template_id = new_id[step.template_id]
    _fresh(steps)
    ProcessStep.objects.bulk_create(steps)


def _fresh(rows, **fields) -> None:
    """Make loaded rows into new ones (saved by bulk_create) with these field values."""
    for row in rows:
        row.pk = row.id = None
        row._state.adding = True
        for name, value in fields.items():
            setattr(row, name, value)


def publish_problems(version: ProcedureVersion) -> list[str]:
    """What stops this version from being published, in Vietnamese; empty when it can be."""
    problems = []
    if not version.processing_time or version.processing_time <= 0:
        problems.append(str(_("Thời hạn giải quyết phải lớn hơn 0.")))
    if not version.agencies.exists():
        problems.append(str(_("Chưa có cơ quan thực hiện.")))
    if not version.resulttypes.exists():
        problems.append(str(_("Chưa có kết quả thủ tục.")))
    for template in version.processes.prefetch_related("steps"):
        total = sum((step.share for step in template.steps.all()), Decimal(0))
        if total != 100:
            problems.append(str(_(
                "Quy trình “%(name)s”: tổng tỷ lệ thời gian các bước là %(total)s%%, "
                "phải bằng 100%%."
            ) % {"name": template.name, "total": f"{total.normalize():f}"}))
    return problems


@transaction.atomic
def publish(user, version: ProcedureVersion) -> ProcedureVersion:
    """Publish a draft: it becomes the procedure's current version and the old one retires."""
    ensure_can_manage(user)
    version = ProcedureVersion.objects.select_for_update().select_related("procedure").get(
        pk=version.pk)
    if version.status != Status.DRAFT:
        raise VersionPublished(_("Phiên bản này đã được công bố trước đó."))
    problems = publish_problems(version)
    if problems:
        raise PublishInvalid(details=problems)
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    previous = list(procedure.versions.filter(status=Status.PUBLISHED).exclude(pk=version.pk))
    for old in previous:
        old.status = Status.RETIRED
        old.save(update_fields=["status"])
    version.status = Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    audit.record("catalog.publish", actor=_audit_actor(user), target=version, data={
        "procedure": procedure.code, "number": version.number,
        "retired": [old.number for old in previous],
    })
    return version
