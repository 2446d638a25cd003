"""What every portal page shares: the citizen's sign-in gate and domain errors as messages."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tinhso.dossiers.policy import is_applicant


def signin_url(next_url: str) -> str:
    return f"{reverse('oidc_authentication_init')}?{urlencode({'next': next_url})}"


def citizen_required(view):
    """Citizens only: visitors go to the identity provider, staff accounts are turned away."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(signin_url(request.get_full_path()))
        if not is_applicant(request.user):
            return render(request, "portal/staff_account.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def show_error(request, exc) -> None:
    message = str(exc.message)
    if getattr(exc, "details", None):
        message += " " + "; ".join(str(d) for d in exc.details)
    messages.error(request, message)


def not_found(request, exc=None):
    return render(request, "portal/not_found.html",
                  {"message": str(exc.message) if exc else _("Không tìm thấy.")}, status=404)


def download(fieldfile):
    """A stored file as an attachment under its own name; 404 when there is none."""
    if not fieldfile:
        raise Http404
    return FileResponse(fieldfile.open("rb"), as_attachment=True,
                        filename=fieldfile.name.rsplit("/", 1)[-1])
