"""The API's two credentials: the pages' session (people) and API tokens (machines).

No password is accepted on the API: HTTP Basic would skip both the second factor and CSRF,
and a wrong password there would count against the official's sign-in lock-out.

The second factor is enforced here, in authentication, because every DRF view passes through
it whatever its own permission_classes say; a privileged official whose session has not
confirmed the OTP code is refused before any view code runs.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from . import otp, tokens

BEARER = "Bearer"
AUTH_HEADER = f'{BEARER} realm="api"'


class OTPRequired(exceptions.APIException):
    """403 "otp_required"; a DRF exception so that DRF leaves the request anonymous."""

    status_code = 403
    default_code = otp.VerificationRequired.code
    default_detail = otp.VerificationRequired.default_message


class TokenRejected(exceptions.APIException):
    """401 for any bad token; one answer whatever the reason (the audit log keeps it)."""

    status_code = 401
    default_code = "token_invalid"
    default_detail = _("Mã API không đúng, đã hết hạn hoặc đã bị thu hồi.")
    auth_header = AUTH_HEADER  # DRF's handler copies it into WWW-Authenticate


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (CSRF enforced), plus the second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and otp.needs_verification(request._request):
            raise OTPRequired
        return result


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>`; other schemes are left alone (the request stays
    anonymous), so a proxy's own Basic challenge in front of the site breaks nothing."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != BEARER.lower().encode():
            return None
        try:
            key = header[1].decode("ascii") if len(header) == 2 else ""
        except UnicodeDecodeError:
            key = ""
        try:
            token = tokens.authenticate(key, request=request._request)
        except tokens.TokenInvalid:
            raise TokenRejected from None
        return token.user, token

    def authenticate_header(self, request):
        return AUTH_HEADER


# --- The schema names both schemes, so clients (and schemathesis) know what to send.


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = SessionAuthentication
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "Phiên đăng nhập của trang cán bộ (kèm CSRF; cần OTP với vai "
                               "trò lãnh đạo, giám sát, quản trị)."}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "Mã API cấp cho phần mềm của một cơ quan "
                               "(`tinhso issue_api_token`), gửi trong "
                               "`Authorization: Bearer <mã>`."}
