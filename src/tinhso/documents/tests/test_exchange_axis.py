"""The exchange axis end to end over real HTTP: the province's agencies and a ministry on the
national axis's simulator; tinhso's worker (exchange_axis.run_pass) sends, owes statuses and
takes in mailboxes. The ministry's side is played by hand with edxml, as another system would.
"""

from datetime import date

import pytest
from django.core.management import call_command

from tinhso.documents import edxml, exchange_axis, outside, selectors, services
from tinhso.documents.edxml import codes
from tinhso.documents.models import Document, Recipient, Status
from tinhso.integrations.document_axis import DocumentAxisClient
from tinhso.integrations.document_axis.simulator import make_server
from tinhso.integrations.simulators import running
from tinhso.signing import xml
from tinhso.signing.keys import Pkcs12Signer
from tinhso.signing.pki import DemoPki
from tinhso.signing.testing import PASSWORD, make_pki, result_pdf

from .conftest import COMMUNE, OFFICE
from .test_outgoing import draft, to_sealed

pytestmark = pytest.mark.django_db

TOKEN = "khoa-truc-thu"
MINISTRY = edxml.Organ("000.00.00.G09", "Bộ Xây dựng")


@pytest.fixture(scope="session")
def document_pki(tmp_path_factory):
    """The test province's PKI, with the ministry's seal issued by the same (trusted) root."""
    pki = make_pki(tmp_path_factory.mktemp("axis-pki"), officials=[
        ("leader.office", "Phạm Quốc Hùng", OFFICE[0], OFFICE[1]),
        ("leader.commune", "Lê Thị Thu Hà", COMMUNE[0], COMMUNE[1])])
    pki.issue_seal(MINISTRY.organ_id, MINISTRY.organ_name, PASSWORD)
    return pki


@pytest.fixture(scope="session")
def foreign_seal(tmp_path_factory):
    other = DemoPki(tmp_path_factory.mktemp("foreign-pki"), root_name="CA la",
                    ca_name="CA la cap duoi", organisation="Khong ai biet")
    other.issue_seal(MINISTRY.organ_id, MINISTRY.organ_name, PASSWORD)
    return Pkcs12Signer(other.folder / "seals" / f"{MINISTRY.organ_id}.p12", PASSWORD)


@pytest.fixture
def axis(office, commune, settings):
    with running(make_server("127.0.0.1", 0, TOKEN)) as url:
        settings.TINHSO_DOCUMENT_AXIS_URL, settings.TINHSO_DOCUMENT_AXIS_TOKEN = url, TOKEN
        client = DocumentAxisClient(url=url, token=TOKEN, timeout=5)
        client.register_agency(MINISTRY.organ_id, MINISTRY.organ_name)
        assert exchange_axis.register_agencies(client) == 2
        yield client


def ministry_seal(document_pki) -> Pkcs12Signer:
    return Pkcs12Signer(document_pki.folder / "seals" / f"{MINISTRY.organ_id}.p12", PASSWORD)


def from_ministry(to: str, *, number: str = "15", signer=None, unsigned=False,
                  subject: str = "Về việc hướng dẫn quản lý trật tự xây dựng năm 2027",
                  business: edxml.BusinessInfo | None = None, also: tuple[str, ...] = ()
                  ) -> bytes:
    header = edxml.Document(
        sender=MINISTRY, receivers=tuple(edxml.Organ(o) for o in (to, *also)),
        business=business or edxml.BusinessInfo(), code=edxml.Code(number, "BXD-QLN"),
        promulgation=edxml.Promulgation(date(2026, 12, 1), "Hà Nội"),
        document_type=edxml.DocumentType(2, None, "Công văn"), subject=subject,
        signer=edxml.SignerInfo("Nguyễn Văn Sinh", "Thứ trưởng", "KT. BỘ TRƯỞNG"),
        other=edxml.OtherInfo(priority=1))
    data = edxml.build_document(header, [edxml.Attachment("cv-15.pdf", result_pdf("CÔNG VĂN"))])
    return data if unsigned else xml.sign(edxml.with_signature_slot(data), signer)


def statuses(axis, organ_id: str = MINISTRY.organ_id) -> list[edxml.Package]:
    """The status packages waiting at an organ, read and acknowledged."""
    out = []
    for item in axis.received(organ_id):
        package = edxml.parse(axis.download(organ_id, item.message_id))
        axis.acknowledge(organ_id, item.message_id, done=True)
        if package.kind == "status":
            out.append(package)
    return out


def received_from_ministry(axis, commune, seal) -> None:
    """The ministry's document 15 received at the commune, and its 01 read by the ministry."""
    axis.send(MINISTRY.organ_id, [commune.agency.code],
              from_ministry(commune.agency.code, signer=seal))
    exchange_axis.run_pass(axis)
    statuses(axis)


def sender_state(axis, message_id: str, recipient: str):
    [sent] = [s for s in axis.sent(MINISTRY.organ_id) if s.message_id == message_id]
    return next(d for d in sent.deliveries if d.recipient == recipient)


def test_an_issued_document_reaches_an_outside_recipient_sealed_and_its_statuses_come_back(
        office, axis, document_pki):
    document = draft(office, external_recipients=[(MINISTRY.organ_id, MINISTRY.organ_name)])
    document = services.issue(office.clerk, to_sealed(office, document))
    report = exchange_axis.run_pass(axis)
    assert (report.sent, report.unavailable) == (1, "")
    assert Recipient.objects.get(document=document).state == Recipient.State.SENT

    [item] = axis.received(MINISTRY.organ_id)
    package = edxml.parse(axis.download(MINISTRY.organ_id, item.message_id))
    assert package.signature.is_valid, package.signature.reason
    header = package.document
    assert (header.sender.organ_id, str(header.code), header.subject) == \
        (office.agency.code, document.notation, document.subject)
    assert header.key_id == outside.document_id(document)
    # The file that travels is the signed and sealed PDF, byte for byte.
    assert package.attachments[0].data == document.main_file.file.open("rb").read()
    axis.acknowledge(MINISTRY.organ_id, item.message_id, done=True)
    assert exchange_axis.run_pass(axis).sent == 0  # sent once

    # The ministry registers it and says so; the recipient row follows.
    status = edxml.status_for(package, codes.REGISTERED, reporter=MINISTRY)
    axis.send_status(MINISTRY.organ_id, [office.agency.code], xml.sign(
        edxml.with_signature_slot(edxml.build_status(status)), ministry_seal(document_pki)))
    assert exchange_axis.run_pass(axis).received == 1
    assert Recipient.objects.get(document=document).state == Recipient.State.REGISTERED

    # Recalled: the ministry is asked (13) to give it back.
    services.recall(office.clerk, document, reason="Ban hành nhầm nơi nhận.")
    assert exchange_axis.run_pass(axis).statuses == 1
    [recall] = statuses(axis)
    assert (recall.status.status_code, recall.status.response_for.document_id) == \
        (codes.RECALL_REQUESTED, outside.document_id(document))
    assert recall.signature.is_valid


def test_receivers_of_an_issued_document_changed_outside_by_update_packages(
        office, axis, document_pki):
    other = edxml.Organ("000.00.00.G10", "Bộ Tài chính")
    axis.register_agency(other.organ_id, other.organ_name)
    document = draft(office, external_recipients=[(MINISTRY.organ_id, MINISTRY.organ_name)])
    document = services.issue(office.clerk, to_sealed(office, document))
    exchange_axis.run_pass(axis)
    [first] = axis.received(MINISTRY.organ_id)
    axis.acknowledge(MINISTRY.organ_id, first.message_id, done=True)
    ministry = Recipient.objects.get(document=document)
    services.update_recipients(office.clerk, document, remove=[ministry],
                               external=[(other.organ_id, other.organ_name)],
                               reason="Gửi nhầm Bộ Xây dựng; gửi Bộ Tài chính.")
    report = exchange_axis.run_pass(axis)
    assert (report.sent, report.statuses, report.refused) == (1, 1, [])

    def package_at(organ_id):
        [item] = axis.received(organ_id)
        package = edxml.parse(axis.download(organ_id, item.message_id))
        axis.acknowledge(organ_id, item.message_id, done=True)
        return package

    removal, added = package_at(MINISTRY.organ_id), package_at(other.organ_id)
    for package, change in ((removal, codes.RECEIVER_REMOVED), (added, codes.RECEIVER_ADDED)):
        assert package.signature.is_valid, package.signature.reason
        business = package.document.business
        assert business.doc_type == codes.BUSINESS_UPDATE
        assert package.document.key_id == outside.document_id(document)
        assert [(r.receiver_type, r.organ_id) for r in business.receivers] == [
            (change, package.document.receivers[0].organ_id)]
    assert removal.document.business.reason == "Gửi nhầm Bộ Xây dựng; gửi Bộ Tài chính."
    assert exchange_axis.run_pass(axis).sent + exchange_axis.run_pass(axis).statuses == 0

    # The ministry gives it back (15): its row says so.
    accepted = edxml.status_for(removal, codes.CHANGE_ACCEPTED, reporter=MINISTRY)
    axis.send_status(MINISTRY.organ_id, [office.agency.code], xml.sign(
        edxml.with_signature_slot(edxml.build_status(accepted)), ministry_seal(document_pki)))
    exchange_axis.run_pass(axis)
    ministry.refresh_from_db()
    assert ministry.state == Recipient.State.RECALLED


def test_a_document_from_a_ministry_is_received_worked_and_each_step_reported(
        commune, axis, document_pki):
    message_id = axis.send(MINISTRY.organ_id, [commune.agency.code],
                           from_ministry(commune.agency.code, signer=ministry_seal(document_pki)))
    report = exchange_axis.run_pass(axis)
    assert (report.received, report.refused) == (1, [])
    copy = Document.objects.get(agency=commune.agency)
    assert (copy.status, copy.notation, copy.sender_organ_id, copy.priority) == \
        (Status.ARRIVED, "15/BXD-QLN", MINISTRY.organ_id, 1)
    assert copy.main_file.name == "cv-15.pdf"
    assert sender_state(axis, message_id, commune.agency.code).state == "done"

    copy = services.register(commune.clerk, copy)
    copy = services.assign(commune.leader, copy, assignee=commune.specialist, days=5)
    services.complete(commune.specialist, copy, note="Đã triển khai.")
    exchange_axis.run_pass(axis)
    reported = statuses(axis)
    assert [p.status.status_code for p in reported] == [
        codes.ARRIVED, codes.REGISTERED, codes.ASSIGNED, codes.COMPLETED]
    assert all(p.signature.is_valid and p.sender.organ_id == commune.agency.code
               for p in reported)
    assert exchange_axis.run_pass(axis).statuses == 0  # each status goes out once


def test_the_ministry_recalls_its_document_it_leaves_the_lists_and_is_accepted(
        commune, axis, document_pki):
    seal = ministry_seal(document_pki)
    received_from_ministry(axis, commune, seal)
    copy = Document.objects.get(agency=commune.agency)
    package = edxml.parse(from_ministry(commune.agency.code, signer=seal))
    recall = edxml.status_for(package, codes.RECALL_REQUESTED, reporter=MINISTRY,
                              description="Văn bản ban hành chưa đúng thẩm quyền.")
    axis.send_status(MINISTRY.organ_id, [commune.agency.code],
                     xml.sign(edxml.with_signature_slot(edxml.build_status(recall)), seal))
    exchange_axis.run_pass(axis)
    copy.refresh_from_db()
    assert copy.status == Status.RECALLED
    rows, _next = selectors.incoming(commune.clerk)
    assert copy not in rows
    assert [e.action for e in selectors.history(copy)][-1] == "recalled"
    exchange_axis.run_pass(axis)
    assert [p.status.status_code for p in statuses(axis)] == [codes.CHANGE_ACCEPTED]


def ministry_document_id(number: str = "15") -> str:
    return f"{MINISTRY.organ_id},2026/12/01,{number}/BXD-QLN"


