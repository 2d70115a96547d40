"""Browser: an admin imports a file of units — upload, the dry run, apply, the job's progress
followed on the page until it is done — and downloads the subtree; axe-core's WCAG 2 A/AA
rules on every step, on a laptop and a phone."""
from __future__ import annotations

import pytest

from organizations.models import ImportStatus, Organization, OrganizationImport, RoleKind
from tests.browser.conftest import axe_violations, login
from tests.factories import UserFactory, grant, make_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "code;name;short_name;kind;parent_code;member_count;valid_from;valid_to"


def _accessible(page, artifacts, name: str) -> None:
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(artifacts / f"tree-import-{name}-{width}.png"), full_page=True)
        assert axe_violations(page) == [], f"{name} at {width}px"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}px"
    page.set_viewport_size({"width": 1366, "height": 900})


def test_admin_uploads_checks_applies_and_follows_the_job(page, live_server, artifacts, tmp_path):
    from config.celery import app
    from organizations.tasks import import_apply_task

    tree = make_tree()
    admin = UserFactory(username="quantri.a", password="Demo@2019")
    grant(admin, tree["A"], RoleKind.ADMIN)
    lines = [HEADER] + [f"A1-C{i:03d};Chi bộ {i};;cell;A1;{i};2020-01-01;" for i in range(150)]
    lines += ["A2;Đảng bộ cơ sở A2 (tên mới);;grassroots;A1;0;;"]  # changed and moved
    bad = tmp_path / "don-vi-loi.csv"
    bad.write_text("\r\n".join(lines + ["B1;Đổi tên;;grassroots;B;0;;", "X1;Chi bộ X;;hamlet;A1;;;"]) + "\r\n",
                   encoding="utf-8-sig")
    good = tmp_path / "don-vi.csv"
    good.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")

    login(page, live_server, "quantri.a")
    page.goto(f"{live_server.url}/to-chuc/")
    page.get_by_role("link", name="Import and export units").click()
    page.wait_for_url("**/to-chuc/nhap-xuat/")
    _accessible(page, artifacts, "index")

    # A file with problems: every one listed by row and column, no way to apply it.
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/to-chuc/nhap-xuat/*/")
    assert "nothing will be changed" in page.get_by_role("alert").inner_text()
    errors = page.get_by_test_id("import-errors").inner_text()
    assert "The unit B1 is outside your part of the tree." in errors and "“hamlet” is not a kind of unit" in errors
    assert page.get_by_role("button", name="Apply these changes").count() == 0
    _accessible(page, artifacts, "problems")

    # The corrected file: the dry run, its tabs, then apply.
    page.goto(f"{live_server.url}/to-chuc/nhap-xuat/")
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/to-chuc/nhap-xuat/*/")
    counts = page.get_by_test_id("import-counts").inner_text()
    assert "150" in counts and "Units to move\n1" in counts.replace("\t", "\n")
    assert page.get_by_test_id("import-created").locator("tbody tr").count() == 100  # first page of 150
    page.get_by_role("link", name="Next").click()
    assert page.get_by_test_id("import-created").locator("tbody tr").count() == 50
    page.get_by_role("link", name="Moved (1)").click()
    assert "A2" in page.get_by_test_id("import-moved").inner_text()
    _accessible(page, artifacts, "dry-run")

    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        page.get_by_role("button", name="Apply these changes").click()
        page.wait_for_url("**/to-chuc/nhap-xuat/*/")
        job = OrganizationImport.objects.latest("pk")
        assert page.get_by_test_id("import-status").inner_text() == "Waiting to start"
        assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "0"
        _accessible(page, artifacts, "queued")
        import_apply_task.apply(args=[job.pk])  # the worker picks the job up
    finally:
        app.conf.task_always_eager = eager
        app.control.purge()
    page.get_by_test_id("import-done").wait_for()  # the page polls and shows the end
    assert "Applied: 150 units created, 1 changed, 1 moved." in page.get_by_test_id("import-done").inner_text()
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    _accessible(page, artifacts, "done")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Organization.objects.filter(code__startswith="A1-C").count() == 150
    assert Organization.objects.find_problems() == ([], [], [], [], [])

    # The subtree comes back as a file.
    page.goto(f"{live_server.url}/to-chuc/nhap-xuat/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").first.click()
    assert download.value.suggested_filename == "don-vi-a.csv"
