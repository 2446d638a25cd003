"""Filing online, step by step, on a server-side draft; the last step is lifecycle.submit.

The rules of a dossier (who may file, which papers are required, which agency takes the
procedure online) stay in tinhso.dossiers; a draft only holds what the citizen entered
so far, so that nothing is lost between steps, failed uploads or a closed browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.catalog import forms_schema, frozen, terms
from tinhso.catalog.models import OnlineLevel
from tinhso.core.calendar import get_calendar
from tinhso.core.errors import NotFound, PermissionDenied, ValidationFailed
from tinhso.core.timeunits import TimeUnit
from tinhso.dossiers import lifecycle, population, selectors
from tinhso.dossiers.identifiers import validate_applicant
from tinhso.dossiers.inputs import (
    ApplicantInput,
    ComponentInput,
    FilingTerms,
    filing_terms,
    offers_online,
)
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
        # A new version was published meanwhile: its cases and components differ, so the
        # choice and the papers go.
        with transaction.atomic():
            draft.papers.all().delete()
            draft.version = version
            draft.case = None
            draft.save(update_fields=["version", "case", "updated_at"])
    return draft


def has_cases(draft: Draft) -> bool:
    return bool(frozen.parts_of(draft.version).cases)


def needs_case(draft: Draft) -> bool:
    """The procedure splits into cases and the citizen has not chosen one yet."""
    return draft.case_id is None and has_cases(draft)


def choose_case(draft: Draft, case_id) -> Draft:
    """Keep the chosen case; papers given for another case's components go."""
    chosen = terms.check_case(frozen.parts_of(draft.version).cases, case_id)
    with transaction.atomic():
        if chosen != draft.case_id:
            draft.papers.exclude(Q(component__case=None) | Q(component__case=chosen)).delete()
        draft.case_id = chosen
        draft.save(update_fields=["case", "updated_at"])
    return draft


@dataclass(frozen=True)
class Quote:
    """What filing this draft online brings: statutory time, expected due date, fees."""

    terms: FilingTerms
    due: datetime | None  # if received now; None when the time is not stated


def quote(draft: Draft, at: datetime | None = None) -> Quote | None:
    """The terms of the draft's case on the online channel (None while no case is chosen)."""
    if needs_case(draft):
        return None
    at = at or timezone.now()
    found = filing_terms(draft.version, draft.case_id, Channel.ONLINE, at)
    due = None
    if found.processing_time is not None:
        due = get_calendar().due_at(at, found.processing_time, TimeUnit(found.time_unit))
    return Quote(found, due)


def draft_for(user, pk: int) -> Draft:
    draft = (Draft.objects.select_related("procedure", "version", "agency", "dossier", "user")
             .filter(pk=pk, user=user).first() if getattr(user, "pk", None) else None)
    if draft is None:
        raise NotFound(_("Không tìm thấy hồ sơ nháp."))
    return draft


def save_applicant(draft: Draft, *, agency, phone: str, email: str, address: str,
                   use_population_db: bool = False) -> Draft:
    """The applicant is the signed-in citizen; contact details and the agency are theirs to set.
    With their consent, the population database fills the address they left empty."""
    if agency is None or not draft.version.agencies.filter(pk=agency.pk).exists():
        raise ValidationFailed(_("Vui lòng chọn cơ quan tiếp nhận hồ sơ."), code="agency")
    if use_population_db and not address.strip():
        _lookup, person = population.look_up(draft.user, draft.applicant_id_number,
                                             consent=True, purpose=_purpose(draft))
        address = person.permanent_residence[:255] if person else address
    draft.use_population_db = use_population_db
    draft.agency = agency
    draft.applicant_phone = phone.strip()
    draft.applicant_email = email.strip()
    draft.applicant_address = address.strip()
    draft.save()
    return draft


def components(draft: Draft):
    """The papers of the draft's case: those of every case and those of the one chosen."""
    return (draft.version.components.filter(Q(case=None) | Q(case=draft.case_id))
            .order_by("order", "pk"))


def papers_by_component(draft: Draft) -> dict[int, DraftPaper]:
    return {p.component_id: p for p in papers(draft)}


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


# --- E-forms (tờ khai điện tử): what the citizen enters is kept in the draft as typed, and
# checked by the catalogue's one checker (catalog.forms_schema) on every save and at submit.


def prefill(draft: Draft, form: dict) -> dict:
    """Initial values of a form: the identity the provider vouched for (the signed-in
    citizen's name and personal id, the phone and e-mail the applicant step keeps) and, for
    a field naming a kind of the e-data store, the newest such paper of the citizen's."""
    user = draft.user
    identity = {"identity:name": draft.applicant_name or user.full_name,
                "identity:personal_id": user.personal_id or "",
                "identity:phone": draft.applicant_phone or user.phone,
                "identity:email": draft.applicant_email or user.email}
    stored = None

    def value(field):
        nonlocal stored
        source = field.get("prefill") or ""
        if source in identity:
            return identity[source] or ""
        if source.startswith("store:"):
            if stored is None:
                stored = datastore.store().papers(user)  # newest first
            paper = next((p for p in stored if p.kind == source[6:]), None)
            return (_("%(name)s (hồ sơ %(code)s)") % {"name": paper.name,
                                                     "code": paper.dossier_code}
                    if paper else "")
        return ""

    out = {}
    for field in form["fields"]:
        if field["type"] == "group":
            continue
        filled = value(field)
        if filled:
            out[field["name"]] = filled
    return out


def form_values(draft: Draft, component, paper: DraftPaper | None) -> dict:
    """What the form of this component shows: the draft's values, else the prefill."""
    if paper is not None and paper.form_data is not None:
        return paper.form_data
    return prefill(draft, component.form)


