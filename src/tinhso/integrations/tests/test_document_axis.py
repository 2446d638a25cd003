"""The national document exchange axis: the client against the simulator over real HTTP (a
pull mailbox per agency: send, list, download, acknowledge; the sender's delivery states)."""

import threading
import urllib.error
import urllib.request

import pytest
from django.core.management import CommandError, call_command

from tinhso.documents import axis_port
from tinhso.documents.axis_port import (
    DELIVERED,
    DONE,
    FAILED,
    PENDING,
    STATUS,
    AxisRefused,
    AxisUnavailable,
)
from tinhso.integrations.document_axis import DocumentAxisClient
from tinhso.integrations.document_axis.simulator import make_server

TOKEN = "khoa-truc"
PROVINCE, MINISTRY, OTHER = "000.00.00.H44", "000.00.00.G12", "000.00.00.H26"
LIMIT = 64 * 1024


def package(text: str = "Quyết định 123/QĐ-UBND", size: int = 0) -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?><edXML><Subject>{text}</Subject>'.encode()
    return head + b"<!--" + b"x" * max(0, size - len(head) - 15) + b"--></edXML>"


@pytest.fixture
def simulator():
    server = make_server("127.0.0.1", 0, TOKEN, max_package=LIMIT)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def axis(simulator):
    client = DocumentAxisClient(url=simulator[1], token=TOKEN, timeout=5)
    for organ, name in ((PROVINCE, "UBND tỉnh Phú Thọ"), (MINISTRY, "Bộ Nội vụ"),
                        (OTHER, "UBND tỉnh Hưng Yên")):
        client.register_agency(organ, name)
    return client


def test_send_to_two_receive_download_acknowledge_and_the_senders_view(axis):
    sent = package()
    message_id = axis.send(PROVINCE, [MINISTRY, OTHER], sent)
    [at_ministry] = axis.received(MINISTRY)
    [at_other] = axis.received(OTHER)
    assert at_ministry.message_id == at_other.message_id == message_id
    assert (at_ministry.sender, at_ministry.kind, at_ministry.size) == \
        (PROVINCE, "document", len(sent))
    assert at_ministry.received_at.tzinfo is not None
    assert axis.received(PROVINCE) == []  # the sender's own mailbox holds nothing

    [outgoing] = axis.sent(PROVINCE)
    assert (outgoing.state_of(MINISTRY), outgoing.state_of(OTHER)) == (PENDING, PENDING)
    assert axis.download(MINISTRY, message_id) == sent  # the same bytes, byte for byte
    assert axis.sent(PROVINCE)[0].state_of(MINISTRY) == DELIVERED

    axis.acknowledge(MINISTRY, message_id, done=True)
    assert axis.download(OTHER, message_id) == sent
    axis.acknowledge(OTHER, message_id, done=False, reason="Chữ ký số không hợp lệ")
    assert axis.received(MINISTRY) == [] and axis.received(OTHER) == []
    [outgoing] = axis.sent(PROVINCE)
    assert (outgoing.state_of(MINISTRY), outgoing.state_of(OTHER)) == (DONE, FAILED)
    assert [d.reason for d in outgoing.deliveries] == ["", "Chữ ký số không hợp lệ"]

    # The ministry answers with a status package: the province receives it as such.
    status_id = axis.send_status(MINISTRY, [PROVINCE], b"<edXML><StatusCode>03</StatusCode>"
                                                       b"</edXML>")
    [answer] = axis.received(PROVINCE)
    assert (answer.message_id, answer.kind, answer.sender) == (status_id, STATUS, MINISTRY)


def test_a_package_acknowledged_by_all_is_gone_and_a_failure_needs_a_reason(axis):
    message_id = axis.send(PROVINCE, [MINISTRY], package())
    with pytest.raises(AxisRefused, match="lý do"):
        axis.acknowledge(MINISTRY, message_id, done=False)
    axis.acknowledge(MINISTRY, message_id, done=True)
    axis.acknowledge(MINISTRY, message_id, done=True)  # repeated: no change, no error
    with pytest.raises(AxisRefused, match="đã được xác nhận"):
        axis.acknowledge(MINISTRY, message_id, done=False, reason="nhầm")
    with pytest.raises(AxisRefused):
        axis.download(MINISTRY, message_id)
    with pytest.raises(AxisRefused, match="Không có gói tin"):  # not addressed to it
        axis.download(OTHER, message_id)


