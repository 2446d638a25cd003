"""Desk intake of a walk-in applicant: choose the procedure, then its case (trường hợp) when
it has cases, enter the applicant, check the case's papers, submit (lifecycle.intake receives
it at once), print the receipt."""

import secrets

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.catalog import frozen, terms
from tinhso.catalog import selectors as catalog
from tinhso.catalog.models import Channel as CatalogChannel
from tinhso.core.errors import DomainError, ValidationFailed
from tinhso.dossiers import lifecycle, population, selectors
from tinhso.dossiers.inputs import filing_terms
from tinhso.dossiers.models import ApplicantKind, Channel

from ..access import official_required
from ..forms import IntakeForm
from .common import may_intake, render_page

SESSION_KEY = "backoffice_intake_tokens"
KEEP_TOKENS = 50
MAX_CHOICES = 50


@official_required
def choose_procedure(request):
    if not may_intake(request.user):
        messages.error(request, _("Chỉ cán bộ một cửa được tiếp nhận hồ sơ trực tiếp."))
        return redirect("backoffice:index")
    text = request.GET.get("q", "").strip()
    procedures = selectors.intake_procedures(request.user, text)
    total = procedures.count()
    return render_page(request, "backoffice/intake_choose.html", {
        "q": text, "procedures": procedures[:MAX_CHOICES], "total": total,
        "limited": total > MAX_CHOICES,
    })


def _from_population(request, procedure) -> dict:
    """Applicant fields from the national population database (the citizen consented)."""
    try:
        lookup, person = population.look_up(
            request.user, request.GET.get("population", ""),
            consent=request.GET.get("consent") == "1",
            purpose=_("Tiếp nhận hồ sơ thủ tục %(code)s") % {"code": procedure.code})
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return {"applicant_id_number": request.GET.get("population", "").strip()[:14]}
    if person is None:
        messages.warning(request, _("CSDL quốc gia về dân cư không có số định danh %(id)s.")
                         % {"id": lookup.personal_id})
        return {"applicant_id_number": lookup.personal_id}
    messages.success(request, _("Đã lấy họ tên, địa chỉ thường trú của công dân từ CSDL quốc "
                                "gia về dân cư."))
    return {"applicant_kind": ApplicantKind.CITIZEN, "applicant_name": person.full_name,
            "applicant_id_number": person.personal_id,
            "applicant_address": person.permanent_residence[:255],
            "population_lookup": lookup.pk}


def _prefill(request, procedure) -> dict:
    """Applicant fields from the population database, or from the newest dossier of the same
    id number (the "find" button)."""
    if "population" in request.GET:
        return _from_population(request, procedure)
    id_number = request.GET.get("lookup", "").strip()
    if not id_number:
        return {}
    found = selectors.known_applicant(request.user, id_number)
    if found is None:
        messages.info(request, _("Chưa có hồ sơ nào của số định danh / mã số thuế %(id)s; "
                                 "vui lòng nhập thông tin chủ hồ sơ.") % {"id": id_number})
        return {"applicant_id_number": id_number}
    return {f"applicant_{key}": value for key, value in found.items()}


@official_required
def intake(request, procedure_code):
    if not may_intake(request.user):
        messages.error(request, _("Chỉ cán bộ một cửa được tiếp nhận hồ sơ trực tiếp."))
        return redirect("backoffice:index")
    procedure = selectors.intake_procedures(request.user).filter(code=procedure_code).first()
    if procedure is None:
        raise Http404
    version = procedure.current_version
    cases = frozen.parts_of(version).cases
    chosen = request.POST.get("case", "") if request.method == "POST" else request.GET.get(
        "case", "")
    try:
        case_id = terms.check_case(cases, chosen)
    except ValidationFailed as exc:
        # The case comes first: its papers, time and fees differ.
        return render_page(request, "backoffice/intake_case.html", {
            "procedure": procedure, "version": version,
            "cases": [(c, c.on(CatalogChannel.DESK)) for c in catalog.case_terms(
                version, channels=(CatalogChannel.DESK,))],
            "error": str(exc.message) if chosen or request.method == "POST" else "",
            "lookup": request.GET.get("lookup", ""),
        }, status=400 if chosen or request.method == "POST" else 200)
    components = [c for c in frozen.parts_of(version).components.values()
                  if terms.applies(c, case_id)]
    tokens = request.session.get(SESSION_KEY, {})

    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, components=components)
        token = request.POST.get("submission_token", "")
        if token in tokens:  # the same form sent twice: show the dossier it made
            messages.info(request, _("Hồ sơ này đã được tiếp nhận."))
            return redirect("backoffice:dossier", tokens[token])
        if form.is_valid():
            try:
                dossier = lifecycle.intake(
                    request.user, procedure=procedure, agency=request.user.agency,
                    applicant=form.applicant(), case=case_id,
                    components=form.component_inputs(),
                    population_lookup=form.cleaned_data.get("population_lookup"),
                    idempotency_key=f"desk-{token}" if token else None)
            except ValidationFailed as exc:
                details = exc.details if isinstance(exc.details, list) else []
                form.add_error(None, " ".join([str(exc.message), *map(str, details)]))
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                tokens[token] = dossier.code
                request.session[SESSION_KEY] = dict(list(tokens.items())[-KEEP_TOKENS:])
                messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận "
                                            "và hẹn trả kết quả cho công dân.")
                                 % {"code": dossier.code})
                return redirect("backoffice:dossier", dossier.code)
        status = 400
    else:
        initial = {"submission_token": secrets.token_hex(16), **_prefill(request, procedure)}
        form = IntakeForm(initial=initial, components=components)
        status = 200
    return render_page(request, "backoffice/intake_form.html", {
        "procedure": procedure, "version": version, "form": form,
        "case": cases.get(case_id), "has_cases": bool(cases),
        # What the dossier will owe at the desk, by the rules the lifecycle applies.
        "desk": filing_terms(version, case_id, Channel.DESK, timezone.now()),
        "lookup": request.GET.get("lookup", ""),
    }, status=status)