def test_a_revocation_withdraws_the_copy_and_is_accepted_one_never_received_is_refused(
        commune, axis, document_pki):
    seal = ministry_seal(document_pki)
    received_from_ministry(axis, commune, seal)
    revoke = edxml.BusinessInfo(codes.BUSINESS_REVOCATION, "Ban hành chưa đúng thẩm quyền.")
    axis.send(MINISTRY.organ_id, [commune.agency.code],
              from_ministry(commune.agency.code, signer=seal, business=revoke))
    never = axis.send(MINISTRY.organ_id, [commune.agency.code],
                      from_ministry(commune.agency.code, number="99", signer=seal,
                                    business=revoke))
    report = exchange_axis.run_pass(axis)
    copy = Document.objects.get(agency=commune.agency)
    assert copy.status == Status.RECALLED and Document.objects.count() == 1
    assert list(selectors.history(copy))[-1].note == "Ban hành chưa đúng thẩm quyền."
    assert copy not in selectors.incoming(commune.clerk)[0]
    assert report.received == 1 and len(report.refused) == 1
    assert sender_state(axis, never, commune.agency.code).state == "failed"
    exchange_axis.run_pass(axis)
    answers = {p.status.response_for.document_id: p.status for p in statuses(axis)}
    assert answers[ministry_document_id()].status_code == codes.CHANGE_ACCEPTED
    assert answers[ministry_document_id("99")].status_code == codes.CHANGE_REFUSED
    assert "không tìm thấy" in answers[ministry_document_id("99")].description.lower()


def test_an_update_of_receivers_takes_one_agency_off_and_adds_another(
        office, commune, axis, document_pki):
    seal = ministry_seal(document_pki)
    received_from_ministry(axis, commune, seal)
    update = edxml.BusinessInfo(codes.BUSINESS_UPDATE, "Chuyển cho Văn phòng xử lý.", receivers=(
        edxml.Receiver(codes.RECEIVER_REMOVED, commune.agency.code),
        edxml.Receiver(codes.RECEIVER_ADDED, office.agency.code)))
    data = from_ministry(office.agency.code, also=(commune.agency.code,), signer=seal,
                         business=update)
    axis.send(MINISTRY.organ_id, [commune.agency.code, office.agency.code], data)
    report = exchange_axis.run_pass(axis)
    assert (report.received, report.refused) == (2, [])
    assert Document.objects.get(agency=commune.agency).status == Status.RECALLED
    added = Document.objects.get(agency=office.agency)
    assert (added.status, added.notation) == (Status.ARRIVED, "15/BXD-QLN")
    exchange_axis.run_pass(axis)
    assert sorted((p.sender.organ_id, p.status.status_code) for p in statuses(axis)) == sorted(
        [(commune.agency.code, codes.CHANGE_ACCEPTED), (office.agency.code, codes.ARRIVED)])

    # The office, still a receiver, is told of a later change: recorded, accepted, kept.
    later = edxml.BusinessInfo(codes.BUSINESS_UPDATE, receivers=(
        edxml.Receiver(codes.RECEIVER_ADDED, "000.00.00.G10"),))
    axis.send(MINISTRY.organ_id, [office.agency.code],
              from_ministry(office.agency.code, signer=seal, business=later))
    assert exchange_axis.run_pass(axis).refused == []
    added.refresh_from_db()
    assert added.status == Status.ARRIVED
    assert list(selectors.history(added))[-1].action == "updated"
    assert "000.00.00.G10" in list(selectors.history(added))[-1].note
    exchange_axis.run_pass(axis)
    assert [p.status.status_code for p in statuses(axis)] == [codes.CHANGE_ACCEPTED]


def test_a_replacement_is_received_and_the_replaced_copy_leaves_the_lists(
        commune, axis, document_pki):
    seal = ministry_seal(document_pki)
    received_from_ministry(axis, commune, seal)
    replace = edxml.BusinessInfo(codes.BUSINESS_REPLACEMENT, "Sửa số liệu tại mục 2.",
                                 replacements=(edxml.Replacement(ministry_document_id(),
                                                                 (commune.agency.code,)),))
    axis.send(MINISTRY.organ_id, [commune.agency.code],
              from_ministry(commune.agency.code, number="16", signer=seal, business=replace))
    assert exchange_axis.run_pass(axis).refused == []
    old = Document.objects.get(agency=commune.agency, notation="15/BXD-QLN")
    new = Document.objects.get(agency=commune.agency, notation="16/BXD-QLN")
    assert (old.status, new.status) == (Status.RECALLED, Status.ARRIVED)
    last = list(selectors.history(old))[-1]
    assert last.data["replaced_by"] == new.pk and "16/BXD-QLN" in last.note
    assert [d.pk for d in selectors.incoming(commune.clerk)[0]] == [new.pk]
    exchange_axis.run_pass(axis)
    answers = {p.status.response_for.document_id: p.status.status_code for p in statuses(axis)}
    assert answers == {ministry_document_id(): codes.CHANGE_ACCEPTED,
                       ministry_document_id("16"): codes.ARRIVED}


