"""Filing online: applicant → papers → review → submit → receipt."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.core.errors import DomainError
from tinhso.dossiers import uploads
from tinhso.integrations.identity import VERIFIED_SESSION_KEY

from .. import filing
from ..forms import ApplicantForm, PaperUploadField
from .catalog import published
from .common import citizen_required, not_found, show_error


def _draft(request, pk):
    try:
        draft = filing.draft_for(request.user, pk)
    except DomainError as exc:
        raise Http404 from exc
    return draft


@citizen_required
def start(request, code):
    procedure = published().filter(code=code).first()
    if procedure is None:
        raise Http404
    try:
        draft = filing.open_draft(request.user, procedure)
    except DomainError as exc:
        show_error(request, exc)
        return redirect("portal:procedure", code=code)
    return redirect("portal:draft_applicant", pk=draft.pk)


def _submitted(draft):
    return redirect("portal:receipt", code=draft.dossier.code) if draft.dossier_id else None


@citizen_required
def applicant(request, pk):
    draft = _draft(request, pk)
    if draft.dossier_id:
        return _submitted(draft)
    agencies = draft.version.agencies.filter(is_active=True).order_by("code")
    initial = {"agency": draft.agency, "phone": draft.applicant_phone,
               "email": draft.applicant_email, "address": draft.applicant_address}
    form = ApplicantForm(request.POST or None, initial=initial, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            filing.save_applicant(draft, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("portal:draft_papers", pk=draft.pk)
    return render(request, "portal/filing_applicant.html", {
        "draft": draft, "form": form, "step": 1,
    }, status=400 if form.errors else 200)


def _paper_rows(draft, errors):
    given = filing.papers_by_component(draft)
    reusable = filing.reusable_papers(draft)
    field = PaperUploadField()
    return [{"component": c, "paper": given.get(c.pk), "reusable": reusable.get(c.pk, []),
             "error": errors.get(c.pk), "field": field} for c in filing.components(draft)]


@citizen_required
def papers(request, pk):
    """Each component on its own: a bad file is refused alone, everything else is kept."""
    draft = _draft(request, pk)
    if draft.dossier_id:
        return _submitted(draft)
    errors: dict[int, str] = {}
    if request.method == "POST":
        for component in filing.components(draft):
            cid = component.pk
            upload = request.FILES.get(f"file-{cid}")
            reuse = request.POST.get(f"reuse-{cid}", "")
            try:
                if request.POST.get("remove") == str(cid):
                    filing.remove_paper(draft, cid)
                elif upload is not None:
                    uploads.validate_paper(upload)
                    filing.attach_upload(draft, cid, upload)
                elif reuse:
                    current = filing.papers_by_component(draft).get(cid)
                    if current is None or current.reused_from != reuse:
                        filing.attach_reuse(draft, cid, reuse)
            except ValidationError as exc:
                errors[cid] = " ".join(exc.messages)
            except DomainError as exc:
                errors[cid] = str(exc.message)
        if not errors and "next" in request.POST:
            return redirect("portal:draft_review", pk=draft.pk)
        if errors:
            messages.error(request, _("Một số giấy tờ chưa được nhận; các giấy tờ khác và "
                                      "thông tin đã nhập vẫn được giữ nguyên."))
        elif "remove" not in request.POST:
            messages.success(request, _("Đã lưu giấy tờ."))
    return render(request, "portal/filing_papers.html", {
        "draft": draft, "rows": _paper_rows(draft, errors), "step": 2,
        "accept": uploads.ACCEPT, "max_mb": uploads.max_mb_label(),
    }, status=400 if errors else 200)


@citizen_required
def review(request, pk):
    draft = _draft(request, pk)
    if draft.dossier_id:
        return _submitted(draft)
    problem = None
    try:
        filing.check_ready(draft)
    except DomainError as exc:
        problem = exc
    return render(request, "portal/filing_review.html", {
        "draft": draft, "step": 3, "problem": problem,
        "papers": filing.papers_by_component(draft), "components": filing.components(draft),
    })


@require_POST
@citizen_required
def submit(request, pk):
    draft = _draft(request, pk)
    try:
        dossier = filing.submit(draft,
                                vneid_verified=bool(request.session.get(VERIFIED_SESSION_KEY)))
    except DomainError as exc:
        show_error(request, exc)
        return redirect("portal:draft_review", pk=draft.pk)
    return redirect("portal:receipt", code=dossier.code)


@citizen_required
def drafts(request):
    rows = (filing.Draft.objects.filter(user=request.user, dossier=None)
            .select_related("procedure").order_by("-updated_at"))
    return render(request, "portal/drafts.html", {"drafts": rows})


@require_POST
@citizen_required
def discard(request, pk):
    draft = _draft(request, pk)
    if draft.dossier_id:
        return not_found(request)
    draft.delete()
    messages.info(request, _("Đã xóa hồ sơ nháp."))
    return redirect("portal:drafts")
