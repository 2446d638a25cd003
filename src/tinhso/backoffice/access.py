"""Who may open the back office: officials (and administrators), second factor confirmed.

Anyone else, a citizen's account included, is sent to the staff log-in page rather than
shown a bare 403, so that an official on a shared computer can switch accounts.
"""

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from tinhso.core import otp
from tinhso.core.errors import NotFound


def official_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not otp.is_staff_member(user):
            messages.warning(request, _("Trang này dành cho cán bộ. Vui lòng đăng nhập bằng "
                                        "tài khoản cán bộ."))
            return redirect_to_login(request.get_full_path())
        if otp.needs_verification(request):
            return redirect(otp.otp_url(request.get_full_path()))
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:  # another agency's dossier: 404, never 403
            raise Http404(str(exc.message)) from None

    return wrapped


def operator_required(view):
    """The LGSP's pages (/lgsp/): its operator only, a system administrator. Anyone else,
    an official included, goes to the staff log-in page with a word of why, like every other
    account the back office does not serve."""
    from tinhso.exchange.services import is_operator

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_operator(user):
            messages.warning(request, _("Trang này dành cho quản trị hệ thống. Vui lòng đăng "
                                        "nhập bằng tài khoản quản trị hệ thống."))
            return redirect_to_login(request.get_full_path())
        if otp.needs_verification(request):
            return redirect(otp.otp_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapped
