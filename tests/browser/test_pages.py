"""Browser: the main pages in Vietnamese pass axe-core's WCAG 2 A/AA rules on a laptop and a phone,
and work by keyboard; screenshots are kept as test artifacts (the README shows the home page)."""
from __future__ import annotations

import pytest

from meetings.models import Report
from tests.browser.conftest import axe_violations, login
from tests.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.vietnamese]


@pytest.fixture
def demo(transactional_db):
    load_demo()


def test_main_pages_are_accessible_in_vietnamese(page, live_server, demo, artifacts):
    login(page, live_server, "lanhdao.khoi")
    assert page.locator("html").get_attribute("lang") == "vi"
    report = Report.objects.filter(organization__code="HCM-KDCD").first()
    pages = {
        "home": "/",
        "directives": "/van-ban/?q=chi+thi",
        "reports": "/bao-cao/",
        "report": f"/bao-cao/{report.pk}/",
        "organisation": "/to-chuc/",
    }
    for name, path in pages.items():
        for width, height in ((1280, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(live_server.url + path)
            assert axe_violations(page) == [], f"{name} at {width}px"
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(live_server.url + path)
        page.screenshot(path=str(artifacts / f"page-{name}.png"), full_page=False)


def test_keyboard_reaches_content_through_the_skip_link(page, live_server, demo):
    login(page, live_server, "canbo.khoi")
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused and focused.startswith("#"), "the first Tab stop is the skip link"
    page.keyboard.press("Enter")
    target = page.evaluate("document.activeElement.id || location.hash")
    assert target
