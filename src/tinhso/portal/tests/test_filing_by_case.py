"""Procedures with cases (trường hợp): the citizen chooses the case first, gives only its
papers, sees its time, expected due date and online fee; the dossier keeps the case."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tinhso.dossiers.models import Dossier
from tinhso.portal.models import Draft, DraftPaper

from .conftest import PDF
from .residence import ONLINE_FEE, OWN_HOME, WITH_FAMILY, residence_procedure
from .test_filing import upload


@pytest.fixture
def residence(province):
    return residence_procedure([province.agency])


def start(client, residence):
    response = client.get(reverse("portal:file", args=[residence.procedure.code]))
    draft = Draft.objects.get(procedure=residence.procedure, dossier=None)
    return response, draft


def choose(client, draft, case):
    return client.post(reverse("portal:draft_case", args=[draft.pk]),
                       {"case": getattr(case, "pk", case)})


@pytest.mark.django_db
def test_the_case_is_asked_first_and_every_later_step_waits_for_it(login, province, residence):
    client = login(province.citizen)
    response, draft = start(client, residence)
    assert response["Location"] == reverse("portal:draft_case", args=[draft.pk])
    for step in ("draft_applicant", "draft_papers", "draft_review"):
        later = client.get(reverse(f"portal:{step}", args=[draft.pk]))
        assert later["Location"] == reverse("portal:draft_case", args=[draft.pk]), step
    html = client.get(reverse("portal:draft_case", args=[draft.pk])).content.decode()
    assert 'aria-current="step">1. Trường hợp' in html
    assert '<legend class="h5">Bạn thuộc trường hợp nào?</legend>' in html
    for case in (residence.own_home, residence.with_family):
        assert f'type="radio" name="case" value="{case.pk}" id="case-{case.pk}"' in html
        assert f'<label class="form-check-label fw-semibold text-break" for="case-{case.pk}">' \
               f'{case.name}</label>' in html
    # Each choice says its online time and fee, never the desk's.
    assert html.count("7 ngày làm việc") == 2 and html.count("10.000 đồng") == 2
    assert "20.000 đồng" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("value, message", [
    ("", "Cần chọn trường hợp của thủ tục."),
    ("999999", "Trường hợp đã chọn không thuộc thủ tục này."),
    ("abc", "Trường hợp đã chọn không thuộc thủ tục này."),
])
def test_a_missing_or_foreign_case_is_refused_in_vietnamese(login, province, residence,
                                                            value, message):
    client = login(province.citizen)
    _response, draft = start(client, residence)
    response = choose(client, draft, value)
    assert response.status_code == 400
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.case_id is None


@pytest.mark.django_db
def test_only_the_chosen_cases_papers_are_asked_with_its_online_terms(login, province,
                                                                     residence):
    client = login(province.citizen)
    _response, draft = start(client, residence)
    response = choose(client, draft, residence.own_home)
    assert response["Location"] == reverse("portal:draft_applicant", args=[draft.pk])
    html = client.get(reverse("portal:draft_papers", args=[draft.pk])).content.decode()
    assert f'id="file-{residence.declaration.pk}"' in html
    assert f'id="file-{residence.ownership.pk}"' in html
    assert f'id="file-{residence.kinship.pk}"' not in html
    assert f'id="file-{residence.consent.pk}"' not in html
    assert OWN_HOME in html and "Đổi trường hợp" in html
    assert "7 ngày làm việc" in html and "10.000 đồng" in html and "20.000" not in html
    assert 'id="filing-due"' in html
    # A paper of the other case is refused even when posted by hand.
    client.post(reverse("portal:draft_papers", args=[draft.pk]),
                {f"file-{residence.kinship.pk}": upload("x.pdf", PDF)})
    assert not DraftPaper.objects.filter(draft=draft, component=residence.kinship).exists()


@pytest.mark.django_db
def test_changing_the_case_drops_only_the_papers_of_the_other_case(login, province,
                                                                   residence):
    client = login(province.citizen)
    _response, draft = start(client, residence)
    choose(client, draft, residence.own_home)
    client.post(reverse("portal:draft_papers", args=[draft.pk]), {
        f"file-{residence.declaration.pk}": upload("ct01.pdf", PDF),
        f"file-{residence.ownership.pk}": upload("so-do.pdf", PDF)})
    assert draft.papers.count() == 2
    choose(client, draft, residence.with_family)
    assert list(draft.papers.values_list("component_id", flat=True)) == [
        residence.declaration.pk]
    draft.refresh_from_db()
    assert draft.case_id == residence.with_family.pk
    review = client.get(reverse("portal:draft_review", args=[draft.pk])).content.decode()
    assert WITH_FAMILY in review and residence.kinship.name in review
    assert residence.ownership.name not in review


@pytest.mark.django_db
def test_the_dossier_keeps_the_case_its_time_and_the_online_fee(login, province, residence):
    client = login(province.citizen)
    _response, draft = start(client, residence)
    choose(client, draft, residence.with_family)
    client.post(reverse("portal:draft_applicant", args=[draft.pk]),
                {"agency": province.agency.pk, "phone": "0912 345 678"})
    client.post(reverse("portal:draft_papers", args=[draft.pk]), {
        f"file-{residence.declaration.pk}": upload("ct01.pdf", PDF),
        f"file-{residence.kinship.pk}": upload("khai-sinh.pdf", PDF)})
    review = client.get(reverse("portal:draft_review", args=[draft.pk]))
    assert review.context["problem"] is None
    assert review.context["quote"].terms.fees.amount == ONLINE_FEE
    response = client.post(reverse("portal:draft_submit", args=[draft.pk]))
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("portal:receipt", args=[dossier.code])
    assert dossier.case == residence.with_family
    assert (dossier.fees_owed, dossier.processing_time, dossier.time_unit) == (
        ONLINE_FEE, Decimal(7), "working_days")
    assert sorted(dossier.components.values_list("component_id", flat=True)) == sorted(
        [residence.declaration.pk, residence.kinship.pk])
    receipt = client.get(response["Location"]).content.decode()
    assert WITH_FAMILY in receipt and "7 ngày làm việc" in receipt


@pytest.mark.django_db
def test_a_procedure_without_cases_skips_the_case_step(login, province):
    client = login(province.citizen)
    response = client.get(reverse("portal:file", args=[province.procedure.code]))
    draft = Draft.objects.get(procedure=province.procedure)
    assert response["Location"] == reverse("portal:draft_applicant", args=[draft.pk])
    assert client.get(reverse("portal:draft_case", args=[draft.pk]))["Location"] == reverse(
        "portal:draft_applicant", args=[draft.pk])
    html = client.get(reverse("portal:draft_applicant", args=[draft.pk])).content.decode()
    assert "Trường hợp" not in html and 'aria-current="step">1. Thông tin người nộp' in html
    assert "70.000 đồng" in html  # the two fixed fees of every channel


@pytest.mark.django_db
def test_the_procedure_page_shows_each_case_per_channel_and_the_published_facts(
        client, residence):
    html = client.get(reverse("portal:procedure", args=[residence.procedure.code])
                      ).content.decode()
    for text in (OWN_HOME, WITH_FAMILY, "<th scope=\"col\">Cách thức</th>",
                 "<th scope=\"col\">Thời hạn</th>", "<th scope=\"col\">Phí, lệ phí</th>",
                 "Trực tuyến", "Trực tiếp", "Công dân Việt Nam", "Có chỗ ở hợp pháp",
                 "Công an cấp xã", "Công an xã, phường, đặc khu", "Trụ sở Công an cấp xã",
                 "Luật Cư trú", "Thông báo kết quả đăng ký thường trú", "Mẫu CT01",
                 "Kể từ ngày nhận đủ hồ sơ"):
        assert text in html, text
    assert html.count('class="table table-sm channel-terms"') == 2
    # Per case: the row's amount and the amount owed, online 10.000 đ and at the desk 20.000 đ.
    assert html.count("10.000 đồng") == 4 and html.count("20.000 đồng") == 4
    # Each case lists its own papers.
    own, family = html.split(f'id="case-{residence.with_family.pk}"', 1)[0], html.split(
        f'id="case-{residence.with_family.pk}"', 1)[1]
    assert residence.ownership.name in own and residence.kinship.name not in own
    assert residence.kinship.name in family and residence.ownership.name not in family


@pytest.mark.django_db
def test_a_time_not_stated_and_a_fee_to_be_computed_are_said_so(client, province):
    from tinhso.catalog import frozen
    from tinhso.catalog.models import ChannelTime, Fee
    from tinhso.dossiers.tests.conftest import make_procedure

    procedure = make_procedure([province.agency], code="1.000777", name="Thủ tục chưa rõ")
    version = procedure.current_version
    # Frozen once published: rows go in below the guard, as an import would have made them.
    ChannelTime.objects.bulk_create([ChannelTime(version=version, channel="post",
                                                 processing_time=None)])
    Fee.objects.bulk_create([Fee(version=version, order=9, channel="post", name="Phí thẩm định",
                                 basis=Fee.Basis.PERCENT, rate=Decimal("0.15"))])
    frozen._parts.cache_clear()
    html = client.get(reverse("portal:procedure", args=["1.000777"])).content.decode()
    post = html.split('data-channel="post"', 1)[1].split("</tr>", 1)[0]
    assert "Không quy định" in post and "0,15%" in post
    assert "Mức thu do cơ quan tiếp nhận xác định" in post
    online = html.split('data-channel="online"', 1)[1].split("</tr>", 1)[0]
    assert "5 ngày làm việc" in online and "70.000 đồng" in online


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["ve o voi vo, chong", "VỀ Ở VỚI VỢ", "thuong tru so huu",
                                   "cha me con"])
def test_search_finds_a_procedure_by_the_name_of_a_case(client, residence, query):
    response = client.get(reverse("portal:index"), {"q": query})
    assert [p.code for p in response.context["page"].object_list] == [
        residence.procedure.code]  # once, though both cases may match


@pytest.mark.django_db
def test_search_by_case_reads_only_the_current_version(client, residence):
    from tinhso.catalog import services
    from tinhso.catalog.models import ProcedureCase
    from tinhso.catalog.services import SYSTEM

    draft = services.new_version(SYSTEM, residence.procedure)
    services.save_part(SYSTEM, ProcedureCase(version=draft, name="Trường hợp chưa công bố"))
    assert not client.get(reverse("portal:index"), {"q": "chua cong bo"}).context[
        "page"].object_list
