"""The adapter for the national document exchange axis (see the package's docstring).

Standard library HTTP, like the other national adapters. No retry here: the caller (the
documents sender) tries again later, and a send repeated after a lost answer is the same
message on the axis. The package's headers travel in the path and the query, never in
custom HTTP headers, which the LGSP gateway does not pass on.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from tinhso.documents.axis_port import (
    DOCUMENT,
    STATUS,
    AxisRefused,
    AxisUnavailable,
    Delivery,
    Received,
    Sent,
)
from tinhso.exchange import assertions

# The axis's own refusals; anything else (401/403 from the gateway, 5xx) is not the package's.
REFUSALS = (400, 404, 409, 410, 411, 413, 415)


class DocumentAxisClient:
    def __init__(self, *, url: str | None = None, token: str | None = None,
                 timeout: float | None = None):
        self.url = (url or settings.TINHSO_DOCUMENT_AXIS_URL).rstrip("/")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError("TINHSO_DOCUMENT_AXIS_URL must be an http(s) address")
        self.token = token or settings.TINHSO_DOCUMENT_AXIS_TOKEN
        self.timeout = timeout or settings.TINHSO_DOCUMENT_AXIS_TIMEOUT

    # --- the port

    def register_agency(self, organ_id: str, name: str) -> None:
        self._json("POST", "/v1/agencies", body={"organ_id": organ_id, "name": name})

    def send(self, sender: str, recipients: Sequence[str], package: bytes) -> str:
        return self._send(sender, recipients, package, DOCUMENT)

    def send_status(self, sender: str, recipients: Sequence[str], package: bytes) -> str:
        return self._send(sender, recipients, package, STATUS)

    def received(self, organ_id: str, *, limit: int = 100) -> list[Received]:
        answer = self._json("GET", _path(organ_id, "received"), query={"limit": limit})
        try:
            return [Received(m["message_id"], m["from"], m["kind"], int(m["size"]),
                             datetime.fromisoformat(m["received_at"]), m.get("sha256", ""))
                    for m in answer["messages"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise self._garbled() from exc

    def download(self, organ_id: str, message_id: str) -> bytes:
        return self._call("GET", _path(organ_id, "received", message_id))

    def acknowledge(self, organ_id: str, message_id: str, *, done: bool,
                    reason: str = "") -> None:
        self._json("POST", _path(organ_id, "received", message_id, "status"),
                   body={"status": "done" if done else "failed", "reason": reason})

    def sent(self, organ_id: str, *, limit: int = 100) -> list[Sent]:
        answer = self._json("GET", _path(organ_id, "sent"), query={"limit": limit})
        try:
            return [Sent(m["message_id"], m["kind"], int(m["size"]),
                         datetime.fromisoformat(m["sent_at"]),
                         tuple(Delivery(r["organ_id"], r["state"], r.get("reason", ""),
                                        datetime.fromisoformat(r["updated_at"]))
                               for r in m["recipients"]), m.get("sha256", ""))
                    for m in answer["messages"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise self._garbled() from exc

    # --- the protocol

    def _send(self, sender: str, recipients: Sequence[str], package: bytes, kind: str) -> str:
        answer = self._json("POST", _path(sender, "sent"), data=package,
                            content_type="application/xml",
                            query={"to": ",".join(recipients), "kind": kind})
        if not isinstance(answer.get("message_id"), str) or not answer["message_id"]:
            raise self._garbled()
        return answer["message_id"]

    def _json(self, method: str, path: str, *, body=None, **kwargs) -> dict:
        if body is not None:
            kwargs.update(data=json.dumps(body, ensure_ascii=False).encode(),
                          content_type="application/json; charset=utf-8")
        try:
            answer = json.loads(self._call(method, path, **kwargs))
        except ValueError as exc:
            raise self._garbled() from exc
        if not isinstance(answer, dict):
            raise self._garbled()
        return answer

    def _call(self, method: str, path: str, *, data: bytes | None = None,
              content_type: str = "", query: dict | None = None) -> bytes:
        url = self.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        headers = {"X-Api-Key": self.token, **assertions.header_for(self.url)}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(  # noqa: S310 - http(s), checked in __init__
            url, data=data, method=method, headers=headers)
        try:
            tls = assertions.tls_context_for(self.url)
            with urllib.request.urlopen(request, timeout=self.timeout,  # noqa: S310
                                        context=tls) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            raise self._failure(exc) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise AxisUnavailable(_("Không kết nối được trục liên thông văn bản quốc gia: "
                                    "%(reason)s") % {"reason": reason}) from exc

    def _failure(self, exc: urllib.error.HTTPError):
        try:
            raw = exc.read(65536)
        except OSError:
            raw = b""
        gateway = assertions.refusal(io.BytesIO(raw))
        if gateway:  # the LGSP's own refusal: a package too large for it is still refused
            error = AxisRefused if exc.code == 413 else AxisUnavailable
            return error(_("Trục liên thông văn bản trả lời HTTP %(status)s.")
                         % {"status": exc.code} + gateway)
        try:
            reason = str(json.loads(raw).get("error") or "")
        except (ValueError, AttributeError):
            reason = ""
        if exc.code in REFUSALS and reason:
            return AxisRefused(_("Trục liên thông văn bản từ chối: %(reason)s")
                               % {"reason": reason}, code=_code(raw))
        return AxisUnavailable(_("Trục liên thông văn bản trả lời HTTP %(status)s. %(reason)s")
                               % {"status": exc.code, "reason": reason})

    def _garbled(self) -> AxisUnavailable:
        return AxisUnavailable(_("Trục liên thông văn bản trả lời không đúng giao thức."))


def _path(organ_id: str, *parts: str) -> str:
    return "/v1/agencies/" + "/".join(urllib.parse.quote(p, safe="") for p in (organ_id, *parts))


def _code(raw: bytes) -> str | None:
    """The axis's machine code (unknown_recipient, package_too_large, ...) kept on the error."""
    try:
        code = json.loads(raw).get("code")
    except (ValueError, AttributeError):
        return None
    return f"document_axis_{code}" if isinstance(code, str) and code.isidentifier() else None
