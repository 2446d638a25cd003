"""The citizen's own dossiers: list, detail with timeline, receipt (page and PDF), supplement,
withdrawal request, rating, fees."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.backoffice import receipt as receipt_pdf_builder
from tinhso.core.clientip import client_ip
from tinhso.core.errors import DomainError
from tinhso.dossiers import lifecycle, result_signing, selectors, uploads, withdrawals
from tinhso.dossiers.inputs import ComponentInput
from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.transitions import Action
from tinhso.integrations.payments import settlement

from .. import tracking
from ..forms import PaperUploadField, RateForm, WithdrawForm
from .common import citizen_required, download, show_error

PAGE_SIZE = 20


def _mine(request, code) -> Dossier:
    try:
        return selectors.get_dossier_for(request.user, code, details=True)
    except DomainError as exc:
        raise Http404 from exc


@citizen_required
def my_dossiers(request):
    qs = selectors.listing(selectors.dossiers_for(request.user))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/my_dossiers.html", {"page": page})


def _open_request(dossier):
    """The supplement request still waiting for papers, if any (prefetched with details)."""
    return next((r for r in dossier.supplement_requests.all() if not r.resolved_at), None)


def _context(request, dossier, *, withdraw_form=None):
    actions = selectors.actions_for(request.user, dossier)
    withdrawal = withdrawals.last_request(dossier)
    waiting = withdrawals.waiting(withdrawal, dossier)
    return {
        "withdrawal": withdrawal, "withdrawal_waiting": waiting,
        "can_withdraw": not waiting and withdrawals.may_ask(request.user, dossier),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "dossier": dossier, "timeline": tracking.timeline(dossier),
        "expected_due": selectors.expected_due(dossier),
        "can_supplement": Action.SUPPLEMENT in actions,
        "supplement_request": _open_request(dossier),
        "can_rate": Action.RATE in actions, "rate_form": RateForm(),
        "can_pay": settlement.can_pay_online(dossier),
        "outstanding": settlement.outstanding(dossier),
        "results": list(dossier.results.all()),
        # A signed result links to its public verification page (the address of its QR code).
        "signed_results": {pk: d.code for pk, d in result_signing.signed(
            dossier.results.all()).items()},
        "returned": dossier.status == Status.RETURNED,
    }


@citizen_required
def my_dossier(request, code):
    dossier = _mine(request, code)
    return render(request, "portal/my_dossier.html", _context(request, dossier))


@citizen_required
def receipt(request, code):
    dossier = _mine(request, code)
    return render(request, "portal/receipt.html", _context(request, dossier))


@citizen_required
def receipt_pdf(request, code):
    """The filing's receipt as a PDF, with a QR code of the public tracking page."""
    dossier = _mine(request, code)
    body = receipt_pdf_builder.render(dossier)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-nhan-{dossier.code}.pdf"'
    return response


@require_POST
@citizen_required
def withdraw(request, code):
    """Ask to withdraw the dossier; an official of the receiving agency decides."""
    dossier = _mine(request, code)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            withdrawals.ask(request.user, dossier, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Đã gửi đề nghị rút hồ sơ. Cơ quan tiếp nhận sẽ xem "
                                        "xét và thông báo kết quả cho bạn."))
            return redirect("portal:my_dossier", code=code)
    return render(request, "portal/my_dossier.html",
                  _context(request, dossier, withdraw_form=form), status=400)


@citizen_required
def result_file(request, code, pk):
    dossier = _mine(request, code)
    return download(next((r.file for r in dossier.results.all() if r.pk == pk), None))


@citizen_required
def paper_file(request, code, pk):
    dossier = _mine(request, code)
    return download(next((c.file for c in dossier.components.all() if c.pk == pk), None))


