"""The back office's document pages: thin doors onto the services, same rules."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.documents import services
from tinhso.documents.models import Document, Status
from tinhso.documents.types import DocumentType

pytestmark = pytest.mark.django_db


def test_draft_submit_review_approve_through_the_pages(office, commune, login):
    specialist = login(office.specialist)
    page = specialist.get("/office/documents/new/")
    assert page.status_code == 200 and "Soạn văn bản đi" in page.content.decode()
    answer = specialist.post("/office/documents/new/", {
        "doc_type": "QĐ", "subject": "Về việc thành lập Tổ công tác chuyển đổi số",
        "content": "Điều 1. Thành lập Tổ công tác.", "priority": "0",
        "recipients": [str(commune.agency.pk)], "external": ""})
    assert answer.status_code == 302
    document = Document.objects.get(direction="out")
    assert answer.url == f"/office/documents/{document.pk}/"
    assert document.recipients.get().agency == commune.agency
    detail = specialist.get(answer.url).content.decode()
    assert "Trình thẩm định" in detail and "Duyệt văn bản" not in detail
    specialist.post(f"/office/documents/{document.pk}/actions/submit/", {"submit-note": ""})
    head = login(office.head)
    head.post(f"/office/documents/{document.pk}/actions/review/", {"review-note": "Đạt"})
    leader = login(office.leader)
    answer = leader.post(f"/office/documents/{document.pk}/actions/approve/",
                         {"approve-note": ""})
    assert answer.status_code == 302
    document.refresh_from_db()
    assert document.status == Status.APPROVED
    history = leader.get(f"/office/documents/{document.pk}/").content.decode()
    assert 'data-action="approve"' in history and "Ký số" in history


def test_another_agency_gets_404_and_bad_input_is_refused_in_words(office, commune, login):
    document = services.create_draft(office.specialist, services.DraftInput(
        DocumentType.NOTICE, "Thông báo kết luận giao ban", "Nội dung kết luận."))
    other = login(commune.specialist)
    assert other.get(f"/office/documents/{document.pk}/").status_code == 404
    assert other.post(f"/office/documents/{document.pk}/actions/submit/").status_code == 404
    mine = login(office.specialist)
    answer = mine.post("/office/documents/new/", {
        "doc_type": "QĐ", "subject": "Quyết định", "content": "", "priority": "0",
        "file": SimpleUploadedFile("qd.pdf", b"hello")})
    assert answer.status_code == 400
    assert "không phải tệp PDF" in answer.content.decode()
    assert Document.objects.count() == 1
    answer = mine.post("/office/documents/new/", {
        "doc_type": "QĐ", "subject": "Quyết định", "priority": "0",
        "external": "không có dấu gạch"})
    assert answer.status_code == 400 and "mã định danh | tên cơ quan" in answer.content.decode()


def test_incoming_list_queues_and_search(office, login):
    services.receive(office.clerk, services.IncomingInput(
        DocumentType.OFFICIAL_LETTER, "V/v tăng cường phòng chống thiên tai mùa mưa lũ",
        "Văn phòng UBND tỉnh", notation="2301/VP-KT"))
    clerk = login(office.clerk)
    page = clerk.get("/office/documents/incoming/?queue=to_register").content.decode()
    assert "2301/VP-KT" in page and 'id="queue-to_register" data-count="1"' in page
    found = clerk.get("/office/documents/search/", {"q": "PHONG CHONG thien"}).content.decode()
    assert "2301/VP-KT" in found
    none = clerk.get("/office/documents/search/", {"q": "không có gì"}).content.decode()
    assert "2301/VP-KT" not in none
    assert 'id="nav-documents"' in clerk.get("/office/").content.decode()


def test_revise_with_a_new_pdf_and_recall_through_the_pages(office, commune, login):
    from tinhso.signing.testing import result_pdf

    document = services.create_draft(office.specialist, services.DraftInput(
        DocumentType.DECISION, "Về việc điều chỉnh kế hoạch vốn", "Điều 1.",
        recipient_agencies=[commune.agency]))
    services.review(office.head, services.submit(office.specialist, document))
    mine = login(office.specialist)
    answer = mine.post(f"/office/documents/{document.pk}/actions/revise/", {
        "revise-file": SimpleUploadedFile("qd-v2.pdf", result_pdf("QUYẾT ĐỊNH", "Bản sửa.")),
        "revise-note": "Sửa theo ý kiến thẩm định"})
    assert answer.status_code == 302
    document.refresh_from_db()
    assert document.status == Status.DRAFT and document.main_file.name == "qd-v2.pdf"
    assert document.main_file.version == 2
    # Through to issue, then recalled from the page: gone from the commune's list.
    document = services.review(office.head, services.submit(office.specialist, document))
    document = services.seal(office.clerk, services.sign(
        office.leader, services.approve(office.leader, document)))
    services.issue(office.clerk, document)
    commune_clerk = login(commune.clerk)
    assert "Về việc điều chỉnh" in commune_clerk.get("/office/documents/incoming/").content.decode()
    refused = login(office.clerk).post(f"/office/documents/{document.pk}/actions/recall/",
                                       {"recall-reason": ""})
    assert refused.status_code == 400 and "Lý do thu hồi" in refused.content.decode()
    done = login(office.clerk).post(f"/office/documents/{document.pk}/actions/recall/",
                                    {"recall-reason": "Ban hành sai thẩm quyền."})
    assert done.status_code == 302
    assert "Về việc điều chỉnh" not in commune_clerk.get(
        "/office/documents/incoming/").content.decode()
    copy = Document.objects.get(source=document)
    page = commune_clerk.get(f"/office/documents/{copy.pk}/").content.decode()
    assert "Đã thu hồi" in page and "Ban hành sai thẩm quyền." in page


def test_the_clerk_changes_the_receivers_of_an_issued_document_from_its_page(
        office, commune, login):
    from .conftest import _staff
    from .test_outgoing import draft, to_sealed

    ward = _staff("Z90.3", "Ủy ban nhân dân phường Thử Nghiệm", "UBND phường", "ward")
    document = services.issue(office.clerk, to_sealed(office, draft(office, [commune.agency])))
    clerk = login(office.clerk)
    page = clerk.get(f"/office/documents/{document.pk}/").content.decode()
    assert "Cập nhật nơi nhận" in page and 'name="update_recipients-remove"' in page
    assert "Cập nhật nơi nhận" not in login(office.specialist).get(
        f"/office/documents/{document.pk}/").content.decode()
    to_commune = document.recipients.get()
    refused = clerk.post(f"/office/documents/{document.pk}/actions/update_recipients/",
                         {"update_recipients-reason": "Không đổi gì."})
    assert refused.status_code == 400
    assert "Chọn nơi nhận cần thêm hoặc cần bỏ." in refused.content.decode()
    done = clerk.post(f"/office/documents/{document.pk}/actions/update_recipients/", {
        "update_recipients-recipients": [ward.agency.pk],
        "update_recipients-remove": [to_commune.pk],
        "update_recipients-reason": "Giao phường thực hiện."})
    assert done.status_code == 302
    assert "Về việc phê duyệt" in login(ward.clerk).get(
        "/office/documents/incoming/").content.decode()
    assert "Về việc phê duyệt" not in login(commune.clerk).get(
        "/office/documents/incoming/").content.decode()
    page = clerk.get(f"/office/documents/{document.pk}/").content.decode()
    assert "Giao phường thực hiện." in page and "Đã cập nhật nơi nhận." in page
