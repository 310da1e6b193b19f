"""Browser tests: Debian's Chromium, driven by Playwright, against Django's live server.
Every page a journey visits is checked with axe-core for WCAG 2.2 AA."""

import os
import shutil
import time
from pathlib import Path

import pytest

from principles.actions import framework_load
from principles.loader import read_framework, shipped_framework_files
from tests.factories import MembershipFactory, TrustFactory, UserFactory
from tests.helpers import quarter_of_year
from trusts.models import Role, SeatGroup, TrustType

# Playwright's sync API runs an event loop in this thread; the test's own database work
# is still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = os.environ.get("QUARTERDECK_SCREENSHOTS", "")

checked_pages: list[str] = []
journeys: list[str] = []

# Counts what a person does in the tab (pages loaded, mouse clicks, keys pressed), kept in
# the tab's sessionStorage so it lasts across page loads; read by ``journey_summary``.
COUNT_ACTIONS = """
(() => {
  const bump = key =>
    sessionStorage.setItem(key, String(Number(sessionStorage.getItem(key) || 0) + 1));
  if (window === window.top) bump('qd-pages');
  document.addEventListener('pointerdown', () => bump('qd-clicks'), true);
  document.addEventListener('keydown', () => bump('qd-keys'), true);
})();
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one module's tests. Not for the session: while Playwright's event loop
    runs, database connections opened by later tests belong to its context and would
    outlive the test database."""
    if not (Path(CHROMIUM).exists() and AXE.exists()):
        message = "Chromium or axe-core is missing: `make test` installs both."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Every journey runs on a desktop and on the narrowest phone WCAG's reflow asks for.
WIDTHS = {"desktop": 1280, "phone": 320}


@pytest.fixture(params=list(WIDTHS))
def page(browser, live_server, request):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": WIDTHS[request.param], "height": 900},
        accept_downloads=True,
    )
    page = context.new_page()
    page.add_init_script(COUNT_ACTIONS)
    # The page's own Content-Security-Policy stays on: anything it blocks is a failure.
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_violations.append(message.text)
        ),
    )
    page.width_name = request.param
    yield page
    context.close()


# The first few elements sticking out past the screen's right edge, to name in a failure.
WIDER_THAN_THE_SCREEN = """
() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 4)
  .map(e => `${e.tagName}.${e.className}: ${e.textContent.trim().slice(0, 30)}`)
"""


def check(page, name: str) -> None:
    """Runs axe on the page once it has loaded: no WCAG 2.2 AA violation is allowed, and
    nothing the Content-Security-Policy blocked."""
    page.wait_for_load_state()
    assert page.csp_violations == [], f"{name}: {page.csp_violations}"
    # Through the DevTools protocol, so the page's policy does not block axe itself.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    violations = [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in result["violations"]
    ]
    assert violations == [], f"{name} ({page.url}): " + "; ".join(violations)
    # Reflow (WCAG 1.4.10): nothing pushes the page sideways, however narrow the screen.
    scroll = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wider = page.evaluate(WIDER_THAN_THE_SCREEN) if scroll > 0 else []
    message = f"{name} at {page.width_name} scrolls sideways by {scroll}px: {wider}"
    if os.environ.get("QD_REFLOW_REPORT"):  # list every page that fails, then go on
        if scroll > 0:
            print("REFLOW", message)
    else:
        assert scroll <= 0, message
    checked_pages.append(f"{name} ({page.width_name})")
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        suffix = "" if page.width_name == "desktop" else f"-{page.width_name}"
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}{suffix}.png"), full_page=True)


def journey_summary(page, name: str, started: float) -> dict:
    """Pages, clicks and key presses since the tab opened, and seconds since ``started``;
    printed at the end of the run so the journey's cost is visible from one run to the next."""
    counts = page.evaluate(
        "() => Object.fromEntries(['qd-pages', 'qd-clicks', 'qd-keys']"
        ".map(k => [k.slice(3), Number(sessionStorage.getItem(k) || 0)]))"
    )
    counts["seconds"] = round(time.monotonic() - started, 1)
    journeys.append(
        f"journey {name}: {counts['pages']} pages, {counts['clicks']} clicks, "
        f"{counts['keys']} key presses, {counts['seconds']} s"
    )
    return counts


def pytest_terminal_summary(terminalreporter):
    for line in journeys:
        terminalreporter.write_line(line)
    if checked_pages:
        terminalreporter.write_line(
            f"axe: {len(checked_pages)} pages checked against WCAG 2.2 AA, 0 violations"
        )


# The people and the quarter of the journeys.

PASSWORD = "a-test-password"


@pytest.fixture
def quarter(transactional_db):
    framework = framework_load(spec=read_framework(shipped_framework_files()[0])).framework
    trust = TrustFactory(
        ods_code="QJA", name="Journey Hospitals NHS Trust", trust_type=TrustType.ACUTE
    )
    cycle = quarter_of_year(framework, 2026, 3)
    return trust, cycle


def person(trust, role, email, name, seat_group=SeatGroup.EXECUTIVE):
    user = UserFactory(email=email, full_name=name, password=PASSWORD)
    MembershipFactory(
        trust=trust,
        user=user,
        role=role,
        seat_group=seat_group if role == Role.BOARD_MEMBER else "",
    )
    return user


def sign_in(page, email):
    page.goto("/sign-in/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/")