def save_form(draft: Draft, component_id: int, data: dict) -> forms_schema.Checked:
    """Keep what was entered in a component's form (even when not valid yet, so nothing is
    lost) and say what is wrong with it. An optional form left as prefilled is not filed."""
    component = _component(draft, component_id)
    if not component.form:
        raise ValidationFailed(_("Giấy tờ này không có tờ khai điện tử."), code="invalid_form")
    checked = forms_schema.clean(component.form, data)
    untouched = forms_schema.clean(component.form, prefill(draft, component.form)).values
    if not component.is_required and checked.values == untouched:
        remove_paper(draft, component.pk)
        return forms_schema.Checked(checked.values, {})
    row, _created = DraftPaper.objects.get_or_create(draft=draft, component=component)
    row.form_data = data
    row.file = ""
    row.original_name = str(component.form.get("title") or component.name)[:255]
    row.reused_from = ""
    row.save()
    return checked


@dataclass(frozen=True)
class PreviousForm:
    """The citizen's newest filing of a form with the same fields, and what of it may be
    reused (forms_schema.reusable: not the fields personal to one case, not the prefilled)."""

    dossier_code: str
    submitted_at: datetime
    values: dict


def previous_forms(draft: Draft) -> dict[int, PreviousForm]:
    """component id -> what the citizen filed before in a form with the same fields (any
    procedure), for the draft's e-forms that have one."""
    wanted = [c for c in components(draft) if c.form]
    found: dict[int, PreviousForm] = {}
    if not wanted:
        return found
    for form, data, code, at in selectors.filed_forms(draft.user):
        for component in wanted:
            if component.pk in found or not forms_schema.same_fields(form, component.form):
                continue
            values = forms_schema.reusable(component.form, data)
            if values:
                found[component.pk] = PreviousForm(code, at, values)
        if len(found) == len(wanted):
            break
    return found


def reuse_form(draft: Draft, component_id: int, entered: dict | None = None
               ) -> forms_schema.Checked:
    """Fill a form of the draft from the citizen's previous filing of it: its reusable
    values over what the page holds (`entered`, else the prefill), so that what was typed in
    this case's own fields stays."""
    component = _component(draft, component_id)
    previous = previous_forms(draft).get(component.pk)
    if previous is None:
        raise ValidationFailed(_("Không có tờ khai đã nộp trước đây để dùng lại."),
                               code="reuse")
    return save_form(draft, component.pk, {**(entered or prefill(draft, component.form)),
                                           **previous.values})


def form_errors(draft: Draft) -> dict[int, dict]:
    """component id -> the problems of its kept form, for the forms that have any."""
    out = {}
    for paper in papers(draft).filter(form_data__isnull=False).select_related("component"):
        if paper.component.form:
            checked = forms_schema.clean(paper.component.form, paper.form_data)
            if not checked.ok:
                out[paper.component_id] = checked.errors
    return out


def remove_paper(draft: Draft, component_id: int) -> None:
    DraftPaper.objects.filter(draft=draft, component_id=component_id).delete()


def papers(draft: Draft):
    """The draft's papers for the components of its case."""
    return draft.papers.filter(Q(component__case=None) | Q(component__case=draft.case_id))


def missing_required(draft: Draft) -> list[str]:
    given = set(papers(draft).values_list("component_id", flat=True))
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
    terms.check_case(frozen.parts_of(draft.version).cases, draft.case_id)
    if draft.agency_id is None:
        raise ValidationFailed(_("Vui lòng chọn cơ quan tiếp nhận hồ sơ."), code="agency")
    missing = missing_required(draft)
    if missing:
        raise ValidationFailed(_("Thiếu thành phần hồ sơ bắt buộc."),
                               code="missing_components", details=missing)
    bad = form_errors(draft)
    if bad:
        names = [c.name for c in components(draft) if c.pk in bad]
        raise ValidationFailed(_("Tờ khai điện tử còn thông tin chưa hợp lệ."),
                               code="invalid_form", details=names)


def _purpose(draft: Draft) -> str:
    return _("Nộp hồ sơ trực tuyến thủ tục %(code)s") % {"code": draft.procedure.code}


def _population_lookup(draft: Draft) -> int | None:
    """A fresh look-up for the dossier, when the citizen consented; the registry being down
    does not stop the filing (the dossier then records no use of it)."""
    if not draft.use_population_db:
        return None
    try:
        lookup, person = population.look_up(draft.user, draft.applicant_id_number,
                                             consent=True, purpose=_purpose(draft))
    except population.RegistryUnavailable:
        return None
    return lookup.pk if person else None


def submit(draft: Draft, *, vneid_verified: bool = False) -> Dossier:
    """File the draft; repeating it (double click, reload) returns the same dossier."""
    if draft.dossier_id:
        return draft.dossier
    check_ready(draft)
    lookup = _population_lookup(draft)
    items = [ComponentInput(name=p.component.name, component_id=p.component_id,
                            file=p.file.name or None,
                            is_digitized=not p.reused_from and p.form_data is None,
                            reused_from=p.reused_from, form_data=p.form_data)
             for p in papers(draft).select_related("component").order_by("component__order")]
    with transaction.atomic():
        dossier = lifecycle.submit(
            draft.user, procedure=draft.procedure_id, agency=draft.agency,
            applicant=applicant(draft), channel=Channel.ONLINE, case=draft.case_id,
            components=items,
            is_full_online=draft.version.online_level == OnlineLevel.FULL,
            idempotency_key=draft.idempotency_key, vneid_verified=vneid_verified,
            population_lookup=lookup)
        Draft.objects.filter(pk=draft.pk, dossier=None).update(dossier=dossier)
    draft.dossier = dossier
    return dossier
