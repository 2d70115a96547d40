"""Real headless Chromium (Debian's package) driven by Playwright against Django's live server.

Never `playwright install`: the browser is /usr/bin/chromium. In CI the browser must be
there (.ci/run installs it); on a developer machine without it these tests are skipped
with the reason.

Every page runs under the site's real Content-Security-Policy (no ``bypass_csp``): the ``page``
fixture records each violation the browser reports and fails the test that caused one, so
any browser test also proves its pages need no inline script or style. axe-core is evaluated
through Playwright (the DevTools protocol, which the policy does not govern) rather than
added as a ``<script>`` element, which the policy would refuse.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).resolve().parents[1] / "assets" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium; .ci/run does it)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale=request.node.get_closest_marker("vietnamese") and "vi-VN" or "en-US",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    watch_csp(page)
    yield page
    violations = csp_violations(page)
    context.close()
    if violations:
        pytest.fail(f"Content-Security-Policy violations: {violations}")


_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => window.__rtCspViolation({
  page: location.pathname, directive: e.violatedDirective, blocked: e.blockedURI,
  source: e.sourceFile, line: e.lineNumber, sample: e.sample,
}));
"""


def watch_csp(page) -> None:
    """Record on ``page`` every Content-Security-Policy violation of every page it opens.

    Both the ``securitypolicyviolation`` event and the console's "Content Security Policy"
    errors are kept: the event names the directive, the console also sees refusals that
    happen before a listener could run.
    """
    found: list[dict] = []
    page._rt_csp = found  # the page object carries its own record

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            found.append({"page": page.url, "console": message.text})

    page.expose_function("__rtCspViolation", lambda detail: found.append(detail))
    page.add_init_script(_CSP_LISTENER)
    page.on("console", on_console)


def csp_violations(page) -> list[dict]:
    return list(getattr(page, "_rt_csp", []))


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def login(page, live_server, username: str, password: str = "Demo@2019") -> None:
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def axe_violations(page) -> list[dict]:
    """Run axe-core's WCAG 2 A/AA rules on the current page; return the violations."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]
