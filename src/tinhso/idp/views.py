"""The demo provider's pages: sign-in, the OIDC endpoints (django-oauth-toolkit), sign-out."""

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from oauth2_provider.views import AuthorizationView

from . import session
from .forms import IdentityLoginForm


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse("idp:login")


@sensitive_post_parameters("password")
@never_cache
def login(request):
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    # A POST with nothing filled in is still a submission: bound, so its errors show.
    form = IdentityLoginForm(request.POST if request.method == "POST" else None,
                             request=request)
    if request.method == "POST" and form.is_valid():
        session.sign_in(request, form.cleaned_data["identity"])
        return redirect(next_url)
    locked = any(e.code == "locked_out" for e in form.errors.as_data().get("__all__", []))
    return render(request, "idp/login.html", {
        "form": form, "next": next_url, "identity": session.signed_in(request)},
        status=429 if locked else 200)


@require_POST
def logout(request):
    session.sign_out(request)
    return redirect("idp:login")


class CitizenAuthorizationView(AuthorizationView):
    """DOT's authorize endpoint, with the provider's own signed-in identity as the user."""

    login_url = reverse_lazy("idp:login")
    template_name = "idp/authorize.html"

    def dispatch(self, request, *args, **kwargs):
        identity = session.signed_in(request)
        request.user = identity.user if identity else AnonymousUser()
        return super().dispatch(request, *args, **kwargs)
