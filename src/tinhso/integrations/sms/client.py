"""The adapter for the eSMS.vn brandname gateway (see the package's docstring)."""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

from tinhso.notify.sending import Undeliverable

logger = logging.getLogger(__name__)

ENDPOINT = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
CUSTOMER_CARE = "2"  # SmsType: a customer-care message (one recipient, a registered template)
ACCEPTED = "100"
DUPLICATE = "124"  # this RequestId was accepted before: an earlier attempt's answer was lost
# Refusals about the message itself, which no later attempt can change: the number is
# blocked (99) or malformed (108), the text matches no registered template (146), the
# recipient's network is not registered for the brandname (177). Every other code (keys,
# balance, brandname, IP whitelist, the gateway's own trouble) is the operator's to fix, and
# the outbox tries again.
FINAL = frozenset({"99", "108", "146", "177"})
_NOT_DIGITS = re.compile(r"[\s.()-]")


class SmsUnavailable(Exception):
    """The gateway could not be reached or did not answer in its protocol."""


class SmsRefused(Exception):
    """The gateway refused the request for a reason that may pass (balance, keys...)."""


def phone_number(value: str) -> str:
    """'0912 345 678' -> '0912345678', '+84912345678' -> '84912345678'."""
    return _NOT_DIGITS.sub("", value).removeprefix("+")


class EsmsClient:
    def __init__(self, *, url: str | None = None, api_key: str | None = None,
                 secret: str | None = None, brandname: str | None = None,
                 unicode: bool | None = None, sandbox: bool | None = None,
                 timeout: float | None = None):
        self.url = (url or settings.TINHSO_SMS_URL).rstrip("/")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError("TINHSO_SMS_URL must be an http(s) address")
        self.api_key = api_key if api_key is not None else settings.TINHSO_SMS_API_KEY
        self.secret = secret if secret is not None else settings.TINHSO_SMS_SECRET
        self.brandname = brandname if brandname is not None else settings.TINHSO_SMS_BRANDNAME
        self.unicode = settings.TINHSO_SMS_UNICODE if unicode is None else unicode
        self.sandbox = settings.TINHSO_SMS_SANDBOX if sandbox is None else sandbox
        self.timeout = timeout or settings.TINHSO_SMS_TIMEOUT

    def request(self, phone: str, text: str, key: str = "") -> dict:
        """The body of one send, as the gateway names its fields."""
        body = {"ApiKey": self.api_key, "SecretKey": self.secret,
                "Phone": phone_number(phone), "Content": text, "Brandname": self.brandname,
                "SmsType": CUSTOMER_CARE, "IsUnicode": "1" if self.unicode else "0",
                "Sandbox": "1" if self.sandbox else "0"}
        if key:
            body["RequestId"] = key[:50]  # the gateway keeps at most 50 characters
        return body

    def send(self, phone: str, text: str, *, key: str = "") -> None:
        data = json.dumps(self.request(phone, text, key), ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - http(s), checked in __init__
            self.url + ENDPOINT, data=data, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read(65536))
        except urllib.error.HTTPError as exc:
            raise SmsUnavailable(_("Cổng SMS trả lời HTTP %(status)s.")
                                 % {"status": exc.code}) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsUnavailable(_("Không kết nối được cổng SMS.")) from exc
        except ValueError as exc:
            raise SmsUnavailable(_("Cổng SMS trả lời không đúng giao thức.")) from exc
        if not isinstance(answer, dict) or "CodeResult" not in answer:
            reason = answer.get("error", "") if isinstance(answer, dict) else ""
            raise SmsUnavailable(_("Cổng SMS trả lời không đúng giao thức.")
                                 + (f" {reason}" if reason else ""))
        code = str(answer["CodeResult"])
        if code == ACCEPTED:
            return
        if code == DUPLICATE:
            logger.info("Cổng SMS đã nhận tin %s từ lần gửi trước.", key)
            return
        message = _("Cổng SMS từ chối (mã %(code)s): %(reason)s") % {
            "code": code, "reason": answer.get("ErrorMessage") or "—"}
        raise (Undeliverable if code in FINAL else SmsRefused)(message)
