"""The shell's pages: home, staff log-in/out, the second factor and the staff landing page."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import otp as second_factor
from .errors import DomainError
from .forms import StaffAuthenticationForm, TokenForm


class StaffLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = StaffAuthenticationForm

    def get_success_url(self):
        url = super().get_success_url()
        # The password is only the first factor for privileged roles.
        if second_factor.needs_verification(self.request):
            return second_factor.otp_url(url)
        return url

    def form_valid(self, form):
        response = super().form_valid(form)
        if not second_factor.needs_verification(self.request):
            messages.success(self.request, _("Đăng nhập thành công."))
        return response


class StaffLogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Bạn đã đăng xuất."))
        return response


@sensitive_post_parameters("token")
@never_cache
@login_required
def otp(request):
    """Confirm a TOTP code; enrol a device first if the user has none."""
    next_url = second_factor.safe_next(
        request, request.POST.get("next") or request.GET.get("next"), reverse("core:staff")
    )
    # Nothing to do here for roles without a second factor, or once verified.
    if not second_factor.needs_verification(request):
        return redirect(next_url)

    device = second_factor.confirmed_device(request.user)
    enrolling = device is None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.verify(request, form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", str(exc.message))
        else:
            messages.success(request, _("Xác thực hai lớp thành công."))
            return redirect(next_url)

    context = {"form": form, "next": next_url, "enrolling": enrolling}
    if enrolling:
        pending = second_factor.pending_device(request.user)
        context.update(
            otpauth_uri=pending.config_url,
            qr_svg=second_factor.qr_svg(pending.config_url),
            secret=second_factor.readable_secret(pending),
        )
    return render(request, "core/otp.html", context)


@second_factor.verified_staff_required
def staff_home(request):
    user = request.user
    roles = user.roles.order_by("role")
    return render(request, "core/staff.html", {
        "roles": roles,
        "otp_active": second_factor.otp_required_for(user) and user.is_verified(),
    })
