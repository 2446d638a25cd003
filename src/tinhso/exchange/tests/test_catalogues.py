"""Shared catalogues served through the gateway, from packaged data and the agency register."""

import pytest

from tinhso.core.tests.factories import AgencyFactory
from tinhso.exchange import services
from tinhso.exchange.catalogues import CatalogueProvider
from tinhso.exchange.gateway import Gateway

from .conftest import CLIENT, new_key
from .harness import ServerThread, as_json, assertion, call

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "/r1/GOV/000.00.00.H41/DMDC/catalogues/v1"


@pytest.fixture
def servers(operator):
    agency = AgencyFactory(code="H44.08", name="Sở Khoa học và Công nghệ")
    provider = ServerThread(CatalogueProvider().app()).start()
    dmdc = services.register_system(operator, member_class="GOV", member_code="000.00.00.H41",
                                    subsystem="DMDC", name="Danh mục dùng chung")
    client = services.register_system(operator, member_class="GOV",
                                      member_code="000.00.00.H41", subsystem="MOTCUA",
                                      name="Một cửa")
    key, pem = new_key()
    services.add_credential(operator, client, public_key_pem=pem)
    catalogues = services.register_service(operator, provider=dmdc, code="catalogues",
                                           name="Danh mục", base_url=provider.url)
    services.grant(operator, client=client, service=catalogues, method="GET")
    gateway = ServerThread(Gateway(refresh=0.2).app()).start()
    yield gateway, key, agency
    gateway.stop()
    provider.stop()


def _get(servers, path):
    gateway, key, _ = servers
    status, _, body = call(gateway.url + BASE + path, token=assertion(key, CLIENT))
    assert status == 200, body
    return as_json(body)["results"]


def test_units_agencies_and_nationalities(servers):
    provinces = _get(servers, "/units")
    assert len(provinces) == 34
    assert {"code": "25", "name": "Phú Thọ"}.items() <= next(
        p for p in provinces if p["code"] == "25").items()
    agencies = _get(servers, "/agencies")
    by_code = {a["code"]: a for a in agencies}
    assert by_code["H44.08"]["name"] == "Sở Khoa học và Công nghệ"
    assert by_code["H44.08"]["unit"] == servers[2].unit.code
    nationalities = {c["code"]: c["name"] for c in _get(servers, "/nationalities")}
    assert nationalities["VN"] == "Việt Nam" and nationalities["FR"] == "Pháp"
    assert len(nationalities) > 240