def test_the_same_package_again_is_the_same_message_delivered_once(axis):
    sent = package("Công văn 45/UBND-VP")
    first = axis.send(PROVINCE, [MINISTRY], sent)
    assert axis.send(PROVINCE, [MINISTRY], sent) == first  # a retry after a lost answer
    assert [m.message_id for m in axis.received(MINISTRY)] == [first]
    assert len(axis.sent(PROVINCE)) == 1
    # Naming one more recipient reaches only that one; other bytes are another message.
    assert axis.send(PROVINCE, [MINISTRY, OTHER], sent) == first
    assert [m.message_id for m in axis.received(OTHER)] == [first]
    assert len(axis.received(MINISTRY)) == 1
    assert axis.send(PROVINCE, [MINISTRY], package("Công văn 46/UBND-VP")) != first
    assert axis.send_status(PROVINCE, [MINISTRY], sent) != first  # a status is not a document


def test_an_unknown_recipient_refuses_the_whole_send(axis):
    with pytest.raises(AxisRefused, match=r"000\.00\.00\.X99") as refused:
        axis.send(PROVINCE, [MINISTRY, "000.00.00.X99"], package())
    assert refused.value.code == "document_axis_unknown_recipient"
    assert "chưa đăng ký" in refused.value.message
    assert axis.received(MINISTRY) == [] and axis.sent(PROVINCE) == []
    with pytest.raises(AxisRefused, match="chưa đăng ký"):  # nor may an unknown sender send
        axis.send("000.00.00.X98", [MINISTRY], package())


def test_an_oversized_package_is_refused_with_its_reason(axis, simulator):
    assert len(package(size=LIMIT + 1)) == LIMIT + 1
    with pytest.raises(AxisRefused, match="vượt quá giới hạn") as refused:
        axis.send(PROVINCE, [MINISTRY], package(size=LIMIT + 1))
    assert refused.value.code == "document_axis_package_too_large"
    with pytest.raises(AxisRefused, match="vượt quá giới hạn"):  # read and dropped, answered
        axis.send(PROVINCE, [MINISTRY], package(size=8 * 1024 * 1024))
    assert axis.received(MINISTRY) == []
    # At the limit it goes through, on a server that kept answering.
    message_id = axis.send(PROVINCE, [MINISTRY], package(size=LIMIT))
    assert len(axis.download(MINISTRY, message_id)) == LIMIT


def test_the_axis_key_is_required_and_a_wrong_one_is_not_a_refusal_of_the_package(simulator):
    client = DocumentAxisClient(url=simulator[1], token="sai", timeout=5)
    with pytest.raises(AxisUnavailable, match="401") as failed:
        client.register_agency(PROVINCE, "UBND tỉnh")
    assert "X-Api-Key" in failed.value.message
    request = urllib.request.Request(simulator[1] + "/v1/agencies", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=5)
    assert answer.value.code == 401


def test_a_package_must_be_xml(axis, simulator):
    request = urllib.request.Request(
        f"{simulator[1]}/v1/agencies/{PROVINCE}/sent?to={MINISTRY}", data=b"{}", method="POST",
        headers={"X-Api-Key": TOKEN, "Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=5)
    assert answer.value.code == 415


def test_an_axis_that_does_not_answer_is_unavailable(simulator):
    server, url = simulator
    server.shutdown()
    server.server_close()
    with pytest.raises(AxisUnavailable, match="Không kết nối được"):
        DocumentAxisClient(url=url, token=TOKEN, timeout=2).received(PROVINCE)


def test_the_port_returns_the_configured_adapter(settings, simulator):
    settings.TINHSO_DOCUMENT_AXIS_URL = simulator[1] + "/"
    settings.TINHSO_DOCUMENT_AXIS_TOKEN = TOKEN
    chosen = axis_port.axis()
    assert isinstance(chosen, DocumentAxisClient) and chosen.url == simulator[1]
    chosen.register_agency(PROVINCE, "UBND tỉnh Phú Thọ")
    assert simulator[0].axis.agencies == {PROVINCE: "UBND tỉnh Phú Thọ"}


def test_the_command_starts_the_simulator_with_agencies_registered(monkeypatch, settings):
    served = []
    monkeypatch.setattr("tinhso.integrations.management.commands.document_axis.serve",
                        lambda server, announce, banner: served.append((server, banner)))
    settings.TINHSO_DOCUMENT_AXIS_TOKEN = TOKEN
    call_command("document_axis", port=0, max_bytes=4096,
                 agency=[f"{PROVINCE}=UBND tỉnh Phú Thọ", f"{MINISTRY}=Bộ Nội vụ"])
    [(server, banner)] = served
    try:
        assert server.axis.agencies == {PROVINCE: "UBND tỉnh Phú Thọ", MINISTRY: "Bộ Nội vụ"}
        assert (server.max_package, server.token) == (4096, TOKEN)
        assert "Trục liên thông văn bản quốc gia giả lập" in banner
    finally:
        server.server_close()
    with pytest.raises(CommandError, match="MÃ=TÊN"):
        call_command("document_axis", port=0, agency=["không có dấu bằng"])
