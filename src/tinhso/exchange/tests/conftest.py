"""Fixtures of the LGSP tests: an operator, keys of client systems, a registered provider."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tinhso.core.roles import Role
from tinhso.core.tests.factories import StaffFactory, UserFactory
from tinhso.exchange import services
from tinhso.exchange.catalogues import CatalogueProvider

from .harness import ServerThread

CLIENT = "GOV/000.00.00.H41/MOTCUA"


@pytest.fixture
def operator(db):
    return StaffFactory(username="quantri.lgsp", roles=[Role.SYSTEM_ADMIN])


@pytest.fixture
def official(db):
    return StaffFactory(username="chuyenvien", roles=[Role.SPECIALIST])


@pytest.fixture
def citizen(db):
    return UserFactory()


def new_key():
    """An Ed25519 key pair: (private key, public key PEM)."""
    key = ed25519.Ed25519PrivateKey.generate()
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, pem.decode()


@pytest.fixture(autouse=True)
def _own_files(settings, tmp_path):
    settings.TINHSO_EXCHANGE_ANCHOR_PATH = tmp_path / "exchange-anchor.jsonl"
    settings.TINHSO_EXCHANGE_SIGNING_KEY_FILE = tmp_path / "exchange.pem"


@pytest.fixture
def provider():
    server = ServerThread(CatalogueProvider(agencies=[]).app()).start()
    yield server
    server.stop()


@pytest.fixture
def world(operator, provider):
    """A provider with two services, a client granted some of them, and its key."""
    dmdc = services.register_system(operator, member_class="GOV", member_code="000.00.00.H41",
                                    subsystem="DMDC", name="Danh mục dùng chung")
    client = services.register_system(operator, member_class="GOV",
                                      member_code="000.00.00.H41", subsystem="MOTCUA",
                                      name="Hệ thống thông tin giải quyết TTHC")
    key, pem = new_key()
    services.add_credential(operator, client, public_key_pem=pem)
    catalogues = services.register_service(operator, provider=dmdc, code="catalogues",
                                           name="Danh mục", base_url=provider.url,
                                           timeout_ms=300)
    limited = services.register_service(operator, provider=dmdc, code="limited",
                                        name="Giới hạn", base_url=provider.url, rate_limit=1,
                                        burst=2)
    services.grant(operator, client=client, service=catalogues, method="GET",
                   path_prefix="/units")
    services.grant(operator, client=client, service=catalogues, path_prefix="/_sim")
    services.grant(operator, client=client, service=limited)
    return {"key": key, "client": client, "catalogues": catalogues, "operator": operator}
