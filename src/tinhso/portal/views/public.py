"""Public pages: dossier lookup by code and a second fact, petitions (PAKN), sign-in."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tinhso.core.errors import DomainError
from tinhso.dossiers import selectors
from tinhso.petitions import selectors as petitions
from tinhso.petitions import services as petition_services

from .. import throttle, tracking
from ..forms import LookupForm, PetitionForm, PetitionLookupForm, PetitionReplyForm, RateForm
from .common import signin_url

NOT_FOUND = _("Không tìm thấy hồ sơ với mã và thông tin xác minh đã nhập. Vui lòng kiểm tra "
              "lại mã hồ sơ trên phiếu hẹn và số định danh hoặc số điện thoại của người nộp.")
TOO_MANY = _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút.")


def track(request):
    """One answer for a wrong code and a wrong fact; attempts throttled per address.

    `?code=` (the receipt's QR code) fills in the code; the second fact is still asked."""
    form = LookupForm(request.POST or None,
                      initial={"code": request.GET.get("code", "").strip()[:40]})
    dossier, status = None, 200
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(request, "dossier-lookup"):
            form.add_error(None, TOO_MANY)
            status = 429
        else:
            dossier = selectors.find_by_code_and_fact(form.cleaned_data["code"],
                                                       form.cleaned_data["fact"])
            if dossier is None:
                form.add_error(None, NOT_FOUND)
                status = 404
    return render(request, "portal/track.html", {
        "form": form, "dossier": dossier,
        "timeline": tracking.timeline(dossier) if dossier else [],
        "expected_due": selectors.expected_due(dossier) if dossier else None,
    }, status=status)


SENT_KEY = "portal_petitions_sent"


def petition_new(request):
    user = request.user if request.user.is_authenticated else None
    initial = {"kind": "feedback"}
    if user and user.personal_id:
        initial.update(name=user.full_name, phone=user.phone, id_number=user.personal_id,
                       email=user.email)
    form = PetitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = petition_services.PetitionInput(
            kind=d["kind"], title=d["title"], content=d["content"], name=d["name"],
            phone=d["phone"], id_number=d["id_number"], email=d["email"],
            agency_id=d["agency"].pk if d["agency"] else None, dossier_code=d["dossier_code"])
        try:
            petition = petition_services.submit(request.user, data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            # Only this browser may see the code page without giving the second fact.
            request.session[SENT_KEY] = [*request.session.get(SENT_KEY, [])[-9:], petition.code]
            return redirect("portal:petition_sent", code=petition.code)
    return render(request, "portal/petition_new.html", {"form": form},
                  status=400 if form.errors else 200)


def petition_sent(request, code):
    if code not in request.session.get(SENT_KEY, []):
        return redirect("portal:petition_track")
    return render(request, "portal/petition_sent.html",
                  {"petition": petitions.by_code(code)})


def petition_track(request):
    """Look a petition up by its code and the sender's phone or id number; the same check
    lets the petitioner answer a request for more information (`op=supply`, the clock runs
    again) and rate the answer (`op=rate`)."""
    form = PetitionLookupForm(request.POST or None)
    op = request.POST.get("op", "") if request.method == "POST" else ""
    reply_form = PetitionReplyForm(request.POST if op == "supply" else None, prefix="reply")
    rate_form = RateForm(request.POST if op == "rate" else None, prefix="rate")
    petition, status = None, 200
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(request, "petition-lookup"):
            form.add_error(None, TOO_MANY)
            status = 429
        else:
            petition = petitions.find_by_code_and_fact(form.cleaned_data["code"],
                                                       form.cleaned_data["fact"])
            if petition is None:
                form.add_error(None, _("Không tìm thấy phản ánh, kiến nghị với mã và thông tin "
                                       "xác minh đã nhập."))
                status = 404
            elif op in ("supply", "rate"):
                petition, status = _petitioner_acts(request, petition, op, reply_form,
                                                    rate_form)
                if status == 200:
                    reply_form = PetitionReplyForm(prefix="reply")
                    rate_form = RateForm(prefix="rate")
    mine = petitions.for_user(request.user)[:20]
    return render(request, "portal/petition_track.html", {
        "form": form, "petition": petition, "mine": mine,
        "reply_form": reply_form, "rate_form": rate_form,
        "public": petitions.answered_publicly()[:10],
    }, status=status)


def _petitioner_acts(request, petition, op, reply_form, rate_form):
    actor = request.user if request.user.is_authenticated else None
    bound = reply_form if op == "supply" else rate_form
    if not bound.is_valid():
        return petition, 400
    try:
        if op == "supply":
            petition = petition_services.supply_info(petition, actor=actor,
                                                     text=bound.cleaned_data["text"])
            messages.success(request, _("Đã gửi thông tin bổ sung; cơ quan tiếp tục xử lý."))
        else:
            petition = petition_services.rate(petition, actor=actor,
                                              rating=bound.cleaned_data["rating"])
            messages.success(request, _("Cảm ơn bạn đã đánh giá câu trả lời."))
    except DomainError as exc:
        bound.add_error(None, str(exc.message))
        return petition, 400
    return petition, 200


def signin(request):
    """The nav's "sign in" link: on to the identity provider, back to where the citizen was."""
    next_url = request.GET.get("next") or reverse("portal:my_dossiers")
    return redirect(signin_url(next_url))


def signin_failed(request):
    messages.error(request, _("Đăng nhập không thành công. Vui lòng thử lại."))
    return render(request, "portal/signin_failed.html", status=401)
