"""Outgoing documents: drafted, reviewed, approved, signed, sealed, numbered and issued, and
delivered to an agency of the province, which works it through to completion."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tinhso.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tinhso.core.models import AuditEntry
from tinhso.documents import outside, selectors, services
from tinhso.documents.models import Document, DocumentFile, Recipient, RegisterCounter, Status
from tinhso.documents.types import DocumentType
from tinhso.signing.services import validate_pdf
from tinhso.signing.testing import result_pdf

from .conftest import _staff

pytestmark = pytest.mark.django_db

SUBJECT = "Về việc phê duyệt kế hoạch cải cách hành chính năm 2027"


def draft(staff, recipients=(), **kw):
    data = services.DraftInput(
        doc_type=kw.pop("doc_type", DocumentType.DECISION), subject=kw.pop("subject", SUBJECT),
        content=kw.pop("content", "Điều 1. Phê duyệt kế hoạch.\nĐiều 2. Tổ chức thực hiện."),
        recipient_agencies=list(recipients), **kw)
    return services.create_draft(staff.specialist, data)


def to_sealed(staff, document):
    document = services.submit(staff.specialist, document)
    document = services.review(staff.head, document, note="Đủ căn cứ pháp lý.")
    document = services.approve(staff.leader, document)
    document = services.sign(staff.leader, document)
    return services.seal(staff.clerk, document)


def test_a_decision_goes_from_draft_to_issue_with_two_valid_signatures(office, commune):
    document = draft(office, [commune.agency])
    assert document.status == Status.DRAFT
    assert document.main_file.kind == DocumentFile.Kind.DRAFT
    draft_sha = document.main_file.sha256
    document = to_sealed(office, document)
    assert document.status == Status.SEALED and document.notation == ""
    document = services.issue(office.clerk, document)
    assert (document.number, document.notation) == (1, "01/QĐ-SXD")
    assert document.number_year == timezone.localtime(document.issued_at).year
    verdict = validate_pdf(document.main_file.file.read())
    assert verdict.is_valid, verdict.message
    assert len(verdict.signatures) == 2
    # The signed chain points at the exact draft that was approved.
    signed = document.main_file.parent
    assert signed.kind == DocumentFile.Kind.SIGNED and signed.parent.sha256 == draft_sha
    actions = list(selectors.history(document).values_list("action", flat=True))
    assert actions == ["draft", "submit", "review", "approve", "sign", "seal", "issue"]
    assert AuditEntry.objects.filter(action="document.issued").count() == 1

    # Delivered in the same transaction: the commune's own incoming copy, waiting.
    copy = Document.objects.get(source=document)
    assert (copy.agency, copy.direction, copy.status) == (commune.agency, "in", Status.ARRIVED)
    assert copy.notation == "01/QĐ-SXD" and copy.main_file.sha256 == document.main_file.sha256
    recipient = Recipient.objects.get(document=document)
    assert (recipient.state, recipient.delivered) == (Recipient.State.ARRIVED, copy)

    # The commune registers, its leader directs, assigns and the specialist completes.
    copy = services.register(commune.clerk, copy)
    assert (copy.number, copy.status) == (1, Status.REGISTERED)
    copy = services.direct(commune.leader, copy, note="Giao phòng Kinh tế chủ trì.")
    copy = services.assign(commune.leader, copy, assignee=commune.specialist,
                           unit="Phòng Kinh tế", days=5)
    assert copy.due_at > timezone.now()
    recipient.refresh_from_db()
    assert recipient.state == Recipient.State.ASSIGNED
    copy = services.complete(commune.specialist, copy, note="Đã triển khai.")
    assert copy.status == Status.COMPLETED
    recipient.refresh_from_db()
    assert recipient.state == Recipient.State.COMPLETED


def test_numbers_follow_per_register_and_restart_each_year(office, commune):
    register = services.register_for(office.agency, "out")
    from django.db import transaction

    with transaction.atomic():
        assert [services.next_number(register, 2026) for _ in range(3)] == [1, 2, 3]
        assert services.next_number(register, 2027) == 1
    assert RegisterCounter.objects.get(register=register, year=2026).last_number == 3


def test_a_failed_issue_burns_no_number(office, commune):
    lonely = to_sealed(office, draft(office, []))
    with pytest.raises(ValidationFailed) as info:
        services.issue(office.clerk, lonely)
    assert info.value.code == "no_recipients"
    lonely.refresh_from_db()
    assert lonely.status == Status.SEALED and lonely.number is None
    assert not RegisterCounter.objects.filter(last_number__gt=0).exists()
    other = to_sealed(office, draft(office, [commune.agency]))
    assert services.issue(office.clerk, other).notation == "01/QĐ-SXD"


def test_an_official_letter_has_no_type_in_its_notation(office, commune):
    letter = to_sealed(office, draft(office, [commune.agency], drafting_unit="VP",
                                     doc_type=DocumentType.OFFICIAL_LETTER,
                                     subject="V/v đôn đốc báo cáo"))
    assert services.issue(office.clerk, letter).notation == "01/SXD-VP"


def test_roles_and_agencies_are_enforced(office, commune):
    document = draft(office, [commune.agency])
    with pytest.raises(NotFound):  # another agency's document: not found, never forbidden
        services.submit(commune.specialist, document)
    document = services.submit(office.specialist, document)
    with pytest.raises(PermissionDenied):
        services.review(office.specialist, document)
    with pytest.raises(Conflict) as info:  # not reviewed yet
        services.approve(office.leader, document)
    assert info.value.code == "wrong_status"
    document.refresh_from_db()
    assert document.status == Status.IN_REVIEW
    with pytest.raises(NotFound):
        selectors.get_for_official(commune.clerk, document.pk)


def test_revising_after_review_needs_approval_again_and_a_signed_file_is_final(office,
                                                                              commune):
    document = draft(office, [commune.agency])
    first = document.main_file
    document = services.submit(office.specialist, document)
    document = services.review(office.head, document)
    document = services.revise(office.specialist, document, content="Điều 1. Nội dung mới.")
    assert document.status == Status.DRAFT and document.reviewer is None
    assert document.main_file.version == 2 and document.main_file.pk != first.pk
    first.refresh_from_db()
    assert first.file.read()[:5] == b"%PDF-"  # the earlier version kept, unchanged
    assert AuditEntry.objects.filter(action="document.revised_after_review").exists()
    document = to_sealed(office, document)
    with pytest.raises(Conflict) as info:
        services.revise(office.specialist, document, content="Sửa sau khi ký")
    assert info.value.code == "signed_locked"


def test_signing_refuses_a_file_changed_on_disk(office, commune):
    document = draft(office, [commune.agency])
    document = services.approve(office.leader, services.review(
        office.head, services.submit(office.specialist, document)))
    path = document.main_file.file.path
    with open(path, "ab") as handle:
        handle.write(b"% changed\n")
    with pytest.raises(ValidationFailed) as info:
        services.sign(office.leader, document)
    assert info.value.code == "file_altered"
    document.refresh_from_db()
    assert document.status == Status.APPROVED


def test_an_uploaded_pdf_must_be_a_pdf(office):
    with pytest.raises(ValidationFailed) as info:
        draft(office, file=SimpleUploadedFile("qd.pdf", b"not a pdf"))
    assert info.value.code == "not_pdf"
    assert not Document.objects.exists()
    with pytest.raises(ValidationFailed):
        draft(office, subject="   ")


def test_recall_removes_the_copy_from_the_recipients_lists_and_keeps_history(office,
                                                                             commune):
    document = services.issue(office.clerk, to_sealed(office, draft(office, [commune.agency])))
    copy = Document.objects.get(source=document)
    assert [d.pk for d in selectors.incoming(commune.clerk)[0]] == [copy.pk]
    services.recall(office.clerk, document, reason="Sai căn cứ ban hành.")
    copy.refresh_from_db()
    assert copy.status == Status.RECALLED and copy.recalled_at is not None
    assert selectors.incoming(commune.clerk)[0] == []
    assert selectors.search(commune.clerk, "cai cach")[0] == []
    assert [e.action for e in selectors.history(copy)] == ["arrive", "recalled"]
    assert Recipient.objects.get(document=document).state == Recipient.State.RECALLED


def test_a_reply_links_to_the_document_it_answers(office, commune):
    document = services.issue(office.clerk, to_sealed(office, draft(office, [commune.agency])))
    copy = services.register(commune.clerk, Document.objects.get(source=document))
    reply = services.create_draft(commune.specialist, services.DraftInput(
        DocumentType.REPORT, "Báo cáo kết quả thực hiện", "Đã hoàn thành.",
        recipient_agencies=[office.agency], response_for=copy))
    assert reply.response_for == copy
    reply = to_sealed(commune, reply)
    reply = services.issue(commune.clerk, reply)
    assert reply.notation == "01/BC-UBND"
    answer = Document.objects.get(source=reply)
    assert answer.agency == office.agency and answer.response_for == document


def test_issue_announces_outside_recipients_to_the_exchange_axis(
        office, commune, django_capture_on_commit_callbacks):
    from tinhso.documents.signals import distributed

    heard = []
    distributed.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="test")
    try:
        document = draft(office, [commune.agency],
                         external_recipients=[("000.00.01.H26", "Bộ Xây dựng")])
        document = to_sealed(office, document)
        with django_capture_on_commit_callbacks(execute=True):
            document = services.issue(office.clerk, document)
    finally:
        distributed.disconnect(dispatch_uid="test")
    ministry = Recipient.objects.get(document=document, agency__isnull=True)
    assert heard and heard[0]["recipient_ids"] == [ministry.pk]
    assert list(outside.external_sends()) == [ministry]
    assert outside.document_id(document).startswith("Z90.1,")
    assert outside.mark_sent([ministry.pk]) == 1
    assert list(outside.external_sends()) == []
    outside.apply_status(document_id=outside.document_id(document),
                         from_organ_id="000.00.01.H26", status_code="03",
                         description="Đã vào sổ")
    ministry.refresh_from_db()
    assert ministry.state == Recipient.State.REGISTERED
    with pytest.raises(NotFound):
        outside.apply_status(document_id=outside.document_id(document),
                             from_organ_id="000.00.99.H99", status_code="03")


def test_pdf_attachment_text_is_searchable(office, commune):
    attachment = SimpleUploadedFile("phu-luc.pdf", result_pdf(
        "PHỤ LỤC", "Danh mục công trình hạ tầng giao thông nông thôn Thanh Sơn."))
    document = draft(office, [commune.agency], attachments=[attachment])
    rows, _ = selectors.search(office.specialist, "GIAO THONG nong")
    assert [d.pk for d in rows] == [document.pk]
    assert selectors.search(commune.specialist, "giao thong")[0] == []


def test_an_issued_document_gets_a_receiver_added_and_one_removed(office, commune):
    third = _staff("Z90.3", "Ủy ban nhân dân phường Thử Nghiệm", "UBND phường", "ward")
    document = draft(office, [commune.agency], external_recipients=[("000.00.00.G09", "Bộ XD")])
    document = services.issue(office.clerk, to_sealed(office, document))
    old_copy = Document.objects.get(source=document, agency=commune.agency)
    [to_commune] = document.recipients.filter(agency=commune.agency)
    [ministry] = document.recipients.filter(agency__isnull=True)
    ministry.state = Recipient.State.SENT  # the axis took it
    ministry.save()
    document = services.update_recipients(
        office.clerk, document, agencies=[third.agency], remove=[to_commune, ministry.pk],
        reason="Chuyển cho phường thực hiện.")
    new_copy = Document.objects.get(source=document, agency=third.agency)
    assert (new_copy.status, new_copy.notation) == (Status.ARRIVED, document.notation)
    old_copy.refresh_from_db()
    assert old_copy.status == Status.RECALLED
    assert old_copy not in selectors.incoming(commune.clerk)[0]
    states = dict(document.recipients.values_list("organ_id", "state"))
    assert states == {"Z90.2": Recipient.State.RECALLED, "Z90.3": Recipient.State.ARRIVED,
                      "000.00.00.G09": Recipient.State.RECALL_REQUESTED}
    last = list(selectors.history(document))[-1]
    assert (last.action, last.note) == ("update_recipients", "Chuyển cho phường thực hiện.")
    assert last.data == {"added": ["Z90.3"], "removed": ["Z90.2", "000.00.00.G09"],
                         "removed_outside": ["000.00.00.G09"]}
    assert AuditEntry.objects.filter(action="document.recipients_updated").count() == 1


@pytest.mark.parametrize("case", ["no_change", "again", "unknown", "no_reason", "not_clerk",
                                  "not_issued"])
def test_updating_receivers_refuses_what_makes_no_sense_and_changes_nothing(
        case, office, commune):
    document = draft(office, [commune.agency])
    if case != "not_issued":
        document = services.issue(office.clerk, to_sealed(office, document))
    other = draft(office, [commune.agency])
    kwargs = {
        "no_change": {"reason": "Không đổi gì."},
        "again": {"agencies": [commune.agency], "reason": "Gửi lại."},
        "unknown": {"remove": [other.recipients.get().pk], "reason": "Bỏ nhầm văn bản."},
        "no_reason": {"external": [("000.00.00.G09", "Bộ XD")], "reason": "  "},
        "not_clerk": {"external": [("000.00.00.G09", "Bộ XD")], "reason": "Bổ sung."},
        "not_issued": {"external": [("000.00.00.G09", "Bộ XD")], "reason": "Bổ sung."},
    }[case]
    actor = office.specialist if case == "not_clerk" else office.clerk
    before = list(Recipient.objects.order_by("pk").values_list("pk", "state"))
    expected = {"not_clerk": PermissionDenied, "not_issued": Conflict}.get(case, ValidationFailed)
    with pytest.raises(expected) as refused:
        services.update_recipients(actor, document, **kwargs)
    assert refused.value.message  # said in words
    assert list(Recipient.objects.order_by("pk").values_list("pk", "state")) == before
    assert not selectors.history(document).filter(action="update_recipients").exists()
