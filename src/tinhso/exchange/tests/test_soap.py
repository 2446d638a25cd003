"""SOAP → REST conversion through a real `tinhso gateway` process: a REST client posts JSON,
the gateway calls the catalogue provider's SOAP operation by its WSDL and answers JSON; a SOAP
Fault is a refusal with the provider's fault string; every exchange is in the log, with the
digests of the bodies the client sent and received."""

import hashlib
import json
import sqlite3

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.exchange import catalogue_soap, services, soap
from tinhso.exchange.models import MessageRecord, Service

from .conftest import CLIENT
from .harness import CommandProcess, as_json, assertion, call, database_url_for_process

BASE = "/r1/GOV/000.00.00.H41/DMDC"


def _soap_service(world, code, base_url, **kwargs):
    provider = world["catalogues"].provider
    return services.register_service(
        world["operator"], provider=provider, code=code, name="Đơn vị hành chính (SOAP)",
        protocol=Service.Protocol.SOAP, rest_exposure=True, base_url=base_url,
        description=catalogue_soap.wsdl(base_url), **kwargs)


def _records(database_url) -> dict[str, dict]:
    columns = ("exchange_id", "status", "outcome", "reason", "request_digest",
               "response_digest")
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            rows = db.execute(f"SELECT {', '.join(columns)} FROM exchange_messagerecord")
            return {r[0]: dict(zip(columns, r, strict=True)) for r in rows}
    return {r["exchange_id"]: r for r in MessageRecord.objects.values(*columns)}


@pytest.mark.django_db(transaction=True)
def test_a_rest_client_calls_a_soap_service_through_the_gateway_process(world, provider,
                                                                        tmp_path, settings):
    units = _soap_service(world, "units-soap", provider.url + "/soap/units")
    garbage = _soap_service(world, "garbage-soap", provider.url + "/_sim/echo")
    for service in (units, garbage):
        services.grant(world["operator"], client=world["client"], service=service)
    database_url = database_url_for_process(tmp_path)
    env = {"DATABASE_URL": database_url,
           "TINHSO_EXCHANGE_ANCHOR_PATH": str(settings.TINHSO_EXCHANGE_ANCHOR_PATH),
           "TINHSO_EXCHANGE_SIGNING_KEY_FILE": str(settings.TINHSO_EXCHANGE_SIGNING_KEY_FILE)}
    gateway = CommandProcess("gateway", env=env).start()
    try:
        def ask(path, body=None, method="POST"):
            return call(gateway.url + BASE + path, token=assertion(world["key"], CLIENT),
                        method=method, body=body,
                        headers={"Content-Type": "application/json"} if body else {})

        request = json.dumps({"provinceCode": "25"}).encode()
        status, headers, body = ask("/units-soap/v1/GetCommunes", request)
        assert status == 200, body
        assert headers["Content-Type"].startswith("application/json")
        answer = as_json(body)
        direct = as_json(call(provider.url + "/units?province=25")[2])["results"]
        assert answer["province"] == "25"
        assert [(c["code"], c["name"]) for c in answer["commune"]] == [
            (c["code"], c["name"]) for c in direct]
        ok_id = headers["X-Exchange-Id"]

        # The same call as a GET with the parameters in the query.
        status, _, body = ask("/units-soap/v1/GetCommunes?provinceCode=25", method="GET")
        assert status == 200 and as_json(body)["commune"] == answer["commune"]

        # The provider's SOAP Fault: its words, in a JSON refusal the client can read.
        status, _, body = ask("/units-soap/v1/GetCommunes", b'{"provinceCode": "99"}')
        fault = as_json(body)
        assert (status, fault["code"]) == (400, "soap_fault"), fault
        assert fault["fault"] == {"code": "soap:Client",
                                  "string": "Không có tỉnh/thành phố mã “99”."}
        assert fault["message"] == ("Hệ thống cung cấp (SOAP) báo lỗi: Không có tỉnh/thành "
                                    "phố mã “99”.")
        fault_id = fault["exchange_id"]

        status, _, body = ask("/units-soap/v1/GetCommunes", b"[1, 2]")
        assert (status, as_json(body)["code"]) == (400, "invalid_json")
        status, _, body = ask("/units-soap/v1/GetProvinces", b"{}")
        assert (status, as_json(body)["code"]) == (404, "unknown_operation")
        assert "GetCommunes" in as_json(body)["message"]
        status, _, body = ask("/units-soap/v1/GetCommunes", b"{}", method="DELETE")
        assert (status, as_json(body)["code"]) == (405, "method_not_allowed")
        # A provider that answers JSON where its WSDL promises SOAP.
        status, _, body = ask("/garbage-soap/v1/GetCommunes", request)
        assert (status, as_json(body)["code"]) == (502, "provider_bad_response")
    finally:
        gateway.stop()

    records = _records(database_url)
    ok = records[ok_id]
    assert (ok["status"], ok["outcome"]) == (200, "ok")
    assert ok["request_digest"] == hashlib.sha256(request).hexdigest()
    assert ok["response_digest"] == hashlib.sha256(body_of(answer)).hexdigest()
    refused = records[fault_id]
    assert (refused["status"], refused["outcome"]) == (400, "soap_fault")
    assert "“99”" in refused["reason"]
    assert len(records) == 7


