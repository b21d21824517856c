"""report.html in a real browser (Debian's chromium, headless, via Playwright).

It renders, it requests nothing but itself, and hostile ad text neither runs nor vanishes.
Needs /usr/bin/chromium: `scripts/ensure-chromium.sh` installs it (run by `make test`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lightkeeper.ads.report import render_report
from tests.ads.report_outputs import HOSTILE, write_outputs

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not CHROMIUM.exists():
    message = f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)  # in CI a missing browser is a failure, not a skip
    pytest.skip(message, allow_module_level=True)

from playwright.sync_api import Browser, Page, Route, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = write_outputs(tmp_path_factory.mktemp("hostile"), hostile=HOSTILE, with_risk=True)
    return render_report(out)


class Visit:
    """A page opened on a report with every request, dialog and console message recorded."""

    def __init__(self, browser: Browser, report: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.routed: list[str] = []
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: self.console.append(m.text))
        self.url = report.resolve().as_uri()
        self.page.goto(self.url, wait_until="load")

    def _route(self, route: Route) -> None:
        self.routed.append(route.request.url)
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(str(dialog))
        dialog.dismiss()  # type: ignore[attr-defined]


@pytest.fixture
def visit(browser: Browser, hostile_report: Path) -> Iterator[Visit]:
    v = Visit(browser, hostile_report)
    yield v
    v.context.close()


def test_report_renders(visit: Visit, tmp_path: Path) -> None:
    page = visit.page
    for heading in (
        "Corpus summary",
        "Highest-risk networks",
        "Largest networks",
        "Fastest-growing networks",
        "Largest templates",
    ):
        assert page.get_by_role("heading", name=heading, exact=True).is_visible()
    assert page.locator("article.network").count() == 4
    assert page.locator("article.network svg").count() == 12
    first_map = page.locator("article.network svg").nth(1).bounding_box()
    assert first_map is not None and first_map["width"] > 300 and first_map["height"] > 150
    assert page.locator("mark", has_text="name").first.is_visible()
    page.get_by_role("link", name="net-aaaaaaaaaaaa").first.click()
    assert page.url.endswith("#n-net-aaaaaaaaaaaa")
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000


def test_report_requests_nothing_but_itself(visit: Visit) -> None:
    page = visit.page
    page.mouse.wheel(0, 20_000)  # scroll everything into view: lazy content would load now
    page.wait_for_timeout(200)
    assert visit.requests == [visit.url]
    assert visit.routed == [visit.url]
    # The CSP in the page forbids connections even to code that gets to run in it.
    outcome = page.evaluate("fetch('https://example.org/x').then(() => 'fetched', () => 'blocked')")
    assert outcome == "blocked"
    assert visit.requests == [visit.url]
    assert any("Content Security Policy" in m for m in visit.console)


def test_hostile_text_does_not_run_and_shows_as_text(visit: Visit) -> None:
    page = visit.page
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert visit.dialogs == []
    assert page.evaluate("document.querySelectorAll('script, img, iframe').length") == 0
    assert page.evaluate("document.querySelectorAll('[onerror], [onload]').length") == 0
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript:\"]').length") == 0
    newest_ad = page.locator("article#n-net-aaaaaaaaaaaa .ad .body").first
    assert newest_ad.inner_text() == HOSTILE
    assert page.get_by_text("javascript:window.__pwned=1", exact=True).first.is_visible()
    graph_labels = page.locator("article#n-net-aaaaaaaaaaaa svg text.node").all_text_contents()
    assert any(label.startswith("<script>window") for label in graph_labels)
    template = page.locator("#templates .template").first.inner_text()
    assert "<script>window.__pwned=1</script>" in template
