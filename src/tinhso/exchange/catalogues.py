"""The shared catalogue provider (`tinhso catalogue_provider`): a small HTTP service that the
province registers in the LGSP as a provider, so that every system reads the same catalogues
through the gateway. Data comes from packages, never typed by hand:

    GET /units                administrative units since 1 July 2025 (`vietnam-provinces`):
                              ?province=25 the communes of a province, else the 34 provinces
    GET /agencies             the province's agencies with their identifier codes (the
                              agency register in the database, read at start)
    GET /nationalities        ISO 3166-1 countries with Vietnamese names (`pycountry`)
    GET /soap/units?wsdl      a SOAP 1.1 service (exchange.catalogue_soap): the communes
    POST /soap/units            of a province by GetCommunes, for the gateway's conversion
    GET /healthz

Ethnic groups and religions: no package on PyPI carries the national lists (the General
Statistics Office's 54 ethnic groups, the recognised religions), so they are not served; see
docs/exchange.md.

For tests and the benchmark it also answers, as a stand-in for any provider:

    ANY /_sim/echo            the method, path, query, body and the gateway's headers
    ANY /_sim/delay?ms=N      answers after N milliseconds
    GET /_sim/status/{code}   answers with that status
    GET /_sim/big?bytes=N     N bytes
"""

from __future__ import annotations

import asyncio
import gettext
import json

from aiohttp import web

from . import catalogue_soap


def _units() -> tuple[list[dict], dict[str, list[dict]]]:
    from tinhso.core.units import upstream_communes, upstream_provinces

    def row(r):
        return {"code": r["code"], "name": r["name"], "level": str(r["level"]),
                "division_type": str(r["division_type"]), "codename": r["codename"]}

    provinces = [row(r) for r in upstream_provinces()]
    communes: dict[str, list[dict]] = {}
    for r in upstream_communes():
        communes.setdefault(r["parent_code"], []).append({**row(r), "province": r["parent_code"]})
    return provinces, communes


def _nationalities() -> list[dict]:
    import pycountry

    vi = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["vi"],
                             fallback=True)
    return sorted(({"code": c.alpha_2, "alpha_3": c.alpha_3, "numeric": c.numeric,
                    "name": vi.gettext(c.name), "name_en": c.name}
                   for c in pycountry.countries), key=lambda c: c["code"])


def _agencies() -> list[dict]:
    from django.db import connection

    from tinhso.core.models import Agency

    try:
        rows = list(Agency.objects.filter(is_active=True).values_list(
            "code", "name", "short_name", "level", "parent__code", "unit__code"))
    finally:
        connection.close()  # read once at start: no connection left open in this thread
    return [{"code": c, "name": n, "short_name": s, "level": lv, "parent": p, "unit": u}
            for c, n, s, lv, p, u in rows]


def _json(data, status: int = 200) -> web.Response:
    return web.Response(status=status, content_type="application/json", charset="utf-8",
                        body=json.dumps(data, ensure_ascii=False).encode("utf-8"))


class CatalogueProvider:
    def __init__(self, *, agencies: list[dict] | None = None):
        self.provinces, self.communes = _units()
        self.nationalities = _nationalities()
        self.agencies = agencies

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/units", self.units)
        app.router.add_get("/agencies", self.list_agencies)
        app.router.add_get("/nationalities", self.list_nationalities)
        describe, call = catalogue_soap.handler(self.communes)
        app.router.add_get("/soap/units", describe)
        app.router.add_post("/soap/units", call)
        app.router.add_route("*", "/_sim/echo", self.echo)
        app.router.add_route("*", "/_sim/delay", self.delay)
        app.router.add_get("/_sim/status/{code:[0-9]{3}}", self.status)
        app.router.add_get("/_sim/big", self.big)
        return app

    async def healthz(self, request):
        return _json({"status": "ok"})

    async def list_nationalities(self, request):
        return _json({"results": self.nationalities})

    async def units(self, request):
        province = request.query.get("province")
        if province is None:
            return _json({"results": self.provinces})
        if province not in self.communes:
            return _json({"code": "unknown_province",
                          "message": "Không có tỉnh/thành phố mã này."}, 404)
        return _json({"results": self.communes[province]})

    async def list_agencies(self, request):
        if self.agencies is None:
            self.agencies = await asyncio.get_running_loop().run_in_executor(None, _agencies)
        return _json({"results": self.agencies})

    async def echo(self, request):
        body = await request.read()
        return _json({"method": request.method, "path": request.path,
                      "query": dict(request.query), "body": body.decode("utf-8", "replace"),
                      "client": request.headers.get("X-Tinhso-Client", ""),
                      "exchange_id": request.headers.get("X-Tinhso-Exchange-Id", ""),
                      "authorization": request.headers.get("Authorization", "")})

    async def delay(self, request):
        try:
            ms = min(int(request.query.get("ms", "0")), 600_000)
        except ValueError:
            ms = 0
        await asyncio.sleep(ms / 1000)
        return _json({"slept_ms": ms})

    async def status(self, request):
        code = int(request.match_info["code"])
        return _json({"status": code}, code if 200 <= code <= 599 else 500)

    async def big(self, request):
        try:
            size = min(int(request.query.get("bytes", "0")), 256 * 1024 * 1024)
        except ValueError:
            size = 0
        return web.Response(body=b"x" * size, content_type="application/octet-stream")


def run(host: str, port: int) -> None:
    web.run_app(CatalogueProvider().app(), host=host, port=port, access_log=None, print=None)
