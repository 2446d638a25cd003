"""Following a dossier: mine, the public lookup, the timeline, supplements and rating."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tinhso.dossiers.models import DossierComponent, Status
from tinhso.dossiers.tests.conftest import CITIZEN_ID

from .conftest import PDF


@pytest.mark.django_db
def test_my_dossiers_lists_only_mine(login, province, make_dossier):
    mine = make_dossier(Status.PROCESSING)
    theirs = make_dossier(user=province.other_citizen)
    html = login(province.citizen).get(reverse("portal:my_dossiers")).content.decode()
    assert mine.code in html and theirs.code not in html
    assert login(province.citizen).get(
        reverse("portal:my_dossier", args=[theirs.code])).status_code == 404


@pytest.mark.django_db
def test_my_dossier_shows_the_timeline_in_plain_vietnamese(login, province, make_dossier):
    dossier = make_dossier(Status.RETURNED)
    html = login(province.citizen).get(
        reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    for sentence in ("Hồ sơ đã được nộp trực tuyến trên Cổng dịch vụ công.",
                     "Sở Tư pháp đã tiếp nhận hồ sơ.",
                     "Hồ sơ được chuyển đến bộ phận chuyên môn để giải quyết (Bước 1).",
                     "Hồ sơ đã được giải quyết xong; kết quả sẵn sàng để trả.",
                     "Đã trả kết quả giải quyết."):
        assert sentence in html, sentence
    assert "Ngày hẹn trả kết quả" in html and "dự kiến" not in html


@pytest.mark.django_db
def test_who_holds_the_step_stays_inside_the_agency(login, province, make_dossier):
    from tinhso.core.roles import Role
    from tinhso.dossiers import lifecycle
    from tinhso.dossiers.tests.conftest import make_user

    dossier = make_dossier(Status.PROCESSING)
    colleague = make_user("chuyenvien2", agency=province.agency, roles=[Role.SPECIALIST])
    lifecycle.take_over(colleague, dossier, reason="Chuyên viên Một nghỉ ốm")
    html = login(province.citizen).get(
        reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert "Hồ sơ được chuyển đến bộ phận chuyên môn" in html
    assert "Nhận xử lý" not in html and "nghỉ ốm" not in html


LOOKUP = reverse("portal:track")


@pytest.mark.django_db
@pytest.mark.parametrize("fact", [CITIZEN_ID, "0912345678", "+84 912 345 678"])
def test_anyone_with_the_code_and_a_second_fact_sees_the_progress(client, make_dossier, fact):
    dossier = make_dossier(Status.SUPPLEMENT_REQUESTED)
    response = client.post(LOOKUP, {"code": dossier.code.lower(), "fact": fact})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="track-result"' in html
    assert "yêu cầu bổ sung giấy tờ" in html and "Thiếu ảnh" in html  # the reason asked


@pytest.mark.django_db
def test_a_wrong_code_and_a_wrong_fact_get_the_same_answer(client, make_dossier):
    dossier = make_dossier()
    wrong_fact = client.post(LOOKUP, {"code": dossier.code, "fact": "001301004321"})
    wrong_code = client.post(LOOKUP, {"code": dossier.code[:-1] + "9", "fact": CITIZEN_ID})
    assert wrong_fact.status_code == wrong_code.status_code == 404

    def message(response):
        html = response.content.decode()
        return html[html.index('id="form-errors"'):].split("</div>")[0]

    assert message(wrong_fact) == message(wrong_code)
    assert dossier.applicant_name not in wrong_fact.content.decode()


@pytest.mark.django_db
def test_lookups_are_throttled_per_address(client, make_dossier, settings):
    from django.core.cache import cache

    cache.clear()
    settings.TINHSO_LOOKUP_LIMIT = 3
    dossier = make_dossier()
    for _ in range(3):
        assert client.post(LOOKUP, {"code": "X", "fact": "1"}).status_code == 404
    blocked = client.post(LOOKUP, {"code": dossier.code, "fact": CITIZEN_ID})
    assert blocked.status_code == 429 and "quá nhiều lần" in blocked.content.decode()
    cache.clear()


@pytest.mark.django_db
def test_the_applicant_sees_the_reason_and_supplements_the_papers(login, province,
                                                                  make_dossier):
    dossier = make_dossier(Status.SUPPLEMENT_REQUESTED)
    client = login(province.citizen)
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert 'id="supplement-reason">Thiếu ảnh' in page
    url = reverse("portal:supplement", args=[dossier.code])
    bad = client.post(url, {f"file-{province.photo.pk}": SimpleUploadedFile("a.gif", b"GIF8")})
    assert bad.status_code == 400 and "Chỉ nhận tệp PDF, JPG hoặc PNG" in bad.content.decode()
    response = client.post(url, {
        f"file-{province.photo.pk}": SimpleUploadedFile("anh.pdf", PDF),
        "other-name": "Giấy xác nhận cư trú",
        "file-other": SimpleUploadedFile("cu-tru.pdf", PDF)})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    added = DossierComponent.objects.filter(dossier=dossier, is_supplement=True)
    assert sorted(added.values_list("name", flat=True)) == ["Giấy xác nhận cư trú",
                                                             "Ảnh chân dung"]


@pytest.mark.django_db
def test_no_supplement_page_when_none_is_asked(login, province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    response = login(province.citizen).get(reverse("portal:supplement", args=[dossier.code]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_rating_after_the_result_is_returned_once(login, province, make_dossier):
    client = login(province.citizen)
    processing = make_dossier(Status.PROCESSING)
    html = client.get(reverse("portal:my_dossier", args=[processing.code])).content.decode()
    assert 'id="rate-form"' not in html
    dossier = make_dossier(Status.RETURNED)
    html = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert 'id="rate-form"' in html and "Rất hài lòng" in html
    client.post(reverse("portal:rate", args=[dossier.code]), {"rating": "4"})
    dossier.refresh_from_db()
    assert dossier.rating == 4
    again = client.post(reverse("portal:rate", args=[dossier.code]), {"rating": "1"},
                        follow=True)
    dossier.refresh_from_db()
    assert dossier.rating == 4 and "đã được đánh giá" in again.content.decode()


@pytest.mark.django_db
def test_the_applicant_downloads_own_papers_and_results_and_no_one_else_can(
        login, province, make_dossier):
    dossier = make_dossier(Status.RETURNED)
    paper = dossier.components.first()
    paper.file.save("to-khai.pdf", SimpleUploadedFile("to-khai.pdf", PDF))
    result = dossier.results.get()
    result.file.save("trich-luc.pdf", SimpleUploadedFile("trich-luc.pdf", PDF))
    urls = [reverse("portal:paper_file", args=[dossier.code, paper.pk]),
            reverse("portal:result_file", args=[dossier.code, result.pk])]
    mine, theirs = login(province.citizen), login(province.other_citizen)
    for url in urls:
        response = mine.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"]
        assert theirs.get(url).status_code == 404
    # A paper without a file, or a number that is not this dossier's, is not found.
    bare = dossier.components.exclude(pk=paper.pk).first()
    type(bare).objects.filter(pk=bare.pk).update(file="")  # e.g. checked in hand at the desk
    assert mine.get(reverse("portal:paper_file", args=[dossier.code, bare.pk])).status_code == 404
    assert mine.get(reverse("portal:result_file", args=[dossier.code, 999999])).status_code == 404
