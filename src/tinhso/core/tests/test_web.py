"""The web shell: Vietnamese pages, the province in the header, local assets, accessibility."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tinhso.core import context_processors
from tinhso.core.roles import Role
from tinhso.core.tests.factories import ProvinceFactory, StaffFactory

ASSET_RE = re.compile(r'\b(?:src|href|action)="([^"]*)"')


@pytest.fixture
def province(settings):
    context_processors._province_name_cache.clear()
    unit = ProvinceFactory(name="Tỉnh Hà Tĩnh Thử")
    settings.TINHSO_PROVINCE_CODE = unit.code
    yield unit
    context_processors._province_name_cache.clear()


def urls_in(html: str) -> list[str]:
    return ASSET_RE.findall(html)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["portal:home", "core:login"])
def test_pages_are_vietnamese_with_the_province_and_only_local_assets(client, province, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Tỉnh số" in html and "Tỉnh Hà Tĩnh Thử" in html
    assert "<title>" in html and "Tỉnh số · Tỉnh Hà Tĩnh Thử" in html
    # Assets come from our own static files, and those files exist.
    for asset in ("bootstrap/css/bootstrap.min.css", "django_htmx/htmx-2.min.js",
                  "bootstrap/js/bootstrap.bundle.min.js", "tinhso/css/tinhso.css"):
        assert f'"/static/{asset}"' in html
        assert finders.find(asset), asset
    external = [u for u in urls_in(html) if u.startswith(("http:", "https:", "//"))]
    assert external == []
    # Not in the whole page: a random CSRF token once held the letters "cdn".
    assert not [u for u in urls_in(html) if "cdn" in u.lower()]


@pytest.mark.django_db
def test_header_falls_back_to_the_bare_name_without_a_province(client, settings):
    context_processors._province_name_cache.clear()
    settings.TINHSO_PROVINCE_CODE = "00"  # no such unit
    html = client.get("/").content.decode()
    assert "<title>Tỉnh số</title>" in html
    assert "Tỉnh số ·" not in html


@pytest.mark.django_db
def test_home_says_what_tinhso_is(client, province):
    html = client.get("/").content.decode()
    assert "thủ tục hành chính" in html and "một cửa" in html
    assert 'href="/login/"' in html  # staff log-in link for visitors
    assert "/admin/" not in html and "/api/docs/" not in html  # staff-only links hidden


@pytest.mark.django_db
def test_shell_is_accessible(client, province):
    html = client.get(reverse("core:login")).content.decode()
    # Skip link first, pointing at the main landmark.
    assert html.index('class="skip-link" href="#main"') < html.index("<header")
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'aria-live="polite"' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    # Every visible input of the log-in form has a label bound to it.
    for field_id in ("id_username", "id_password"):
        assert f'for="{field_id}"' in html and f'id="{field_id}"' in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html


@pytest.mark.django_db
def test_language_switch_posts_to_set_language_and_english_takes_effect(client, province):
    html = client.get("/").content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="en"' in html
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_staff_nav_links_and_logout_form(client, province):
    officer = StaffFactory(roles=[Role.ONE_STOP_OFFICER], full_name="Trần Thị Một Cửa")
    client.force_login(officer)
    html = client.get("/").content.decode()
    # The official's name is the link to their page, which holds the API docs and the admin.
    assert f'id="nav-staff" href="{reverse("core:staff")}"' in html
    assert "Trần Thị Một Cửa" in html
    assert f'action="{reverse("core:logout")}"' in html and "Đăng xuất" in html
    staff = client.get(reverse("core:staff")).content.decode()
    assert 'href="/api/docs/"' in staff
    assert 'href="/admin/"' not in staff  # not an admin

    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    assert 'href="/admin/"' in client.get(reverse("core:staff")).content.decode()


@pytest.mark.django_db
def test_staff_page_shows_the_account_and_refuses_citizens(client, province):
    officer = StaffFactory(roles=[Role.SPECIALIST], full_name="Lê Văn Chuyên")
    client.force_login(officer)
    response = client.get(reverse("core:staff"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lê Văn Chuyên" in html and officer.agency.name in html
    assert "Chuyên viên xử lý" in html

    citizen = StaffFactory(agency=None)
    client.force_login(citizen)
    assert client.get(reverse("core:staff")).status_code == 403


@pytest.mark.django_db
def test_staff_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("core:staff"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:login')}?next={reverse('core:staff')}"


@pytest.mark.django_db
def test_messages_land_in_the_live_region(client, province):
    officer = StaffFactory(roles=[Role.SPECIALIST])
    client.force_login(officer)
    response = client.post(reverse("core:logout"), follow=True)
    html = response.content.decode()
    region = html[html.index('id="messages"'):html.index("</div>", html.index('id="messages"'))]
    assert "Bạn đã đăng xuất." in html
    assert 'aria-live="polite"' in region


@pytest.mark.django_db
def test_english_is_available_as_the_second_language(client, province):
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Skip to main content" in html and "Official sign-in" in html
    client.cookies["django_language"] = "vi"
    assert "Bỏ qua, đến nội dung chính" in client.get("/").content.decode()
