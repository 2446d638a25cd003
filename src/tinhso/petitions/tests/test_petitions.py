"""Petitions (PAKN): submit and get a code, follow the answer, officials answer."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.sites import site
from django.test import Client
from django.urls import reverse

from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.petitions import services
from tinhso.petitions.models import Petition

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def data(**kw):
    base = {"kind": "feedback", "title": "Chậm trả kết quả", "content": "Hồ sơ của tôi quá hạn.",
            "name": "Trần Văn Dân", "phone": "0912345678"}
    return services.PetitionInput(**{**base, **kw})


@pytest.mark.django_db
def test_a_petition_gets_a_random_code_and_a_15_working_day_deadline(province):
    at = datetime(2026, 2, 13, 9, tzinfo=VN)  # Friday before Tết
    petition = services.submit(province.citizen, data(), at=at)
    assert petition.code.startswith("PA-260213-") and len(petition.code) == 16
    assert petition.user == province.citizen and petition.status == Petition.Status.RECEIVED
    # 15 working days after Fri 13 Feb 2026, skipping the Tết week (16–20 Feb).
    assert petition.due_at.astimezone(VN).date().isoformat() == "2026-03-13"
    other = services.submit(None, data(), at=at)
    assert other.code != petition.code and other.user is None


@pytest.mark.django_db
def test_a_petition_needs_content_and_a_way_to_look_it_up(province):
    with pytest.raises(ValidationFailed, match="nội dung"):
        services.submit(None, data(content=" "))
    with pytest.raises(ValidationFailed, match="số điện thoại hoặc số định danh"):
        services.submit(None, data(phone=""))
    with pytest.raises(ValidationFailed, match="12 chữ số"):
        services.submit(None, data(id_number="123"))


@pytest.mark.django_db
def test_only_officials_of_the_agency_concerned_answer(province):
    petition = services.submit(None, data(agency_id=province.agency.pk))
    with pytest.raises(PermissionDenied):
        services.answer(province.citizen, petition, text="Đã xử lý")
    with pytest.raises(PermissionDenied):
        services.answer(province.other_officer, petition, text="Đã xử lý")
    services.answer(province.officer, petition, text="Đã trả kết quả ngày 20/3.", publish=True)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.ANSWERED and petition.answered_by == province.officer
    with pytest.raises(ValidationFailed, match="đã được xử lý"):
        services.refuse(province.officer, petition, reason="Trùng")


@pytest.mark.django_db
def test_the_portal_journey_submit_code_and_follow_the_answer(province):
    browser = Client()
    response = browser.post(reverse("portal:petition_new"), {
        "kind": "proposal", "title": "Thêm chỗ để xe", "content": "Bộ phận một cửa thiếu chỗ.",
        "name": "Lê Thị Hoa", "phone": "0987 654 321"})
    petition = Petition.objects.get()
    assert response["Location"] == reverse("portal:petition_sent", args=[petition.code])
    html = browser.get(response["Location"]).content.decode()
    assert f'id="petition-code">{petition.code}<' in html
    # Another browser cannot read the code page; it needs the lookup with the phone.
    stranger = Client()
    assert stranger.get(response["Location"]).status_code == 302
    lookup = reverse("portal:petition_track")
    miss = stranger.post(lookup, {"code": petition.code, "fact": "0900000000"})
    assert miss.status_code == 404
    services.answer(province.supervisor, petition, text="Sẽ mở rộng bãi xe trong quý II.")
    hit = stranger.post(lookup, {"code": petition.code.lower(), "fact": "0987654321"})
    html = hit.content.decode()
    assert hit.status_code == 200 and "Đã trả lời" in html and "mở rộng bãi xe" in html


@pytest.mark.django_db
def test_officials_answer_in_the_admin_through_the_service(province, admin_client):
    petition = services.submit(None, data())
    url = reverse("admin:petitions_petition_change", args=[petition.pk])
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"decision": "answer", "answer": "Đã chuyển Sở Tư pháp xử lý.",
                            "is_public": "on"})
    petition.refresh_from_db()
    assert petition.status == Petition.Status.ANSWERED and petition.is_public
    assert Petition in site._registry
