"""The adapter for the national population database (see the package's docstring)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from tinhso.dossiers.population import Person, RegistryUnavailable
from tinhso.exchange import assertions


class PopulationClient:
    def __init__(self, *, url: str | None = None, token: str | None = None,
                 timeout: float | None = None):
        self.url = (url or settings.TINHSO_POPULATION_URL).rstrip("/")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError("TINHSO_POPULATION_URL must be an http(s) address")
        self.token = token or settings.TINHSO_POPULATION_TOKEN
        self.timeout = timeout or settings.TINHSO_POPULATION_TIMEOUT

    def find(self, personal_id: str, *, purpose: str, requester: str) -> Person | None:
        body = json.dumps({"personal_id": personal_id, "purpose": purpose,
                           "requester": requester, "consent": True}).encode()
        request = urllib.request.Request(  # noqa: S310 - http(s), checked in __init__
            self.url + "/v1/citizens/lookup", data=body, method="POST",
            headers={"Content-Type": "application/json",
                     # X-Api-Key, not Authorization: through the LGSP gateway the
                     # Authorization header carries the province system's own assertion.
                     "X-Api-Key": self.token, **assertions.header_for(self.url)})
        try:
            tls = assertions.tls_context_for(self.url)
            with urllib.request.urlopen(request, timeout=self.timeout,  # noqa: S310
                                        context=tls) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            refused = assertions.refusal(exc)  # the gateway's 404 is "no such service"
            if exc.code == 404 and not refused:
                return None
            raise RegistryUnavailable(_("CSDL quốc gia về dân cư trả lời HTTP %(status)s.")
                                      % {"status": exc.code} + refused) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise RegistryUnavailable(_("Không kết nối được CSDL quốc gia về dân cư.")) from exc
        except ValueError as exc:
            raise RegistryUnavailable(_("CSDL quốc gia về dân cư trả lời không đúng giao "
                                        "thức.")) from exc
        try:
            p = answer["person"]
            return Person(personal_id=p["personal_id"], full_name=p["full_name"],
                          birth_date=date.fromisoformat(p["birth_date"]), sex=p["sex"],
                          permanent_residence=p["permanent_residence"],
                          current_residence=p.get("current_residence") or "")
        except (KeyError, TypeError, ValueError) as exc:
            raise RegistryUnavailable(_("CSDL quốc gia về dân cư trả lời không đúng giao "
                                        "thức.")) from exc
