"""Browser: search from the header without diacritics, open the hit; the results page passes
axe-core's WCAG 2 A/AA rules at laptop and phone widths."""
from __future__ import annotations

import re

import pytest

from meetings.models import Report
from organizations.text import fold
from tests.browser.conftest import axe_violations, login
from tests.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.vietnamese]


@pytest.fixture
def demo(transactional_db):
    load_demo()


def test_search_from_the_header_without_diacritics_and_open_the_hit(page, live_server, demo, artifacts):
    report = Report.objects.filter(organization__path__startswith=_khoi_path()).order_by("pk").first()
    typed = " ".join(fold(report.title).split()[:6])
    assert typed.isascii() and typed != report.title
    login(page, live_server, "lanhdao.khoi")
    box = page.get_by_role("search", name="Tìm kiếm nhanh").get_by_role("searchbox")
    box.fill(typed)
    box.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=*")
    results = page.get_by_test_id("search-results")
    assert results.locator("mark").count() > 0, "the matched words are highlighted"
    page.screenshot(path=str(artifacts / "search-results.png"), full_page=False)
    assert axe_violations(page) == []
    results.get_by_role("link", name=report.title, exact=True).first.click()
    page.wait_for_url(re.compile(r".*/bao-cao/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text().strip() == report.title
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/tim-kiem/?q=chi+thi+05")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling at 390 px"
    page.screenshot(path=str(artifacts / "search-phone.png"), full_page=False)


def _khoi_path() -> str:
    from organizations.models import Organization

    return Organization.objects.get(code="HCM-KDCD").path
