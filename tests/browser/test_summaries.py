"""Browser: the summary page, the missing-reports page and the glossary "Cách tính" in Vietnamese,
on a 1366 px laptop and a 390 px phone: axe-core's WCAG 2 A/AA rules, no sideways scrolling."""
from __future__ import annotations

import pytest

from organizations.models import Organization
from tests.browser.conftest import axe_violations, login
from tests.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.vietnamese]


@pytest.fixture
def demo(transactional_db):
    load_demo()


def test_summary_pages_fit_a_laptop_and_a_phone(page, live_server, demo, artifacts):
    login(page, live_server, "lanhdao.hcm")
    hcm = Organization.objects.get(code="HCM")
    pages = {
        "summary": f"/tong-hop/to-chuc/{hcm.pk}/?kind=month&period=2019-10",
        "missing": f"/tong-hop/to-chuc/{hcm.pk}/chua-bao-cao/?kind=quarter&period=2019-Q4",
        "glossary": "/dashboard/cach-tinh/",
    }
    for name, path in pages.items():
        for width, height in ((1366, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(live_server.url + path)
            page.screenshot(path=str(artifacts / f"summaries-{name}-{width}.png"), full_page=True)
            assert axe_violations(page) == [], f"{name} at {width}px"
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}px"
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + pages["summary"])
    text = page.get_by_test_id("summary-table").inner_text()
    assert "trong kỳ" in text and "lũy kế đến hết kỳ" in text
    assert "Cách tính" in page.content()
