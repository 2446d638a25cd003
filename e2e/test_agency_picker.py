"""The agency picker in a real browser: the portal's search filter, among the demo province's
hundreds of agencies, narrowed by typing without diacritics."""

import pytest

from .accessibility import assert_accessible
from .journey import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISIBLE = """(id) => [...document.getElementById(id).options]
  .filter(o => o.value && !o.hidden && !(o.parentElement.hidden)).map(o => o.textContent)"""


def test_typing_a_fragment_without_diacritics_narrows_the_agencies(live_server, phone, shot):
    load_demo()
    page = phone
    page.goto(live_server.url + "/procedures/")
    select = page.locator("select[data-picker]").first
    select_id = select.get_attribute("id")
    before = page.evaluate(VISIBLE, select_id)
    assert len(before) > 150  # the demo province's agencies
    groups = page.evaluate(f"""[...document.getElementById("{select_id}")
                               .querySelectorAll("optgroup")].map(g => g.label)""")
    assert groups == ["Cơ quan cấp tỉnh", "Cơ quan cấp xã"]
    box = page.locator(f"#{select_id}-filter")
    box.fill("tu phap")
    after = page.evaluate(VISIBLE, select_id)
    assert after and len(after) < 10
    assert all("tư pháp" in name.lower() for name in after), after
    assert_accessible(page, "portal search with the agency filter")
    shot(page, "agency-picker-filtered")
    # The filtered select is still the form's field: choose, search, the filter holds.
    select.select_option(label=after[0])
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(f"#{select_id} option:checked").text_content() == after[0]
