"""Every action through its page: confirmation step, outcome, message, refusals, conflicts."""

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tinhso.dossiers.models import Dossier, Payment, Status

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def act_url(dossier, action):
    return reverse("backoffice:act", args=[dossier.code, action])


def post(client, dossier, action, **data):
    data.setdefault("expected_version", Dossier.objects.get(pk=dossier.pk).lock_version)
    return client.post(act_url(dossier, action), data)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def reload(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def test_the_page_offers_only_the_allowed_actions(login, province, make_dossier):
    dossier = make_dossier()
    body = login(province.officer).get(reverse("backoffice:dossier", args=[dossier.code]))
    html = body.content.decode()
    assert 'id="action-receive"' in html and 'id="action-refuse"' in html
    assert 'id="action-finish"' not in html
    html = login(province.specialist).get(
        reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    assert 'id="action-receive"' not in html and 'id="no-actions"' in html


def test_receive_is_confirmed_then_done(login, province, make_dossier):
    dossier = make_dossier()
    client = login(province.officer)
    confirm = client.get(act_url(dossier, "receive") + f"?v={dossier.lock_version}")
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Xác nhận tiếp nhận" in html and 'name="expected_version"' in html
    assert reload(dossier).status == Status.SUBMITTED  # the GET changed nothing
    response = post(client, dossier, "receive", note="Đủ giấy tờ")
    assert response.status_code == 302
    assert response.url == reverse("backoffice:dossier", args=[dossier.code])
    assert reload(dossier).status == Status.RECEIVED
    assert f"Đã tiếp nhận hồ sơ {dossier.code}." in messages_of(response)
    page = client.get(response.url).content.decode()
    assert "Đủ giấy tờ" in page and 'id="receipt-link"' in page


def test_refuse_needs_a_reason(login, province, make_dossier):
    dossier = make_dossier()
    client = login(province.officer)
    response = post(client, dossier, "refuse", reason="  ")
    assert response.status_code == 400
    assert "Trường này là bắt buộc." in response.content.decode() or \
        "Cần nêu rõ lý do." in response.content.decode()
    assert reload(dossier).status == Status.SUBMITTED
    response = post(client, dossier, "refuse", reason="Sai thẩm quyền")
    assert response.status_code == 302
    assert reload(dossier).status == Status.REFUSED


def test_an_action_the_official_may_not_take_is_refused(login, province, make_dossier):
    dossier = make_dossier()
    client = login(province.specialist)
    response = client.get(act_url(dossier, "receive"))
    assert response.status_code == 302
    assert any("Không thể “Tiếp nhận”" in m for m in messages_of(response))
    response = post(client, dossier, "receive")
    assert response.status_code == 302
    assert any("Bạn không có quyền “Tiếp nhận”" in m for m in messages_of(response))
    assert reload(dossier).status == Status.SUBMITTED


def test_an_action_the_status_does_not_allow_is_refused(login, province, make_dossier):
    dossier = make_dossier(Status.RECEIVED)
    response = post(login(province.leader), dossier, "finish", result_name="Trích lục")
    assert response.status_code == 302
    assert any("Không thể “Hoàn thành xử lý”" in m for m in messages_of(response))
    assert reload(dossier).status == Status.RECEIVED


def test_a_stale_form_gets_the_conflict_message(login, province, make_dossier):
    dossier = make_dossier()
    seen = dossier.lock_version
    client = login(province.officer)
    assert post(client, dossier, "receive").status_code == 302  # someone else, first
    response = post(client, dossier, "refuse", reason="Thiếu giấy tờ", expected_version=seen)
    assert response.status_code == 302
    assert any("người khác cập nhật" in m for m in messages_of(response))
    assert reload(dossier).status == Status.RECEIVED


def test_the_whole_journey_through_the_pages(login, province, make_dossier):
    dossier = make_dossier()
    officer, specialist = login(province.officer), login(province.specialist)
    head, leader = login(province.division_head), login(province.leader)
    assert post(officer, dossier, "receive").status_code == 302
    assert post(officer, dossier, "start", note="Giao chuyên viên").status_code == 302
    assert reload(dossier).status == Status.PROCESSING
    assert post(specialist, dossier, "request_supplement",
                reasons="Thiếu ảnh chân dung").status_code == 302
    assert reload(dossier).status == Status.SUPPLEMENT_REQUESTED
    scan = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png")
    response = post(officer, dossier, "supplement", paper_name="Ảnh chân dung",
                    paper_file=scan, is_digitized="on")
    assert response.status_code == 302, response.content.decode()
    assert reload(dossier).status == Status.PROCESSING
    assert post(specialist, dossier, "request_payment", amount="30000").status_code == 302
    assert reload(dossier).status == Status.PAYMENT_REQUESTED
    owed = reload(dossier).fees_owed
    response = post(officer, dossier, "record_payment", amount=str(owed), reference="BL-01")
    assert response.status_code == 302
    assert reload(dossier).status == Status.PROCESSING
    assert Payment.objects.get(dossier=dossier).method == Payment.Method.DESK
    assert post(specialist, dossier, "forward", note="Trình phòng").status_code == 302
    assert post(head, dossier, "transfer", to_agency=province.other_agency.pk,
                note="Xin ý kiến").status_code == 302
    assert reload(dossier).current_agency == province.other_agency
    # Nobody there holds the step's role (a division head's): it waits in their unit's queue
    # until one of their officials takes it.
    assert reload(dossier).assignee is None
    other = login(province.other_specialist)
    assert post(other, dossier, "take_over").status_code == 302
    assert post(other, dossier, "transfer_back", note="Đồng ý").status_code == 302
    assert reload(dossier).current_agency == province.agency
    assert reload(dossier).assignee == province.division_head  # home: the step's role again
    assert post(head, dossier, "forward", note="Trình ký").status_code == 302
    assert reload(dossier).assignee == province.leader
    result = SimpleUploadedFile("ket-qua.pdf", PDF, "application/pdf")
    response = post(leader, dossier, "finish", result_name="Bản sao trích lục",
                    result_number="12/TL", is_electronic="on", result_file=result)
    assert response.status_code == 302, response.content.decode()
    d = reload(dossier)
    # Not electronic yet: the leader signs the file first (test_result_signing_page).
    assert d.status == Status.FINISHED and not d.has_electronic_result
    assert d.results.get().file.name.endswith(".pdf")
    assert post(officer, dossier, "return_result").status_code == 302
    assert reload(dossier).status == Status.RETURNED
    html = officer.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    for text in ("Trả kết quả", "Hoàn thành xử lý", "Chuyển liên thông", "Xin ý kiến",
                 "Bản sao trích lục", "Ảnh chân dung"):
        assert text in html
    # The supplementary scan and the result file are served to the agency's officials.
    paper = d.components.get(name="Ảnh chân dung")
    image = officer.get(reverse("backoffice:paper", args=[dossier.code, paper.pk]))
    assert image.status_code == 200 and b"".join(image.streaming_content).startswith(b"\x89PNG")
    pdf = officer.get(reverse("backoffice:result", args=[dossier.code, d.results.get().pk]))
    assert pdf["Content-Type"] == "application/pdf"


def test_transfer_takes_the_dossier_out_of_the_agencys_hands(login, province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    client = login(province.specialist)
    confirm = client.get(act_url(dossier, "transfer")).content.decode()
    assert province.other_agency.name in confirm
    assert 'name="to_agency"' in confirm
    response = post(client, dossier, "transfer", to_agency="")
    assert response.status_code == 400
    assert reload(dossier).current_agency == province.agency


def test_stop_is_for_leaders(login, province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    assert post(login(province.specialist), dossier, "stop",
                reason="Không còn nhu cầu").status_code == 302
    assert reload(dossier).status == Status.PROCESSING
    assert post(login(province.leader), dossier, "stop",
                reason="Không còn nhu cầu").status_code == 302
    assert reload(dossier).status == Status.STOPPED


def test_request_payment_needs_a_positive_amount(login, province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    response = post(login(province.specialist), dossier, "request_payment", amount="0")
    assert response.status_code == 400
    assert "Số tiền phải lớn hơn 0 và không quá 1.000 tỷ đồng." in response.content.decode()


def test_a_wrong_file_type_is_refused(login, province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    client = login(province.leader)
    fake = SimpleUploadedFile("ket-qua.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = post(client, dossier, "finish", result_name="Trích lục", result_file=fake)
    assert response.status_code == 400
    assert "không phải là tệp PDF hợp lệ" in response.content.decode()
    exe = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/octet-stream")
    response = post(client, dossier, "finish", result_name="Trích lục", result_file=exe)
    assert response.status_code == 400
    assert "Chỉ nhận tệp PDF, JPG hoặc PNG" in response.content.decode()
    assert reload(dossier).status == Status.PROCESSING


def test_an_electronic_result_needs_its_file(login, province, make_dossier):
    # The rule is the service's (dossiers.lifecycle.finish); the page shows it at the field.
    dossier = make_dossier(Status.PROCESSING)
    response = post(login(province.leader), dossier, "finish", result_name="Trích lục",
                    is_electronic="on")
    assert response.status_code == 400
    assert "Kết quả điện tử cần có tệp kết quả." in response.content.decode()
    assert response.context["form"].errors == {
        "result_file": ["Kết quả điện tử cần có tệp kết quả."]}
    assert reload(dossier).status == Status.PROCESSING


def test_a_digitised_supplement_needs_its_scan(login, province, make_dossier):
    dossier = make_dossier(Status.SUPPLEMENT_REQUESTED)
    response = post(login(province.officer), dossier, "supplement",
                    paper_name="Ảnh chân dung", is_digitized="on")
    assert response.status_code == 400
    assert response.context["form"].errors == {"paper_file": ["Giấy tờ số hóa cần có bản quét."]}
    assert reload(dossier).status == Status.SUPPLEMENT_REQUESTED


def test_transfer_back_is_offered_only_away_from_home(login, province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    url = reverse("backoffice:dossier", args=[dossier.code])
    assert 'id="action-transfer_back"' not in login(province.specialist).get(url).content.decode()
    assert post(login(province.specialist), dossier, "transfer",
                to_agency=province.other_agency.pk).status_code == 302
    html = login(province.other_specialist).get(url).content.decode()
    assert 'id="action-transfer_back"' in html


def test_a_missing_version_is_explained(login, province, make_dossier):
    dossier = make_dossier()
    response = login(province.officer).post(act_url(dossier, "receive"), {})
    assert response.status_code == 400
    assert "Thiếu phiên bản hồ sơ đã xem" in response.content.decode()
    assert reload(dossier).status == Status.SUBMITTED
