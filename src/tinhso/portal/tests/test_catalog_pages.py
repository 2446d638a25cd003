"""Home, procedure search (diacritics and case ignored, filters, pages) and the procedure page."""

import pytest
from django.urls import reverse

from tinhso.catalog.models import OnlineLevel, Sector
from tinhso.dossiers.tests.conftest import make_procedure


@pytest.fixture
def catalogue(province):
    building = make_procedure([province.other_agency], code="1.009999",
                              name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
                              online_level=OnlineLevel.PARTIAL)
    building.sector = Sector.objects.create(code="XD", name="Xây dựng")
    building.save()
    paper_only = make_procedure([province.commune], code="2.000123",
                                name="Đăng ký khai tử", online_level=OnlineLevel.NONE)
    return {"building": building, "paper_only": paper_only, "civil": province.procedure}


def names(response):
    return [p.name for p in response.context["page"].object_list]


@pytest.mark.django_db
def test_home_has_a_labelled_search_box_that_leads_to_the_search(client, catalogue):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'for="home-q"' in html and 'id="home-q"' in html
    assert f'action="{reverse("portal:index")}"' in html
    assert "Cấp bản sao trích lục hộ tịch" in html  # a full-online service is featured


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["cap giay phep xay dung", "CẤP GIẤY PHÉP XÂY DỰNG",
                                   "giay phep", "1.009999"])
def test_search_ignores_diacritics_and_case(client, catalogue, query):
    response = client.get(reverse("portal:index"), {"q": query})
    assert names(response) == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]


@pytest.mark.django_db
def test_filters_by_sector_agency_level_and_online(client, catalogue, province):
    url = reverse("portal:index")
    assert names(client.get(url, {"sector": "XD"})) == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]
    assert names(client.get(url, {"agency": province.commune.code})) == [
        "Cấp bản sao trích lục hộ tịch", "Đăng ký khai tử"]
    assert len(names(client.get(url, {"level": "commune"}))) == 3
    assert "Đăng ký khai tử" not in names(client.get(url, {"online": "on"}))
    assert names(client.get(url, {"q": "khai tu", "online": "on"})) == []


@pytest.mark.django_db
def test_results_come_in_pages(client, province):
    for n in range(45):
        make_procedure([province.agency], code=f"1.1{n:05d}", name=f"Thủ tục số {n}")
    response = client.get(reverse("portal:index"), {"q": "thu tuc so"})
    assert response.context["page"].paginator.count == 45
    assert len(names(response)) == 20
    html = response.content.decode()
    assert "Trang 1/3" in html and "q=thu+tuc+so&amp;page=2" in html
    assert len(names(client.get(reverse("portal:index"), {"q": "thu tuc so", "page": 3}))) == 5


@pytest.mark.django_db
def test_the_procedure_page_tells_everything_needed_to_file(client, catalogue):
    html = client.get(reverse("portal:procedure", args=["1.001234"])).content.decode()
    for text in ("Tờ khai theo mẫu", "Bản sao căn cước", "Ảnh chân dung", "bắt buộc",
                 "50.000 đồng", "20.000 đồng", "Bước 1", "Bước 3", "Toàn trình",
                 "Thời hạn giải quyết", "Căn cứ pháp lý", "Bản sao trích lục"):
        assert text in html, text
    assert 'id="file-online"' in html


@pytest.mark.django_db
def test_a_procedure_without_online_service_has_no_file_button(client, catalogue):
    html = client.get(reverse("portal:procedure", args=["2.000123"])).content.decode()
    assert 'id="file-online"' not in html and "bộ phận một cửa" in html


@pytest.mark.django_db
def test_templates_download_and_unknown_procedures_answer_404(client, catalogue, province):
    from django.core.files.base import ContentFile

    from tinhso.catalog.models import Component

    # A published version is frozen: attach the template file below the guard, as an import
    # of the catalogue would have done before publishing.
    path = Component._meta.get_field("template").storage.save(
        "templates/2026/to-khai.pdf", ContentFile(b"%PDF-1.4 mau"))
    Component.objects.filter(pk=province.form.pk).update(template=path)
    html = client.get(reverse("portal:procedure", args=["1.001234"])).content.decode()
    url = reverse("portal:component_template", args=["1.001234", province.form.pk])
    assert url in html
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(
        b"%PDF")
    assert client.get(reverse("portal:component_template",
                              args=["1.001234", province.photo.pk])).status_code == 404
    assert client.get(reverse("portal:procedure", args=["9.999999"])).status_code == 404


@pytest.mark.django_db
def test_a_search_page_costs_a_fixed_number_of_queries(client, province,
                                                      django_assert_max_num_queries):
    for n in range(30):
        make_procedure([province.agency], code=f"1.2{n:05d}", name=f"Cấp phép số {n}")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("portal:index"), {"q": "cap phep", "page": 2})
    assert len(names(response)) == 10


@pytest.mark.django_db
@pytest.mark.parametrize("who, staff_links, my_dossiers", [
    ("citizen", False, True), ("officer", True, False), (None, False, True)])
def test_the_menu_shows_each_account_only_its_own_pages(login, client, province, who,
                                                         staff_links, my_dossiers):
    browser = login(getattr(province, who)) if who else client
    html = browser.get(reverse("portal:home")).content.decode()
    assert (reverse("backoffice:index") in html) is staff_links
    assert (reverse("core:staff") in html) is staff_links
    assert ('id="nav-my-dossiers"' in html) is my_dossiers


@pytest.mark.django_db
def test_the_portal_speaks_english_when_asked(client, catalogue):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    home = client.get(reverse("portal:home")).content.decode()
    assert "Public service portal" in home and "Cổng dịch vụ công" not in home
    page = client.get(reverse("portal:procedure", args=[catalogue["civil"].code]))
    assert 'id="file-online"' in page.content.decode()
    assert "File a dossier online" in page.content.decode()
