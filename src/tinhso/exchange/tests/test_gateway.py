"""The gateway over real HTTP, between a client and the catalogue provider: answered exchanges
are forwarded and logged; each refusal gets its code, a Vietnamese message, and its record."""

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tinhso.exchange import assertions, log, services
from tinhso.exchange import gateway as gateway_module
from tinhso.exchange.gateway import Gateway
from tinhso.exchange.key_ids import key_id
from tinhso.exchange.models import MessageRecord

from .conftest import CLIENT, new_key
from .harness import ServerThread, as_json, assertion, call

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "/r1/GOV/000.00.00.H41/DMDC"


@pytest.fixture
def gateway(world):
    server = ServerThread(Gateway(refresh=0.2, max_body=200_000, breaker_failures=2,
                                  breaker_cooldown=60).app()).start()
    yield server
    server.stop()


def _token(world, **kwargs):
    return assertion(world["key"], CLIENT, **kwargs)


def _record(exchange_id):
    return MessageRecord.objects.get(exchange_id=exchange_id)


def test_an_answered_exchange_is_forwarded_and_logged(world, gateway):
    status, headers, body = call(gateway.url + BASE + "/catalogues/v1/units?province=25",
                                 token=_token(world))
    assert status == 200, body
    communes = as_json(body)["results"]
    assert communes and all(c["province"] == "25" for c in communes)
    record = _record(headers["X-Exchange-Id"])
    assert (record.client, record.service, record.status, record.outcome) == (
        CLIENT, "GOV/000.00.00.H41/DMDC/catalogues/v1", 200, "ok")
    assert record.response_digest == hashlib.sha256(body).hexdigest()
    assert record.path == "/r1/GOV/000.00.00.H41/DMDC/catalogues/v1/units?province=25"
    assert log.verify() == []


def test_the_body_reaches_the_provider_without_the_client_credential(world, gateway):
    token = _token(world)
    status, headers, body = call(gateway.url + BASE + "/catalogues/v1/_sim/echo?a=1",
                                 token=token, method="POST", body="Xin chào".encode(),
                                 headers={"Content-Type": "text/plain; charset=utf-8"})
    assert status == 200
    seen = as_json(body)
    assert (seen["method"], seen["path"], seen["query"], seen["body"]) == (
        "POST", "/_sim/echo", {"a": "1"}, "Xin chào")
    assert seen["client"] == CLIENT and seen["authorization"] == ""
    assert seen["exchange_id"] == headers["X-Exchange-Id"]
    record = _record(headers["X-Exchange-Id"])
    assert record.request_digest == hashlib.sha256("Xin chào".encode()).hexdigest()


def _refused(response, status, code):
    got_status, headers, body = response
    error = as_json(body)
    assert (got_status, error["code"]) == (status, code), error
    assert error["message"] and error["exchange_id"] == headers["X-Exchange-Id"]
    record = _record(error["exchange_id"])
    assert (record.status, record.outcome) == (status, code)
    assert record.reason == error["message"][:300]
    return record


def test_refusals_of_identity(world, gateway):
    url = gateway.url + BASE + "/catalogues/v1/units"
    _refused(call(url), 401, "missing_assertion")
    _refused(call(url, token="khong-phai-jwt"), 401, "invalid_assertion")
    stranger, _ = new_key()
    _refused(call(url, token=assertion(stranger, "GOV/000.00.00.H99/KHAC")), 401,
             "unknown_client")
    record = _refused(call(url, token=assertion(stranger, CLIENT)), 401, "invalid_assertion")
    assert record.client == CLIENT
    _refused(call(url, token=_token(world, now=1_000_000_000)), 401, "assertion_expired")
    _refused(call(url, token=_token(world, audience="cong-khac")), 401, "invalid_assertion")
    _refused(call(url, token=_token(world, lifetime=3600)), 401, "invalid_assertion")
    token = _token(world)
    assert call(url, token=token)[0] == 200
    _refused(call(url, token=token), 401, "assertion_replayed")


def test_refusals_of_access(world, gateway):
    _refused(call(gateway.url + BASE + "/catalogues/v1/nationalities", token=_token(world)),
             403, "access_denied")
    _refused(call(gateway.url + BASE + "/catalogues/v1/units", token=_token(world),
                  method="DELETE"), 403, "access_denied")
    _refused(call(gateway.url + BASE + "/khong-co/v1/units", token=_token(world)), 404,
             "unknown_service")
    _refused(call(gateway.url + "/r1/GOV", token=_token(world)), 404, "unknown_service")


def test_rate_limit_per_client(world, gateway):
    url = gateway.url + BASE + "/limited/v1/units"
    answers = [call(url, token=_token(world)) for _ in range(4)]
    assert [a[0] for a in answers[:2]] == [200, 200]
    limited = [a for a in answers if a[0] == 429]
    assert limited, [a[0] for a in answers]
    _refused(limited[0], 429, "rate_limited")
    assert "Retry-After" in limited[0][1]


