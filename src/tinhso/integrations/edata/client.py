"""The adapter for the national personal e-data store (see the package's docstring)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

from tinhso.dossiers.edata_sync import Item, StoreRefused, StoreUnavailable
from tinhso.dossiers.models import Dossier
from tinhso.exchange import assertions


class EdataClient:
    def __init__(self, *, url: str | None = None, token: str | None = None,
                 timeout: float | None = None):
        self.url = (url or settings.TINHSO_EDATA_URL).rstrip("/")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError("TINHSO_EDATA_URL must be an http(s) address")
        self.token = token or settings.TINHSO_EDATA_TOKEN
        self.timeout = timeout or settings.TINHSO_EDATA_TIMEOUT

    def put(self, owner_id: str, dossier: Dossier, items: list[Item]) -> None:
        finished = dossier.finished_at or dossier.returned_at
        body = json.dumps({"procedure": dossier.procedure_id and dossier.procedure.code,
                           "agency": dossier.agency_id and dossier.agency.code,
                           "finished_at": finished.isoformat() if finished else None,
                           "items": [i.as_record() for i in items]}, ensure_ascii=False)
        path = "/v1/owners/{}/dossiers/{}".format(*(urllib.parse.quote(p, safe="")
                                                     for p in (owner_id, dossier.code)))
        request = urllib.request.Request(  # noqa: S310 - http(s), checked in __init__
            self.url + path, data=body.encode(), method="PUT",
            headers={"Content-Type": "application/json; charset=utf-8",
                     "X-Api-Key": self.token, **assertions.header_for(self.url)})
        try:
            tls = assertions.tls_context_for(self.url)
            with urllib.request.urlopen(request, timeout=self.timeout,  # noqa: S310
                                        context=tls) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code == 400:  # the store's own refusal (the gateway never answers 400)
                raise StoreRefused(_("Kho dữ liệu điện tử từ chối: %(reason)s")
                                   % {"reason": _error(exc)}) from exc
            raise StoreUnavailable(_("Kho dữ liệu điện tử trả lời HTTP %(status)s.")
                                   % {"status": exc.code} + assertions.refusal(exc)) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise StoreUnavailable(_("Không kết nối được kho dữ liệu điện tử.")) from exc
        except ValueError as exc:
            raise StoreUnavailable(_("Kho dữ liệu điện tử trả lời không đúng giao thức.")) from exc
        if not isinstance(answer, dict) or answer.get("stored") != len(items):
            raise StoreUnavailable(_("Kho dữ liệu điện tử trả lời không đúng giao thức."))


def _error(exc: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read(65536)).get("error", ""))
    except (OSError, ValueError, AttributeError):
        return ""