@citizen_required
def supplement(request, code):
    """Upload the papers asked for; lifecycle.supplement resumes the clock."""
    dossier = _mine(request, code)
    if dossier.status != Status.SUPPLEMENT_REQUESTED:
        messages.info(request, _("Hồ sơ hiện không cần bổ sung giấy tờ."))
        return redirect("portal:my_dossier", code=code)
    components = sorted(dossier.procedure_version.components.all(), key=lambda c: c.order)
    errors: dict[str, str] = {}
    if request.method == "POST":
        items = []
        for component in components:
            upload = request.FILES.get(f"file-{component.pk}")
            if upload is None:
                continue
            try:
                uploads.validate_paper(upload)
            except ValidationError as exc:
                errors[str(component.pk)] = " ".join(exc.messages)
                continue
            items.append(ComponentInput(component.name, component.pk, file=upload,
                                        is_digitized=True))
        other, other_name = request.FILES.get("file-other"), request.POST.get("other-name", "")
        if other is not None:
            try:
                uploads.validate_paper(other)
                if not other_name.strip():
                    raise ValidationError(_("Vui lòng nhập tên giấy tờ bổ sung."))
                items.append(ComponentInput(other_name.strip()[:500], None, file=other,
                                            is_digitized=True))
            except ValidationError as exc:
                errors["other"] = " ".join(exc.messages)
        if not errors:
            try:
                lifecycle.supplement(request.user, dossier, components=items)
            except DomainError as exc:
                show_error(request, exc)
            else:
                messages.success(request, _("Đã nộp giấy tờ bổ sung. Hồ sơ tiếp tục được "
                                            "giải quyết."))
                return redirect("portal:my_dossier", code=code)
    return render(request, "portal/supplement.html", {
        "dossier": dossier, "supplement_request": _open_request(dossier), "errors": errors,
        "components": components, "field": PaperUploadField(), "accept": uploads.ACCEPT,
        "max_mb": uploads.max_mb_label(),
    }, status=400 if errors else 200)


@require_POST
@citizen_required
def rate(request, code):
    dossier = _mine(request, code)
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng chọn mức độ hài lòng."))
    else:
        try:
            lifecycle.rate(request.user, dossier, rating=form.cleaned_data["rating"])
        except DomainError as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect("portal:my_dossier", code=code)


@require_POST
@citizen_required
def pay(request, code):
    dossier = _mine(request, code)
    try:
        url = settlement.start(
            request.user, dossier,
            return_url=request.build_absolute_uri(reverse("portal:payment_return")),
            payer_ip=client_ip(request) or "127.0.0.1")
    except DomainError as exc:
        show_error(request, exc)
        return redirect("portal:my_dossier", code=code)
    return redirect(url)


RETURN_MESSAGES = {
    "cancelled": (messages.WARNING,
                  _lazy("Giao dịch đã bị hủy; chưa có khoản nào được thanh toán.")),
    "paid": (messages.SUCCESS, _lazy("Thanh toán thành công. Cảm ơn bạn.")),
    "refund": (messages.WARNING,
               _lazy("Đã nhận khoản thanh toán này nhưng hồ sơ không còn nợ khoản phí đó "
                     "(đơn hàng đã thay thế hoặc đã được thanh toán). Số tiền sẽ được hoàn "
                     "trả cho bạn.")),
    "pending": (messages.INFO,
                _lazy("Cổng thanh toán báo đã trả tiền; hệ thống đang chờ xác nhận từ ngân "
                      "hàng. Vui lòng tải lại trang sau ít phút.")),
}


def payment_return(request):
    """The browser back from VNPay (vnp_ReturnUrl): only says what happened; the IPN records
    the payment."""
    result = settlement.returned(request.GET)
    if result.state == "invalid":
        messages.error(request, _("Kết quả thanh toán không hợp lệ (sai chữ ký)."))
        return redirect("portal:home")
    level, text = RETURN_MESSAGES[result.state]
    messages.add_message(request, level, text)
    if request.user.is_authenticated and result.dossier_code:
        return redirect("portal:my_dossier", code=result.dossier_code)
    return redirect("portal:track")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def payment_ipn(request):
    """VNPay's IPN (a signed GET, server to server); answers {"RspCode", "Message"}."""
    params = request.POST if request.method == "POST" else request.GET
    return JsonResponse(settlement.settle(params).as_dict())
