"""An applicant's request to withdraw a dossier: the official accepts or declines it.

The rules (who decides, a request still open, the dossier still open) are
dossiers.withdrawals'; these views only carry the decision and say how it went.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.core.errors import DomainError, ValidationFailed
from tinhso.dossiers import selectors, texts, withdrawals

from ..access import official_required
from ..forms import REQUIRED, StyledForm
from .common import render_page


class DeclineForm(StyledForm):
    reason = forms.CharField(label=_lazy("Lý do không đồng ý (chủ hồ sơ sẽ đọc lý do này)"),
                             error_messages=REQUIRED, max_length=texts.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))


def _request(request, code, pk):
    dossier = selectors.get_dossier_for(request.user, code)
    found = dossier.withdrawal_requests.filter(pk=pk).first()
    if found is None:
        raise Http404
    return dossier, found


def _back(dossier):
    return redirect(reverse("backoffice:dossier", args=[dossier.code]))


@official_required
@require_POST
def accept(request, code, pk):
    dossier, found = _request(request, code, pk)
    try:
        withdrawals.accept(request.user, found)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Đã đồng ý cho rút hồ sơ %(code)s; hồ sơ chuyển sang trạng "
                                    "thái “Công dân yêu cầu rút hồ sơ”.") % {"code": dossier.code})
    return _back(dossier)


@official_required
@require_http_methods(["GET", "POST"])
def decline(request, code, pk):
    dossier, found = _request(request, code, pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawals.decline(request.user, found, reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            form.add_error("reason", str(exc.message))
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return _back(dossier)
        else:
            messages.success(request, _("Đã thông báo cho chủ hồ sơ việc không đồng ý rút hồ sơ "
                                        "%(code)s.") % {"code": dossier.code})
            return _back(dossier)
    return render_page(request, "backoffice/withdrawal_decline.html", {
        "dossier": dossier, "withdrawal": found, "form": form,
    }, status=400 if form.errors else 200)