def body_of(answer: dict) -> bytes:
    return json.dumps(answer, ensure_ascii=False).encode("utf-8")


@pytest.mark.django_db
def test_registration_refuses_a_rest_exposure_it_cannot_convert(world):
    operator, provider = world["operator"], world["catalogues"].provider
    with pytest.raises(ValidationFailed) as refused:
        services.register_service(operator, provider=provider, code="x", name="X",
                                  protocol=Service.Protocol.SOAP, rest_exposure=True,
                                  base_url="http://127.0.0.1:1/soap",
                                  description="<definitions/>")
    assert "WSDL" in str(refused.value.message)
    assert "description" in refused.value.details
    with pytest.raises(ValidationFailed) as refused:
        services.register_service(operator, provider=provider, code="y", name="Y",
                                  rest_exposure=True, base_url="http://127.0.0.1:1/rest")
    assert "rest_exposure" in refused.value.details
    assert not Service.objects.filter(code__in=["x", "y"]).exists()


def test_conversion_keeps_lists_and_reads_both_fault_versions():
    wsdl = soap.read_wsdl(catalogue_soap.wsdl("http://provider/soap/units"))
    operation = wsdl.operations["GetCommunes"]
    assert operation.action == catalogue_soap.ACTION
    envelope = soap.envelope(operation, {"provinceCode": "25", "x": None})
    assert b"<t:provinceCode>25</t:provinceCode>" in envelope
    one = catalogue_soap.communes_response(
        "01", [{"code": "1", "name": "Phường Ba Đình", "division_type": "phường"}]).text
    # One commune is still a list: the WSDL declares it maxOccurs="unbounded".
    assert soap.answer(operation, wsdl, one.encode())["commune"] == [
        {"code": "1", "name": "Phường Ba Đình", "divisionType": "phường"}]
    fault12 = (f'<e:Envelope xmlns:e="{soap.ENV12}"><e:Body><e:Fault><e:Code><e:Value>'
               f"e:Receiver</e:Value></e:Code><e:Reason><e:Text>Hỏng</e:Text></e:Reason>"
               f"</e:Fault></e:Body></e:Envelope>").encode()
    op12 = soap.Operation("GetCommunes", "", soap.ENV12, operation.request, operation.response)
    with pytest.raises(soap.SoapFault) as fault:
        soap.answer(op12, wsdl, fault12)
    assert (fault.value.code, fault.value.text, fault.value.by_client) == (
        "e:Receiver", "Hỏng", False)
    with pytest.raises(soap.BadAnswer):
        soap.answer(operation, wsdl, b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                     b"<x>&e;</x>")