def test_oversize_body(world, gateway):
    _refused(call(gateway.url + BASE + "/catalogues/v1/_sim/echo", token=_token(world),
                  method="POST", body=b"x" * 200_001), 413, "payload_too_large")
    _refused(call(gateway.url + BASE + "/catalogues/v1/_sim/big?bytes=200001",
                  token=_token(world)), 502, "provider_response_too_large")


def test_provider_timeout_then_circuit_open(world, gateway):
    slow = gateway.url + BASE + "/catalogues/v1/_sim/delay?ms=2000"
    _refused(call(slow, token=_token(world)), 504, "provider_timeout")
    _refused(call(slow, token=_token(world)), 504, "provider_timeout")
    # Two failures in a row: the circuit is open, the provider is not called.
    _refused(call(gateway.url + BASE + "/catalogues/v1/units", token=_token(world)), 503,
             "circuit_open")


def test_provider_down(world, gateway):
    dead = services.register_service(world["operator"], provider=world["catalogues"].provider,
                                     code="dead", name="Không chạy",
                                     base_url="http://127.0.0.1:9")
    services.grant(world["operator"], client=world["client"], service=dead)
    url = gateway.url + BASE + "/dead/v1/units"
    for _ in range(100):  # the registry refresh (every 0.2 s) picks the new service up
        status, headers, body = call(url, token=_token(world))
        if as_json(body)["code"] != "unknown_service":
            break
        time.sleep(0.1)
    _refused((status, headers, body), 502, "provider_unreachable")


def test_a_slow_service_holds_at_most_its_slots_and_the_wait_counts_in_its_timeout(
        world, gateway, monkeypatch):
    """One slot, four exchanges of 100 ms each, a 300 ms timeout: the first is answered, the
    last waits 300 ms for its slot and gets the timeout; with no cap all four would pass."""
    monkeypatch.setattr(gateway_module, "IN_FLIGHT_PER_SERVICE", 1)
    url = gateway.url + BASE + "/catalogues/v1/_sim/delay?ms=100"
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: call(url, token=_token(world)), range(4)))
    statuses = sorted(a[0] for a in answers)
    assert statuses[0] == 200 and statuses[-1] == 504, statuses
    _refused(next(a for a in answers if a[0] == 504), 504, "provider_timeout")


def _until_refreshed(url, token_for, status):
    for _ in range(100):
        answer = call(url, token=token_for())
        if answer[0] == status:
            return answer
        time.sleep(0.1)
    return answer


def test_the_key_an_assertion_names_is_the_one_checked(world, gateway):
    """A client rotating its key holds two: an assertion naming one (`kid`, the key's RFC 7638
    thumbprint) is checked against that one only; a name that is not a live key is refused."""
    url = gateway.url + BASE + "/catalogues/v1/units"
    old = world["key"]
    new, pem = new_key()
    credential = services.add_credential(world["operator"], world["client"], public_key_pem=pem)
    answer = _until_refreshed(url, lambda: assertions.assertion(CLIENT, new), 200)
    assert answer[0] == 200
    assert call(url, token=assertions.assertion(CLIENT, old))[0] == 200
    assert call(url, token=_token(world))[0] == 200  # no kid: each key in turn
    old_id = key_id(old.public_key())
    _refused(call(url, token=assertion(new, CLIENT, kid=old_id)), 401, "invalid_assertion")
    refused = _refused(call(url, token=assertion(new, CLIENT, kid="khong-co")), 401,
                       "invalid_assertion")
    assert "kid" in refused.reason
    services.revoke_credential(world["operator"], credential)
    _refused(_until_refreshed(url, lambda: assertions.assertion(CLIENT, new), 401), 401,
             "invalid_assertion")
    assert call(url, token=assertions.assertion(CLIENT, old))[0] == 200


def test_a_revoked_right_is_refused_after_the_refresh(world, gateway):
    url = gateway.url + BASE + "/catalogues/v1/units"
    assert call(url, token=_token(world))[0] == 200
    for right in world["client"].access_rights.filter(path_prefix="/units"):
        services.revoke(world["operator"], right)
    for _ in range(100):
        answer = call(url, token=_token(world))
        if answer[0] != 200:
            break
        time.sleep(0.1)
    _refused(answer, 403, "access_denied")
    assert log.verify() == []


def test_an_assertion_used_before_a_restart_is_still_refused(world):
    token = _token(world)
    url = "/r1/GOV/000.00.00.H41/DMDC/catalogues/v1/units"
    first = ServerThread(Gateway(refresh=0.2).app()).start()
    try:
        assert call(first.url + url, token=token)[0] == 200
    finally:
        first.stop()
    second = ServerThread(Gateway(refresh=0.2).app()).start()
    try:
        _refused(call(second.url + url, token=token), 401, "assertion_replayed")
    finally:
        second.stop()
    assert log.verify() == []