@pytest.mark.parametrize("case", ["malformed", "not_edxml", "unsigned", "altered", "foreign",
                                  "placeholder", "duplicate", "not_ours"])
def test_a_bad_package_is_refused_with_its_reason_and_nothing_is_registered(
        case, commune, axis, document_pki, foreign_seal):
    seal = ministry_seal(document_pki)
    good = from_ministry(commune.agency.code, signer=seal)
    data = {
        "malformed": good[:-40],
        "not_edxml": b"<?xml version='1.0'?><thu><tieu_de>Khong phai edXML</tieu_de></thu>",
        "unsigned": from_ministry(commune.agency.code, unsigned=True),
        "altered": good.replace("quản lý trật tự".encode(), "quản lý TRẬT TỰ".encode()),
        "foreign": from_ministry(commune.agency.code, signer=foreign_seal),
        "placeholder": edxml.with_signature_slot(
            from_ministry(commune.agency.code, unsigned=True)),
        "duplicate": from_ministry(commune.agency.code, signer=seal, subject="Bản gửi lại"),
        "not_ours": from_ministry(OFFICE[0], signer=seal),  # delivered to the commune
    }[case]
    if case == "duplicate":  # the same DocumentId received once already
        axis.send(MINISTRY.organ_id, [commune.agency.code], good)
        exchange_axis.run_pass(axis)
        statuses(axis)
    before = Document.objects.count()
    message_id = axis.send(MINISTRY.organ_id, [commune.agency.code], data)
    report = exchange_axis.run_pass(axis)
    assert Document.objects.count() == before
    assert report.received == 0 and len(report.refused) == 1
    delivery = sender_state(axis, message_id, commune.agency.code)
    assert delivery.state == "failed" and delivery.reason
    refused = statuses(axis)
    if case in ("malformed", "not_edxml"):  # unreadable: the acknowledgement says why
        assert refused == []
    else:  # readable: a status 02 with the same reason
        [status] = refused
        assert status.status.status_code == codes.REFUSED
        assert status.status.description == delivery.reason
    expected = {"malformed": "không đúng cú pháp", "not_edxml": "edXML",
                "unsigned": "không có chữ ký", "altered": "", "foreign": "",
                "placeholder": "", "duplicate": "trùng", "not_ours": "không có trong nơi nhận"}
    assert expected[case].lower() in delivery.reason.lower(), delivery.reason


def test_while_the_axis_is_down_nothing_is_marked_and_all_goes_after(office, settings):
    document = draft(office, external_recipients=[(MINISTRY.organ_id, MINISTRY.organ_name)])
    document = services.issue(office.clerk, to_sealed(office, document))
    nowhere = DocumentAxisClient(url="http://127.0.0.1:9", token=TOKEN, timeout=1)
    report = exchange_axis.run_pass(nowhere)
    assert report.unavailable and report.sent == 0
    assert Recipient.objects.get(document=document).state == Recipient.State.PENDING
    with running(make_server("127.0.0.1", 0, TOKEN)) as url:
        client = DocumentAxisClient(url=url, token=TOKEN, timeout=5)
        client.register_agency(MINISTRY.organ_id, MINISTRY.organ_name)
        exchange_axis.register_agencies(client)
        assert exchange_axis.run_pass(client).sent == 1
    assert Recipient.objects.get(document=document).state == Recipient.State.SENT


def test_the_worker_command_registers_the_agencies_and_takes_the_mailboxes(
        commune, axis, document_pki, capsys):
    axis.send(MINISTRY.organ_id, [commune.agency.code],
              from_ministry(commune.agency.code, signer=ministry_seal(document_pki)))
    call_command("document_exchange", register=True)
    out = capsys.readouterr().out
    assert "Đã đăng ký 2 cơ quan" in out and "nhận 1" in out
    assert Document.objects.filter(agency=commune.agency, status=Status.ARRIVED).count() == 1
