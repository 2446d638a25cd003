"""A simulator of the national population database's look-up (see the package's docstring).

It holds the demo's citizens (the same facts as the demo identity provider) and, for any
other well-formed personal id, a synthetic person derived from the id itself: its sex and
birth year as the id's 4th to 6th digits say, a name and an address of the province drawn
from a generator seeded with the id, so that the same id always answers the same person.
Ids of a province code that does not exist are not found. Standard library only, so that it
runs as its own process (`tinhso population_registry`).

    POST /v1/citizens/lookup   (X-Api-Key: the province's key; consent must be true)
    GET  /healthz
"""

from __future__ import annotations

import hmac
import json
import random
import re
from datetime import date
from http.server import ThreadingHTTPServer

from tinhso.core.demo.citizens import CITIZENS
from tinhso.core.identifiers import PROVINCE_CODES
from tinhso.dossiers.seeding.people import STREET_KINDS, person_name
from tinhso.integrations.simulators import JsonHandler

PERSONAL_ID = re.compile(r"^\d{12}$")
PLACES = ("Phường Việt Trì", "Phường Phong Châu", "Phường Vân Phú", "Xã Hy Cương",
          "Xã Phù Ninh", "Xã Lâm Thao", "Phường Phú Thọ", "Xã Thanh Ba", "Xã Hạ Hòa",
          "Xã Cẩm Khê")
PROVINCE = "tỉnh Phú Thọ"
MAX_BODY = 64 * 1024


def person(personal_id: str) -> dict | None:
    for c in CITIZENS:
        if c.personal_id == personal_id:
            return {"personal_id": c.personal_id, "full_name": c.full_name,
                    "birth_date": c.birth_date.isoformat(), "sex": c.sex,
                    "permanent_residence": c.address, "current_residence": c.address}
    if not PERSONAL_ID.match(personal_id) or int(personal_id[:3]) not in PROVINCE_CODES:
        return None
    digit = int(personal_id[3])
    sex = "female" if digit % 2 else "male"
    year = 1900 + 100 * (digit // 2) + int(personal_id[4:6])
    rng = random.Random(personal_id)  # noqa: S311 - synthetic data, not secrets
    birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
    if birth > date.today():
        return None
    home = (f"{rng.choice(STREET_KINDS)} {rng.randint(1, 25)}, {rng.choice(PLACES)}, "
            f"{PROVINCE}")
    return {"personal_id": personal_id, "full_name": person_name(rng, sex[0]),
            "birth_date": birth.isoformat(), "sex": sex, "permanent_residence": home,
            "current_residence": home}


class Handler(JsonHandler):
    server: Server

    def do_GET(self):
        if self.path == "/healthz":
            return self._answer(200, {"status": "ok"})
        return self._answer(404, {"error": "không có"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._answer(413, {"error": "Dữ liệu quá lớn."})
        raw = self.rfile.read(length)
        if self.path != "/v1/citizens/lookup":
            return self._answer(404, {"error": "không có"})
        given = self.headers.get("X-Api-Key", "")
        if not hmac.compare_digest(given.encode(), self.server.token.encode()):
            return self._answer(401, {"error": "Chưa xác thực."})
        try:
            body = json.loads(raw)
            pid = str(body["personal_id"])
        except (ValueError, KeyError, TypeError):
            return self._answer(400, {"error": "Yêu cầu không hợp lệ."})
        if body.get("consent") is not True or not body.get("purpose"):
            return self._answer(400, {"error": "Thiếu sự đồng ý của công dân hoặc mục đích."})
        self.server.lookups += 1
        found = person(pid)
        if found is None:
            return self._answer(404, {"found": False})
        return self._answer(200, {"found": True, "person": found})



class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, token: str):
        super().__init__(address, Handler)
        self.token = token
        self.lookups = 0


def make_server(host: str, port: int, token: str) -> Server:
    return Server((host, port), token)
