"""The agency handles a petition: deadlines on the work calendar, assign, ask for more (the
clock pauses), refuse, forward, answer, publish; the petitioner answers and rates."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.core.models import AuditEntry
from tinhso.petitions import services
from tinhso.petitions.models import Petition

VN = ZoneInfo("Asia/Ho_Chi_Minh")
S = Petition.Status


def at(d, h=9, m=0):
    """A day of March 2026 (no public holiday), local time."""
    return datetime(2026, 3, d, h, m, tzinfo=VN)


def filed(province, when=None, **kw) -> Petition:
    data = {"kind": "feedback", "title": "Chậm trả kết quả", "content": "Hồ sơ quá hạn.",
            "name": "Trần Văn Dân", "phone": "0912345678", "agency_id": province.agency.pk,
            **kw}
    return services.submit(None, services.PetitionInput(**data), at=when or at(2))


def local(instant):
    return instant.astimezone(VN).strftime("%d/%m %H:%M")


@pytest.mark.django_db
def test_four_deadlines_in_working_days(province):
    p = filed(province)  # Monday 2 March 2026, 09:00
    assert local(p.started_at) == "02/03 09:00"
    assert local(p.refuse_due_at) == "04/03 09:00"  # 2 working days
    assert local(p.info_due_at) == "09/03 09:00"  # 5 (the weekend skipped)
    assert local(p.due_at) == "23/03 09:00"  # 15
    answered = services.answer(province.specialist, p, text="Đã xử lý.", at=at(5, 16))
    assert local(answered.publish_due_at) == "09/03 16:00"  # 2 after the answer
    assert answered.closed_on_time is True


@pytest.mark.django_db
def test_assign_to_an_official_of_the_agency_only(province):
    p = filed(province)
    with pytest.raises(ValidationFailed, match="cán bộ của cơ quan"):
        services.assign(province.officer, p, assignee=province.other_officer)
    with pytest.raises(PermissionDenied):
        services.assign(province.other_officer, p, assignee=province.other_specialist)
    p = services.assign(province.officer, p, assignee=province.specialist)
    assert p.assignee == province.specialist
    entry = AuditEntry.objects.get(action="petition.assign")
    assert entry.actor == province.officer and entry.target_id == str(p.pk)
    assert entry.data["assignee"] == province.specialist.username


@pytest.mark.django_db
def test_asking_for_more_pauses_the_clock_until_the_petitioner_answers(province):
    p = filed(province)
    with pytest.raises(ValidationFailed, match="thông tin cần bổ sung"):
        services.ask_for_info(province.specialist, p, text=" ")
    p = services.ask_for_info(province.specialist, p, text="Xin mã hồ sơ.", at=at(3))
    assert p.status == S.WAITING and p.paused_since == at(3)
    with pytest.raises(ValidationFailed, match="chờ người gửi bổ sung"):
        services.answer(province.specialist, p, text="Trả lời")
    # Two working days later (Tuesday to Thursday) the petitioner answers on the portal.
    p = services.supply_info(p, text="Mã hồ sơ H44.07-260301-0001.", at=at(5))
    assert p.status == S.RECEIVED and p.paused_since is None
    assert local(p.due_at) == "25/03 09:00"  # 23/03 + the 2 working days waited
    assert local(p.refuse_due_at) == "06/03 09:00"
    assert local(p.info_due_at) == "11/03 09:00"
    assert p.info_reply.startswith("Mã hồ sơ")
    with pytest.raises(ValidationFailed, match="không ở trạng thái cho phép"):
        services.supply_info(p, text="Lần nữa")
    assert AuditEntry.objects.filter(action__in=["petition.ask_for_info",
                                                 "petition.supply_info"]).count() == 2


@pytest.mark.django_db
def test_asking_for_more_is_only_within_five_working_days(province):
    p = filed(province)
    with pytest.raises(ValidationFailed, match="quá thời hạn 5 ngày làm việc"):
        services.ask_for_info(province.specialist, p, text="Xin thêm", at=at(9, 10))
    assert "ask_for_info" not in services.offered(province.specialist, p, now=at(9, 10))
    assert "ask_for_info" in services.offered(province.specialist, p, now=at(6))


@pytest.mark.django_db
def test_refusal_needs_a_reason_and_is_on_time_within_two_working_days(province):
    with pytest.raises(ValidationFailed, match="lý do"):
        services.refuse(province.officer, filed(province), reason="")
    on_time = services.refuse(province.officer, filed(province), reason="Trùng nội dung",
                              at=at(4, 8))
    late = services.refuse(province.officer, filed(province), reason="Trùng nội dung",
                           at=at(5))
    assert on_time.status == S.REFUSED and on_time.closed_on_time is True
    assert late.closed_on_time is False
    with pytest.raises(ValidationFailed, match="đã được xử lý"):
        services.answer(province.officer, on_time, text="Trả lời")


@pytest.mark.django_db
def test_forwarding_hands_it_to_the_competent_agency_and_restarts_the_clock(province):
    p = services.assign(province.officer, filed(province), assignee=province.specialist)
    with pytest.raises(ValidationFailed, match="đang ở cơ quan này"):
        services.forward(province.officer, p, agency=province.agency)
    p = services.forward(province.officer, p, agency=province.other_agency,
                         note="Thuộc thẩm quyền Sở Xây dựng", at=at(3, 10))
    assert p.agency == province.other_agency and p.forwarded_from == province.agency
    assert p.assignee is None and local(p.due_at) == "24/03 10:00"
    with pytest.raises(PermissionDenied):
        services.answer(province.officer, p, text="Đã xử lý")
    p = services.answer(province.other_specialist, p, text="Sở Xây dựng đã xử lý.",
                        at=at(20))
    assert p.status == S.ANSWERED and p.closed_on_time is True


@pytest.mark.django_db
def test_answer_publish_and_the_petitioners_rating(province):
    p = filed(province)
    with pytest.raises(ValidationFailed, match="nội dung trả lời"):
        services.answer(province.specialist, p, text="")
    with pytest.raises(ValidationFailed):
        services.rate(p, rating=5)  # nothing answered yet
    p = services.answer(province.specialist, p, text="Đã trả kết quả.", at=at(24))
    assert p.closed_on_time is False  # after 23/03 09:00
    assert not p.is_public and services.offered(province.specialist, p) == ["publish"]
    p = services.publish(province.specialist, p, at=at(25))
    assert p.is_public and p.published_at == at(25)
    with pytest.raises(ValidationFailed, match="đã được công khai"):
        services.publish(province.specialist, p)
    with pytest.raises(ValidationFailed, match="từ 1 đến 5"):
        services.rate(p, rating=6)
    p = services.rate(p, rating=4, at=at(26))
    assert p.rating == 4 and p.is_satisfied
    with pytest.raises(ValidationFailed, match="đã được đánh giá"):
        services.rate(p, rating=1)
    actions = list(AuditEntry.objects.filter(target_type="petitions.petition",
                                             target_id=str(p.pk)).order_by("pk")
                   .values_list("action", flat=True))
    assert actions == ["petition.submit", "petition.answer", "petition.publish",
                       "petition.rate"]


@pytest.mark.django_db
def test_the_petitioner_answers_and_rates_on_the_tracking_page(province, settings):
    from django.test import Client
    from django.urls import reverse

    settings.TINHSO_LOOKUP_LIMIT = 100  # this test looks the petition up seven times

    p = filed(province)
    services.ask_for_info(province.specialist, p, text="Xin mã hồ sơ liên quan.", at=at(3))
    browser, url = Client(), reverse("portal:petition_track")
    proof = {"code": p.code, "fact": "0912345678"}
    html = browser.post(url, proof).content.decode()
    assert "Xin mã hồ sơ liên quan." in html and 'id="petition-reply-form"' in html
    assert 'for="id_reply-text"' in html
    response = browser.post(url, {**proof, "op": "supply", "reply-text": ""})
    assert response.status_code == 400
    wrong = browser.post(url, {"code": p.code, "fact": "0900000000", "op": "supply",
                               "reply-text": "Mã H44.07"})
    assert wrong.status_code == 404
    response = browser.post(url, {**proof, "op": "supply", "reply-text": "Mã H44.07-1"})
    assert response.status_code == 200 and "Đã gửi thông tin bổ sung" in response.content.decode()
    p.refresh_from_db()
    assert p.status == S.RECEIVED and p.info_reply == "Mã H44.07-1"

    services.answer(province.specialist, p, text="Đã trả kết quả ngày 20/3.", publish=True)
    html = browser.post(url, proof).content.decode()
    assert "Đã trả kết quả ngày 20/3." in html and 'id="petition-rate-form"' in html
    response = browser.post(url, {**proof, "op": "rate", "rate-rating": "5"})
    assert "Cảm ơn bạn đã đánh giá" in response.content.decode()
    assert 'id="petition-rated"' in response.content.decode()
    p.refresh_from_db()
    assert p.rating == 5 and p.rated_at is not None
