"""One dossier: its page, the confirmation and result of each action, its files, its receipt."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from tinhso.core.errors import Conflict, DomainError, ValidationFailed
from tinhso.dossiers import (
    access_log,
    assignment,
    lifecycle,
    result_signing,
    selectors,
    uploads,
)
from tinhso.dossiers.transitions import Action

from .. import declaration, forms, receipt
from ..access import official_required
from ..actions import PAGES, label
from .common import render_page


def _detail_url(dossier) -> str:
    return reverse("backoffice:dossier", args=[dossier.code])


def _results(dossier) -> list[tuple]:
    """(result, preview kind, its signed document or None) for the results list."""
    results = list(dossier.results.all())
    signed = result_signing.signed(results) if results else {}
    return [(r, uploads.kind_of(r.file.name) if r.file else "", signed.get(r.pk))
            for r in results]


@official_required
def detail(request, code):
    dossier = selectors.get_dossier_for(request.user, code, details=True)
    access_log.viewed(request, dossier)
    allowed = [a for a in selectors.actions_for(request.user, dossier) if a in PAGES]
    forms = declaration.filed_forms(dossier)
    return render_page(request, "backoffice/dossier_detail.html", {
        "dossier": dossier,
        "actions": [{"action": a, "label": label(a), "danger": PAGES[a].danger}
                    for a in allowed],
        "components": [(c, uploads.kind_of(c.file.name) if c.file else "", forms.get(c.pk))
                       for c in dossier.components.all()],
        "results": _results(dossier),
        "events": [(e, Action(e.action).label if e.action in Action.values else e.action)
                   for e in dossier.events.all()],
        "has_receipt": dossier.received_at is not None,
        "step_open": assignment.STEP_OPEN,
    })


def _form(page, request, dossier, action, data=None, files=None, *, version=None):
    kwargs = {}
    if issubclass(page.form, forms.TransferForm):
        kwargs["targets"] = selectors.transfer_targets(dossier)
    elif issubclass(page.form, forms.PassOnForm | forms.ReassignForm):
        kwargs["officials"] = selectors.assignee_choices(request.user, dossier, action)
    initial = {"expected_version": dossier.lock_version if version is None else version}
    if issubclass(page.form, forms.PaymentRequestForm):
        initial["amount"] = selectors.outstanding_fees(dossier)
    return page.form(data, files, initial=initial, **kwargs)


@official_required
@require_http_methods(["GET", "POST"])
def act(request, code, action):
    """GET: the confirmation step with the action's fields; POST: carry it out."""
    page = PAGES.get(action)
    if page is None:
        raise Http404
    dossier = selectors.get_dossier_for(request.user, code)
    context = {"dossier": dossier, "action": action, "label": label(action), "page": page}
    if action == Action.REQUEST_PAYMENT:  # the official sees the case's fee rows
        context["fee_quote"] = selectors.filed_fees(dossier)
    if request.method == "GET":
        if action not in selectors.actions_for(request.user, dossier):
            messages.error(request, _("Không thể “%(action)s” hồ sơ này lúc này.")
                           % {"action": label(action)})
            return redirect(_detail_url(dossier))
        seen = request.GET.get("v", "")
        form = _form(page, request, dossier, action,
                     version=int(seen) if seen.isdigit() else None)
        return render_page(request, "backoffice/dossier_action.html", {**context, "form": form})

    form = _form(page, request, dossier, action, request.POST, request.FILES)
    if form.is_valid():
        service = getattr(lifecycle, action)
        try:
            service(request.user, dossier,
                    expected_version=form.cleaned_data["expected_version"],
                    **form.service_kwargs())
        except ValidationFailed as exc:
            form.add_error(page.fields.get(exc.code), str(exc.message))
        except Conflict as exc:
            messages.error(request, str(exc.message) if exc.code != "stale_version" else _(
                "Hồ sơ vừa được người khác cập nhật nên thao tác chưa được thực hiện. "
                "Vui lòng xem lại hồ sơ rồi thao tác lại."))
            return redirect(_detail_url(dossier))
        except DomainError as exc:  # not allowed now, or not by this official
            messages.error(request, str(exc.message))
            return redirect(_detail_url(dossier))
        else:
            messages.success(request, page.done % {"code": dossier.code})
            # After a transfer the dossier may have left the official's view.
            if selectors.dossiers_for(request.user).filter(pk=dossier.pk).exists():
                return redirect(_detail_url(dossier))
            return redirect("backoffice:index")
    return render_page(request, "backoffice/dossier_action.html", {**context, "form": form},
                       status=400)


def _file_response(field):
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = field.name.rsplit("/", 1)[-1]
    kind = uploads.kind_of(name)
    content_type = {"pdf": "application/pdf", "image": None}.get(kind, "application/octet-stream")
    return FileResponse(handle, filename=name, as_attachment=kind == "other",
                        content_type=content_type)


@official_required
@xframe_options_sameorigin  # PDFs preview in a frame of the dossier page
def component_file(request, code, pk):
    dossier = selectors.get_dossier_for(request.user, code)
    paper = dossier.components.filter(pk=pk).first()
    if paper is None:
        raise Http404
    access_log.viewed(request, dossier, part=f"component:{paper.pk}")
    return _file_response(paper.file)


@official_required
@xframe_options_sameorigin
def result_file(request, code, pk):
    dossier = selectors.get_dossier_for(request.user, code)
    result = dossier.results.filter(pk=pk).first()
    if result is None:
        raise Http404
    access_log.viewed(request, dossier, part=f"result:{result.pk}")
    return _file_response(result.file)


@official_required
def receipt_pdf(request, code):
    dossier = selectors.get_dossier_for(request.user, code, details=True)
    if dossier.received_at is None:
        messages.error(request, _("Hồ sơ chưa được tiếp nhận nên chưa có giấy hẹn trả."))
        return redirect(_detail_url(dossier))
    receiver = next((e.actor_name for e in dossier.events.all() if e.action == Action.RECEIVE),
                    "")
    body = receipt.render(dossier, receiver or str(request.user))
    access_log.viewed(request, dossier, part="receipt")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-hen-{dossier.code}.pdf"'
    return response


@official_required
def declaration_pdf(request, code, pk):
    """A filed e-form as its PDF declaration (tờ khai), rendered from the stored data."""
    dossier = selectors.get_dossier_for(request.user, code, details=True)
    filed = declaration.filed_forms(dossier).get(pk)
    if filed is None:
        raise Http404
    body = declaration.render(dossier, filed)
    access_log.viewed(request, dossier, part=f"declaration:{pk}")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="to-khai-{dossier.code}-{pk}.pdf"'
    return response
