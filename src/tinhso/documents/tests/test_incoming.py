"""Incoming documents: typed in by the clerk or received from outside the province, numbered
in the incoming register, directed, assigned with a deadline in working days, reminded,
completed; status messages and recalls from the exchange axis."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tinhso.core.calendar import get_calendar
from tinhso.core.errors import NotFound, PermissionDenied, ValidationFailed
from tinhso.documents import outside, selectors, services
from tinhso.documents.models import Document, Status
from tinhso.documents.types import DocumentType

pytestmark = pytest.mark.django_db


def from_ministry(document_id="000.00.01.H26,2026/12/01,125/QĐ-BXD", files=()):
    return outside.ExternalDocument(
        sender_organ_id="000.00.01.H26", sender_name="Bộ Xây dựng", document_id=document_id,
        doc_type="QĐ", subject="Quyết định công bố thủ tục hành chính lĩnh vực nhà ở",
        notation="125/QĐ-BXD", signer_name="Nguyễn Thanh Nghị",
        files=list(files) or [("qd.txt", "Công bố kèm theo Quyết định này.".encode())])


def test_receiving_from_outside_is_idempotent(office, django_capture_on_commit_callbacks):
    from tinhso.documents.signals import incoming_status_changed

    first, created = outside.receive_external(office.agency, from_ministry())
    again, created_again = outside.receive_external(office.agency, from_ministry())
    assert (created, created_again) == (True, False) and first.pk == again.pk
    assert first.status == Status.ARRIVED and first.sender_organ_id == "000.00.01.H26"
    assert Document.objects.filter(direction="in").count() == 1
    # The attached text is searchable, diacritics ignored.
    assert [d.pk for d in selectors.search(office.clerk, "cong bo kem")[0]] == [first.pk]
    heard = []
    incoming_status_changed.connect(lambda **kw: heard.append(kw["state"]), weak=False,
                                    dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.register(office.clerk, first)
    finally:
        incoming_status_changed.disconnect(dispatch_uid="t")
    assert heard == ["registered"]  # the sender outside is owed a status message


def test_a_recall_request_from_the_sender_hides_the_copy(office):
    document, _ = outside.receive_external(office.agency, from_ministry())
    outside.apply_status(document_id="000.00.01.H26,2026/12/01,125/QĐ-BXD",
                         from_organ_id="000.00.01.H26", status_code="13",
                         description="Thu hồi do sai sót")
    document.refresh_from_db()
    assert document.status == Status.RECALLED
    assert selectors.incoming(office.clerk)[0] == []
    with pytest.raises(NotFound):
        outside.apply_status(document_id="x,2026/01/01,1/QĐ-X", from_organ_id="x",
                             status_code="13")
    with pytest.raises(ValidationFailed):
        outside.apply_status(document_id="a,b,c", from_organ_id="x", status_code="99")


def test_incoming_numbers_the_deadline_and_the_reminder_queues(office):
    a = services.receive(office.clerk, services.IncomingInput(
        DocumentType.OFFICIAL_LETTER, "V/v báo cáo tình hình giải ngân vốn đầu tư công",
        "Sở Tài chính", notation="1520/STC-QLNS",
        file=SimpleUploadedFile("cv.txt", "Đề nghị báo cáo trước ngày 15.".encode())))
    b = services.receive(office.clerk, services.IncomingInput(
        DocumentType.PLAN, "Kế hoạch kiểm tra công tác văn thư lưu trữ", "Sở Nội vụ"))
    counts = selectors.incoming_counts(office.clerk)
    assert counts["to_register"] == 2
    assert services.register(office.clerk, a).number == 1
    assert services.register(office.clerk, b).number == 2
    with pytest.raises(PermissionDenied):
        services.direct(office.specialist, a, note="…")
    with pytest.raises(ValidationFailed):
        services.direct(office.leader, a, note="  ")
    services.direct(office.leader, a, note="Giao Phòng Quản lý xây dựng tham mưu.")
    before = timezone.now()
    a = services.assign(office.head, a, assignee=office.specialist, days=3)
    calendar = get_calendar()
    # Three office days of working time from the assignment, whatever the weekday it falls on.
    assert a.due_at > before
    one_day = timedelta(microseconds=calendar.office_hours.day_length)
    assert calendar.working_time_between(a.updated_at, a.due_at) == 3 * one_day
    assert calendar.is_working_day(timezone.localtime(a.due_at).date())
    b = services.assign(office.leader, b, assignee=office.specialist, days=1)
    # One is overdue (moved into the past), the other due within two working days.
    Document.objects.filter(pk=a.pk).update(due_at=timezone.now() - timedelta(hours=1))
    counts = selectors.incoming_counts(office.specialist)
    assert (counts["overdue"], counts["due_soon"], counts["mine"]) == (1, 1, 2)
    overdue = selectors.incoming(office.specialist, queue="overdue")[0]
    assert [d.pk for d in overdue] == [a.pk]
    assert selectors.reminders()[0]["overdue"] == 1
    with pytest.raises(PermissionDenied):  # only the assignee or a leader completes it
        services.complete(office.clerk, a)
    services.complete(office.specialist, a, note="Đã báo cáo.")
    assert selectors.incoming_counts(office.specialist)["completed"] == 1


def test_assignment_is_to_an_official_of_the_agency(office, commune):
    document = services.receive(office.clerk, services.IncomingInput(
        DocumentType.NOTICE, "Thông báo lịch tiếp công dân", "Ban Tiếp công dân tỉnh"))
    services.register(office.clerk, document)
    with pytest.raises(ValidationFailed) as info:
        services.assign(office.leader, document, assignee=commune.specialist)
    assert info.value.code == "bad_assignee"
    with pytest.raises(ValidationFailed):
        services.assign(office.leader, document, assignee=office.specialist, days=0)
    document.refresh_from_db()
    assert document.status == Status.REGISTERED and document.assignee is None


def test_lists_page_by_key_without_bodies(office):
    for i in range(5):
        services.receive(office.clerk, services.IncomingInput(
            DocumentType.NOTICE, f"Thông báo số {i}", "Văn phòng UBND tỉnh"))
    from tinhso.documents import selectors as sel

    first, after = sel._page(sel.visible(office.clerk).filter(direction="in"), size=3)
    second, end = sel._page(sel.visible(office.clerk).filter(direction="in"), after, size=3)
    assert len(first) == 3 and len(second) == 2 and end is None
    assert {d.pk for d in first}.isdisjoint({d.pk for d in second})
    assert "content" in first[0].get_deferred_fields()
    assert "search_text" in first[0].get_deferred_fields()


def test_the_reminders_command_names_agencies_with_late_documents(office, capsys):
    from django.core.management import call_command

    call_command("document_reminders")
    assert "Không có văn bản" in capsys.readouterr().out
    document = services.receive(office.clerk, services.IncomingInput(
        DocumentType.NOTICE, "Thông báo lịch trực Tết", "Văn phòng UBND tỉnh"))
    services.register(office.clerk, document)
    services.assign(office.leader, document, assignee=office.specialist, days=1)
    Document.objects.filter(pk=document.pk).update(due_at=timezone.now() - timedelta(days=2))
    with pytest.raises(SystemExit):
        call_command("document_reminders")
    assert f"{office.agency.name}: 0 sắp đến hạn, 1 quá hạn" in capsys.readouterr().out


def test_search_wants_every_word_in_any_order(office):
    document = services.receive(office.clerk, services.IncomingInput(
        DocumentType.PLAN, "Kế hoạch chuyển đổi số năm 2027", "Sở Khoa học và Công nghệ",
        notation="88/KH-SKHCN"))
    for query in ("chuyen doi so 2027", "2027 KẾ HOẠCH", "88/kh", "khoa hoc cong nghe"):
        assert [d.pk for d in selectors.search(office.clerk, query)[0]] == [document.pk], query
    assert selectors.search(office.clerk, "chuyen doi so 2026")[0] == []
    assert selectors.search(office.clerk, "k")[0] == []  # too short to search
