"""Browser: a leader opens the dashboard, changes the period and drills down to one report.

Real Chromium against the live server on the demo data (load_demo, then the summaries of
2019 computed by the summary jobs' command). Also the dashboard screenshot and axe-core.
"""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.conftest import axe_violations, login
from tests.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def demo(transactional_db):
    load_demo()
    call_command("compute_summaries", "--period", "2019", stdout=io.StringIO())


def _open_unit_with_reports(page) -> None:
    """Click the first unit of the table whose figures include reports (worst units come first)."""
    page.locator("[data-testid=units-table] tr[data-unit]:not([data-reports='0']) th a").first.click()
    page.wait_for_load_state("networkidle")


def test_leader_reads_the_dashboard_and_drills_down_to_a_report(page, live_server, demo, artifacts):
    login(page, live_server, "lanhdao.hcm")
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_load_state("networkidle")
    table = page.get_by_test_id("dashboard-table")
    assert table.locator("tbody tr[data-directive]").count() >= 3
    # No figures for the current month: the latest month with figures is shown, and said.
    assert page.get_by_test_id("period-fallback").is_visible()
    page.wait_for_function("() => document.querySelectorAll('canvas').length === 0 || window.Chart !== undefined")
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    DOCS.mkdir(exist_ok=True)
    shutil.copyfile(artifacts / "dashboard.png", DOCS / "screenshot-dashboard.png")
    assert axe_violations(page) == []

    # Change the period: quarters, then the third quarter of 2019.
    page.select_option("#id_period_kind", "quarter")
    assert page.locator("#id_period").input_value() == ""
    page.locator("form.filter-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "period_kind=quarter" in page.url
    page.select_option("#id_period", "2019-Q3")
    page.locator("form.filter-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "period=2019-Q3" in page.url
    assert "01/07/2019–30/09/2019" in page.content()

    # The matrix of the units below, same filters.
    page.locator("a.nav-link", has_text="×").click()
    page.wait_for_load_state("networkidle")
    assert "period=2019-Q3" in page.url
    assert page.get_by_test_id("matrix").locator("td.cell a").count() >= 1
    page.screenshot(path=str(artifacts / "dashboard-matrix.png"), full_page=True)
    assert axe_violations(page) == []
    page.go_back()
    page.wait_for_load_state("networkidle")

    # Drill down: a directive with reports, then unit by unit to a cell.
    page.locator("[data-testid=dashboard-table] tr[data-directive]:not([data-reports='0']) th a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("own-figures").is_visible()
    page.screenshot(path=str(artifacts / "dashboard-directive.png"), full_page=True)
    assert axe_violations(page) == []
    for _level in range(6):
        if page.get_by_test_id("units-table").count() == 0:
            break
        _open_unit_with_reports(page)
    assert page.get_by_test_id("units-table").count() == 0, "reached a cell"
    crumbs = page.get_by_test_id("breadcrumbs").locator("a")
    assert crumbs.count() >= 3, "breadcrumbs lead back up"
    assert "period=2019-Q3" in (crumbs.first.get_attribute("href") or "")

    # The cell's reports on the directive, then one report with the citation highlighted.
    page.get_by_test_id("reports-link").click()
    page.wait_for_load_state("networkidle")
    assert "/bao-cao/" in page.url and "directive=" in page.url
    page.locator("main table a[href*='/bao-cao/']").first.click()
    page.wait_for_load_state("networkidle")
    body = page.get_by_test_id("report-body")
    assert body.locator("mark").count() >= 1, "the directive's citation is highlighted"
