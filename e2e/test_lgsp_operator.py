"""The LGSP operator's journey in a real browser: the system administrator registers a provider
system and its service at the address of a running `tinhso catalogue_provider`, grants a client
system GET on /units, and then sees in the message log the client's exchanges made through a
running gateway: an answered one and a refused one, with its code and Vietnamese reason.

The catalogue provider is its own process. The gateway is `tinhso gateway` as its own process
on PostgreSQL; on SQLite the tests' database lives in this process's memory, where no other
process can open it, so the same gateway application runs in a thread here instead.
"""

import time

import pytest
from django.db import connection

from tinhso.core.roles import Role
from tinhso.core.tests.factories import DEFAULT_PASSWORD, StaffFactory
from tinhso.exchange import services
from tinhso.exchange.gateway import Gateway
from tinhso.exchange.models import MessageRecord, Service
from tinhso.exchange.tests.conftest import new_key
from tinhso.exchange.tests.harness import (
    CommandProcess,
    ServerThread,
    as_json,
    assertion,
    call,
    database_url_for_process,
)

from .accessibility import assert_accessible
from .journey import fits, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENT = "GOV/000.00.00.H44/MOTCUA"
SERVICE_URL = "/r1/GOV/000.00.00.H44/DMDC/catalogues/v1"


@pytest.fixture
def lgsp_files(settings, tmp_path):
    settings.TINHSO_EXCHANGE_ANCHOR_PATH = tmp_path / "exchange-anchor.jsonl"
    settings.TINHSO_EXCHANGE_SIGNING_KEY_FILE = tmp_path / "exchange.pem"
    return settings


@pytest.fixture
def provider():
    process = CommandProcess("catalogue_provider").start()
    yield process
    process.stop()


@pytest.fixture
def gateway(live_server, lgsp_files, tmp_path):
    if connection.vendor == "postgresql":
        server = CommandProcess("gateway", env={
            "DATABASE_URL": database_url_for_process(tmp_path),
            "TINHSO_GATEWAY_REFRESH_SECONDS": "0.3",
            "TINHSO_EXCHANGE_ANCHOR_PATH": str(lgsp_files.TINHSO_EXCHANGE_ANCHOR_PATH),
            "TINHSO_EXCHANGE_SIGNING_KEY_FILE": str(lgsp_files.TINHSO_EXCHANGE_SIGNING_KEY_FILE),
        }).start()
    else:
        server = ServerThread(Gateway(refresh=0.3).app()).start()
    yield server
    server.stop()


def _registry_read_after(gateway, moment: float):
    """Wait until the gateway has read the registry again after `moment`."""
    for _ in range(100):
        health = as_json(call(gateway.url + "/healthz")[2])
        if time.time() - health["registry_age_s"] > moment + 0.1:
            return
        time.sleep(0.1)
    pytest.fail("the gateway did not refresh its registry")


def test_operator_registers_grants_and_reads_the_log(live_server, gateway, provider, desktop,
                                                     phone, shot):
    StaffFactory(username="quantri.lgsp", full_name="Quản trị LGSP", roles=[Role.SYSTEM_ADMIN])
    operator = StaffFactory(username="quantri.seed", roles=[Role.SYSTEM_ADMIN])
    client = services.register_system(operator, member_class="GOV", member_code="000.00.00.H44",
                                      subsystem="MOTCUA", name="Hệ thống một cửa điện tử")
    key, pem = new_key()
    services.add_credential(operator, client, public_key_pem=pem)
    base = live_server.url
    page = desktop
    sign_in(page, base, "quantri.lgsp", DEFAULT_PASSWORD)

    # The provider system.
    page.goto(base + "/lgsp/")
    assert_accessible(page, "LGSP: systems")
    page.locator("#system-new").click()
    page.get_by_label("Mã định danh cơ quan").fill("000.00.00.H44")
    page.get_by_label("Mã hệ thống").fill("DMDC")
    page.get_by_label("Tên hệ thống").fill("Danh mục dùng chung của tỉnh")
    page.locator("#system-submit").click()
    page.wait_for_url("**/lgsp/systems/*/")
    assert page.locator("#system-identifier").inner_text() == "GOV/000.00.00.H44/DMDC"
    assert_accessible(page, "LGSP: one system")

    # Its service, at the running catalogue provider.
    page.locator("#service-new").click()
    page.get_by_label("Mã dịch vụ").fill("catalogues")
    page.get_by_label("Tên dịch vụ").fill("Danh mục đơn vị hành chính")
    page.get_by_label("Địa chỉ gốc của hệ thống cung cấp").fill(provider.url)
    page.get_by_label("Thời gian chờ tối đa (ms)").fill("3000")
    shot(page, "register-service")
    assert_accessible(page, "LGSP: register a service")
    page.locator("#service-submit").click()
    page.wait_for_url("**/lgsp/services/*/")
    service = Service.objects.get(code="catalogues")
    assert (service.base_url, service.timeout_ms) == (provider.url, 3000)

    # Grant the client GET on /units only.
    page.locator("#id_grant-client").select_option(CLIENT)
    page.locator("#id_grant-method").select_option("GET")
    page.locator("#id_grant-path_prefix").fill("/units")
    page.locator("#grant-submit").click()
    page.wait_for_url("**/lgsp/services/*/#rights")
    assert page.locator(f"#service-rights [data-client='{CLIENT}']").is_visible()
    shot(page, "granted")
    assert_accessible(page, "LGSP: a service and its rights")
    _registry_read_after(gateway, time.time())

    # The client's exchanges through the gateway: one answered, one refused.
    status, headers, body = call(gateway.url + SERVICE_URL + "/units?province=25",
                                 token=assertion(key, CLIENT))
    assert status == 200 and as_json(body)["results"], body
    answered = headers["X-Exchange-Id"]
    status, _, body = call(gateway.url + SERVICE_URL + "/nationalities",
                           token=assertion(key, CLIENT))
    refusal = as_json(body)
    assert (status, refusal["code"]) == (403, "access_denied")
    assert MessageRecord.objects.filter(exchange_id__in=[answered,
                                                         refusal["exchange_id"]]).count() == 2

    # The log, on the operator's phone: both, newest first; then only the refused.
    sign_in(phone, base, "quantri.lgsp", DEFAULT_PASSWORD)
    phone.goto(base + "/lgsp/")
    phone.locator("#nav-lgsp-log").click()
    phone.wait_for_url("**/lgsp/log/")
    rows = phone.locator("#log-table tbody tr[data-exchange]")
    assert rows.nth(0).get_attribute("data-exchange") == refusal["exchange_id"]
    assert rows.nth(1).get_attribute("data-exchange") == answered
    assert rows.nth(1).get_attribute("data-outcome") == "ok"
    refused_row = rows.nth(0)
    assert refused_row.get_attribute("data-outcome") == "access_denied"
    assert "403 access_denied" in refused_row.inner_text()
    assert refusal["message"] in refused_row.locator(".log-reason").inner_text()
    assert fits(phone)
    shot(phone, "log-phone")
    assert_accessible(phone, "LGSP: message log on a phone")
    phone.get_by_label("Kết quả", exact=True).select_option("refused")
    phone.get_by_label("Dịch vụ", exact=True).fill(service.identifier)
    phone.locator("#log-filter-submit").click()
    phone.wait_for_url("**/lgsp/log/?*")
    assert [r.get_attribute("data-exchange") for r in rows.all()] == [refusal["exchange_id"]]
    shot(phone, "log-refused-only")
    assert fits(phone)
