"""Filing online: case (when the procedure has cases) → applicant → papers → review → submit
→ receipt."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from tinhso.catalog import selectors as catalog
from tinhso.catalog.models import Channel as CatalogChannel
from tinhso.core.errors import DomainError
from tinhso.dossiers import uploads
from tinhso.integrations.identity import VERIFIED_SESSION_KEY

from .. import eforms, filing
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
    if filing.needs_case(draft):
        return redirect("portal:draft_case", pk=draft.pk)
    return redirect("portal:draft_applicant", pk=draft.pk)


def _submitted(draft):
    return redirect("portal:receipt", code=draft.dossier.code) if draft.dossier_id else None


STEPS = (("case", _lazy("Trường hợp"), "portal:draft_case"),
         ("applicant", _lazy("Thông tin người nộp"), "portal:draft_applicant"),
         ("papers", _lazy("Giấy tờ"), "portal:draft_papers"),
         ("review", _lazy("Kiểm tra và nộp"), "portal:draft_review"))


def _context(draft, step: str, **extra) -> dict:
    """What every step shows: the steps (the case first when the procedure has cases) and,
    once a case is chosen, its time, expected due date and fees online."""
    keys = [k for k, _label, _url in STEPS if k != "case" or filing.has_cases(draft)]
    current = keys.index(step)
    steps = [{"number": n, "label": label, "current": key == step,
              "url": reverse(url, args=[draft.pk]) if n - 1 < current else ""}
             for n, (key, label, url) in enumerate(
                 (s for s in STEPS if s[0] in keys), 1)]
    return {"draft": draft, "steps": steps, "step": step, "quote": filing.quote(draft),
            "has_cases": "case" in keys, **extra}


@citizen_required
def case(request, pk):
    """Trường hợp: the citizen chooses the case, which decides papers, time and fees."""
    draft = _draft(request, pk)
    if draft.dossier_id:
        return _submitted(draft)
    if not filing.has_cases(draft):
        return redirect("portal:draft_applicant", pk=draft.pk)
    error = None
    if request.method == "POST":
        try:
            filing.choose_case(draft, request.POST.get("case", ""))
        except DomainError as exc:
            error = str(exc.message)
        else:
            return redirect("portal:draft_applicant", pk=draft.pk)
    cases = catalog.case_terms(draft.version, channels=(CatalogChannel.ONLINE,))
    return render(request, "portal/filing_case.html", _context(
        draft, "case", error=error,
        cases=[(c, c.on(CatalogChannel.ONLINE)) for c in cases],
    ), status=400 if error else 200)


@citizen_required
def applicant(request, pk):
    draft = _draft(request, pk)
    if draft.dossier_id:
        return _submitted(draft)
    if filing.needs_case(draft):
        return redirect("portal:draft_case", pk=draft.pk)
    agencies = draft.version.agencies.filter(is_active=True).order_by("code")
    initial = {"agency": draft.agency, "phone": draft.applicant_phone,
               "email": draft.applicant_email, "address": draft.applicant_address,
               "use_population_db": draft.use_population_db}
    form = ApplicantForm(request.POST or None, initial=initial, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            filing.save_applicant(draft, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("portal:draft_papers", pk=draft.pk)
    return render(request, "portal/filing_applicant.html", _context(draft, "applicant", form=form),
                  status=400 if form.errors else 200)


def _paper_rows(draft, errors, form_errors=None, added=""):
    given = filing.papers_by_component(draft)
    reusable = filing.reusable_papers(draft)
    previous = filing.previous_forms(draft)
    field = PaperUploadField()
    rows = []
    for c in filing.components(draft):
        row = {"component": c, "paper": given.get(c.pk), "reusable": reusable.get(c.pk, []),
               "error": errors.get(c.pk), "field": field}
        if c.form:
            values = filing.form_values(draft, c, row["paper"])
            row["form"] = eforms.layout(c.form, values, (form_errors or {}).get(c.pk, {}),
                                        c.pk, added=added)
            row["form_base"] = eforms.base(c.pk)
            row["form_error_count"] = len((form_errors or {}).get(c.pk, {}))
            row["previous"] = previous.get(c.pk)
        rows.append(row)
    return rows


@citizen_required
def papers(request, pk):
    """Each component on its own: a bad file is refused alone, everything else is kept."""
    draft = _draft(request, pk)
    if draft.dossier_id:
        return _submitted(draft)
    if filing.needs_case(draft):
        return redirect("portal:draft_case", pk=draft.pk)
    errors: dict[int, str] = {}
    form_errors: dict[int, dict] = {}
    added = request.POST.get("add-row", "")
    if request.method == "POST":
        for component in filing.components(draft):
            cid = component.pk
            if component.form:  # an e-form: kept as entered, checked by the catalogue's rules
                try:
                    entered = eforms.read(component.form, request.POST, cid)
                    if request.POST.get("reuse-form") == str(cid):
                        checked = filing.reuse_form(draft, cid, entered)
                    else:
                        checked = filing.save_form(draft, cid, entered)
                except DomainError as exc:
                    errors[cid] = str(exc.message)
                else:
                    if checked.errors:
                        form_errors[cid] = checked.errors
                continue
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
        reused = "reuse-form" in request.POST
        editing = added or "remove-row" in request.POST or reused
        if editing:  # a row added or removed: the form again, its problems shown on save
            form_errors = {}
        elif not errors and not form_errors and "next" in request.POST:
            return redirect("portal:draft_review", pk=draft.pk)
        if errors:
            messages.error(request, _("Một số giấy tờ chưa được nhận; các giấy tờ khác và "
                                      "thông tin đã nhập vẫn được giữ nguyên."))
        elif form_errors:
            messages.error(request, _("Tờ khai còn thông tin chưa hợp lệ (xem các ô được đánh "
                                      "dấu). Thông tin đã nhập vẫn được lưu trong hồ sơ nháp."))
        elif reused:
            messages.success(request, _("Đã điền tờ khai từ lần nộp trước. Vui lòng kiểm tra "
                                        "lại và khai các mục riêng của hồ sơ này."))
        elif "remove" not in request.POST and not editing:
            messages.success(request, _("Đã lưu giấy tờ."))
    failed = errors or (form_errors and "next" in request.POST)
    rows = _paper_rows(draft, errors, form_errors, added)
    return render(request, "portal/filing_papers.html", _context(
        draft, "papers", rows=rows, has_forms=any("form" in r for r in rows),
        refused=[r for r in rows if r["error"] or r.get("form_error_count")],
        accept=uploads.ACCEPT, max_mb=uploads.max_mb_label(),
    ), status=400 if failed else 200)


@citizen_required
def review(request, pk):
    draft = _draft(request, pk)
    if draft.dossier_id:
        return _submitted(draft)
    if filing.needs_case(draft):
        return redirect("portal:draft_case", pk=draft.pk)
    problem = None
    try:
        filing.check_ready(draft)
    except DomainError as exc:
        problem = exc
    return render(request, "portal/filing_review.html", _context(
        draft, "review", problem=problem, papers=filing.papers_by_component(draft),
        components=filing.components(draft),
    ))


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
