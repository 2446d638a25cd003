"""Browser journeys: Playwright drives Debian's Chromium against a live tinhso server.

Without Chromium the journeys are skipped with a message, except under CI (`CI` set), where a
missing browser fails the run: `.ci/run` installs it.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TINHSO_CHROMIUM") or shutil.which("chromium")
OUTPUT = Path(os.environ.get("TINHSO_TEST_OUTPUT", "test-output")) / "screenshots"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between page actions are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _site_url(request, settings):
    """The live server (on a random port) is this site's configured address, where the portal
    reaches the demo identity provider (never at a request's Host)."""
    if "live_server" in request.fixturenames:
        settings.TINHSO_SITE_URL = request.getfixturevalue("live_server").url


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        message = "Không tìm thấy Chromium (apt install chromium): bỏ qua kiểm thử trình duyệt."
        if os.environ.get("CI"):
            pytest.fail("CI: " + message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def _page(browser, viewport, **options):
    # Reduced motion: charts draw at once, so screenshots show them finished.
    context = browser.new_context(viewport=viewport, locale="vi-VN", reduced_motion="reduce",
                                  timezone_id="Asia/Ho_Chi_Minh", **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    yield from _page(browser, PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def desktop(browser):
    yield from _page(browser, DESKTOP)


@pytest.fixture
def shot(request):
    """Save a full-page screenshot under test-output/screenshots/<test>/<n>-<name>.png."""
    folder = OUTPUT / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):  # a previous run's pictures would mislead
        old.unlink()
    taken = []

    def take(page, name: str, *, full_page: bool = True) -> Path:
        taken.append(name)
        path = folder / f"{len(taken):02d}-{name}.png"
        page.screenshot(path=path, full_page=full_page)
        return path

    return take
