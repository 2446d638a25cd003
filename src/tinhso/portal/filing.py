"""Filing online, step by step, on a server-side draft; the last step is lifecycle.submit.

The rules of a dossier (who may file, which papers are required, which agency takes the
procedure online) stay in tinhso.dossiers; a draft only holds what the citizen entered
so far, so that nothing is lost between steps, failed uploads or a closed browser.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from tinhso.catalog.models import OnlineLevel
from tinhso.core.errors import NotFound, PermissionDenied, ValidationFailed
from tinhso.dossiers import lifecycle
from tinhso.dossiers.identifiers import validate_applicant
from tinhso.dossiers.inputs import ApplicantInput, ComponentInput, offers_online
from tinhso.dossiers.models import ApplicantKind, Channel, Dossier
from tinhso.dossiers.policy import filing_applicant, is_applicant
from tinhso.integrations import datastore

from .models import Draft, DraftPaper

OFFERED_PER_COMPONENT = 5


def _ensure_citizen(user) -> None:
    if not is_applicant(user):
        raise PermissionDenied(_("Tài khoản cán bộ không dùng để nộp hồ sơ trực tuyến. Vui "
                                 "lòng đăng nhập bằng tài khoản định danh của công dân."))


def open_draft(user, procedure) -> Draft:
    """The citizen's open draft for this procedure, made (and prefilled) on first use."""
    _ensure_citizen(user)
    version = procedure.current_version
    if not offers_online(version):
        raise ValidationFailed(_("Thủ tục này không cung cấp dịch vụ công trực tuyến."),
                               code="online_not_allowed")
    draft = Draft.objects.filter(user=user, procedure=procedure, dossier=None).first()
    if draft is None:
        agencies = list(version.agencies.filter(is_active=True)[:2])
        try:
            with transaction.atomic():
                draft = Draft.objects.create(
                    user=user, procedure=procedure, version=version,
                    agency=agencies[0] if len(agencies) == 1 else None,
                    applicant_name=user.full_name, applicant_id_number=user.personal_id or "",
                    applicant_phone=user.phone, applicant_email=user.email)
        except IntegrityError:  # the same citizen opened it twice at once
            draft = Draft.objects.get(user=user, procedure=procedure, dossier=None)
    elif draft.version_id != version.pk:
        # A new version was published meanwhile: its components differ, so its papers go.
        with transaction.atomic():
            draft.papers.all().delete()
            draft.version = version
            draft.save(update_fields=["version", "updated_at"])
    return draft


def draft_for(user, pk: int) -> Draft:
    draft = (Draft.objects.select_related("procedure", "version", "agency", "dossier", "user")
             .filter(pk=pk, user=user).first() if getattr(user, "pk", None) else None)
    if draft is None:
        raise NotFound(_("Không tìm thấy hồ sơ nháp."))
    return draft


def save_applicant(draft: Draft, *, agency, phone: str, email: str, address: str) -> Draft:
    """The applicant is the signed-in citizen; contact details and the agency are theirs to set."""
    if agency is None or not draft.version.agencies.filter(pk=agency.pk).exists():
        raise ValidationFailed(_("Vui lòng chọn cơ quan tiếp nhận hồ sơ."), code="agency")
    draft.agency = agency
    draft.applicant_phone = phone.strip()
    draft.applicant_email = email.strip()
    draft.applicant_address = address.strip()
    draft.save()
    return draft


def components(draft: Draft):
    return draft.version.components.order_by("order", "pk")


def papers_by_component(draft: Draft) -> dict[int, DraftPaper]:
    return {p.component_id: p for p in draft.papers.all()}


def _component(draft: Draft, component_id: int):
    found = components(draft).filter(pk=component_id).first()
    if found is None:
        raise ValidationFailed(_("Giấy tờ không thuộc thành phần hồ sơ của thủ tục."),
                               code="unknown_component")
    return found


def attach_upload(draft: Draft, component_id: int, upload) -> DraftPaper:
    """Keep an uploaded paper (checked by uploads.validate_paper) for one component."""
    component = _component(draft, component_id)
    paper, _created = DraftPaper.objects.get_or_create(draft=draft, component=component)
    paper.file.save(upload.name, upload, save=False)
    paper.original_name = upload.name[:255]
    paper.reused_from = ""
    paper.save()
    return paper


def reusable_papers(draft: Draft) -> dict[int, list[datastore.StoredPaper]]:
    """For each component, the citizen's stored papers that may stand for it."""
    stored = datastore.store().papers(draft.user)  # newest first
    return {c.pk: [p for p in stored if datastore.fits(p, c)][:OFFERED_PER_COMPONENT]
            for c in components(draft)}


def attach_reuse(draft: Draft, component_id: int, reference: str) -> DraftPaper:
    component = _component(draft, component_id)
    paper = datastore.store().get(draft.user, reference)
    if paper is None or not datastore.fits(paper, component):
        raise ValidationFailed(_("Giấy tờ đã chọn không có trong kho dữ liệu của bạn hoặc "
                                 "không phù hợp với thành phần hồ sơ này."), code="reuse")
    row, _created = DraftPaper.objects.get_or_create(draft=draft, component=component)
    row.file = paper.file.name
    row.original_name = paper.name[:255]
    row.reused_from = paper.reference
    row.save()
    return row


def remove_paper(draft: Draft, component_id: int) -> None:
    DraftPaper.objects.filter(draft=draft, component_id=component_id).delete()


def missing_required(draft: Draft) -> list[str]:
    given = set(draft.papers.values_list("component_id", flat=True))
    return [c.name for c in components(draft) if c.is_required and c.pk not in given]


def applicant(draft: Draft) -> ApplicantInput:
    """The signed-in citizen, as the service binds every citizen's filing (policy)."""
    return filing_applicant(draft.user, ApplicantInput(
        kind=ApplicantKind.CITIZEN, name=draft.applicant_name,
        id_number=draft.user.personal_id or "", phone=draft.applicant_phone,
        email=draft.applicant_email, address=draft.applicant_address))


def check_ready(draft: Draft) -> None:
    """What the review step shows before the citizen may submit."""
    bound = applicant(draft)
    validate_applicant(bound.kind, bound.name, bound.id_number)
    if draft.agency_id is None:
        raise ValidationFailed(_("Vui lòng chọn cơ quan tiếp nhận hồ sơ."), code="agency")
    missing = missing_required(draft)
    if missing:
        raise ValidationFailed(_("Thiếu thành phần hồ sơ bắt buộc."),
                               code="missing_components", details=missing)


def submit(draft: Draft, *, vneid_verified: bool = False) -> Dossier:
    """File the draft; repeating it (double click, reload) returns the same dossier."""
    if draft.dossier_id:
        return draft.dossier
    check_ready(draft)
    items = [ComponentInput(name=p.component.name, component_id=p.component_id,
                            file=p.file.name or None, is_digitized=not p.reused_from,
                            reused_from=p.reused_from)
             for p in draft.papers.select_related("component").order_by("component__order")]
    with transaction.atomic():
        dossier = lifecycle.submit(
            draft.user, procedure=draft.procedure_id, agency=draft.agency,
            applicant=applicant(draft), channel=Channel.ONLINE, components=items,
            is_full_online=draft.version.online_level == OnlineLevel.FULL,
            idempotency_key=draft.idempotency_key, vneid_verified=vneid_verified)
        Draft.objects.filter(pk=draft.pk, dossier=None).update(dossier=dossier)
    draft.dossier = dossier
    return dossier
