"""Browser tests: Debian's Chromium, driven by Playwright, against Django's live server.
Every page a journey visits is checked with axe-core for WCAG 2.2 AA."""

import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from principles.actions import framework_load
from principles.loader import read_framework, shipped_framework_files
from tests.factories import MembershipFactory, TrustFactory, UserFactory
from tests.helpers import quarter_of_year
from trusts.models import Role, SeatGroup, Trust, TrustType

# Playwright's sync API runs an event loop in this thread; the test's own database work
# is still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.helpers import ROOT

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


def new_tab(browser, live_server, name: str, width: int, height: int):
    """A tab of its own browser context at this size, counting what is done in it, noting
    any page that scrolls sideways and anything the Content-Security-Policy blocks."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        accept_downloads=True,
    )
    context.add_init_script(NOTE_SIDEWAYS)
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
    page.width_name = name
    return context, page


@pytest.fixture(params=list(WIDTHS))
def page(browser, live_server, request):
    context, page = new_tab(browser, live_server, request.param, WIDTHS[request.param], 900)
    yield page
    # The pages visited after the last check, and the page the test ended on.
    if getattr(request.node, "call_passed", False):
        assert_no_page_scrolls_sideways(page, "after the last check")
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Notes on the test whether it passed, for fixtures to read at teardown."""
    report = yield
    if report.when == "call":
        item.call_passed = report.passed
    return report


# Reflow (WCAG 1.4.10): how far the page scrolls sideways, and the first few elements
# sticking out past the screen's right edge, to name in a failure.
SIDEWAYS = """
() => {
  const root = document.documentElement;
  const scroll = root.scrollWidth - root.clientWidth;
  const wider = scroll <= 0 ? [] : [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 4)
    .map(e => `${e.tagName}.${e.className}: ${e.textContent.trim().slice(0, 30)}`);
  return {scroll, wider};
}
"""

# The same measure on every page any tab loads, checked or not: when it has loaded and
# again when it is left (after whatever was typed or opened on it). A page that scrolls
# sideways is noted in the tab's sessionStorage, read by ``pages_scrolling_sideways``.
NOTE_SIDEWAYS = f"""
(() => {{
  if (window !== window.top) return;
  const note = () => {{
    const found = ({SIDEWAYS})();
    if (found.scroll <= 0) return;
    const noted = JSON.parse(sessionStorage.getItem('qd-sideways') || '[]');
    noted.push({{page: location.pathname + location.search, ...found}});
    sessionStorage.setItem('qd-sideways', JSON.stringify(noted));
  }};
  addEventListener('load', note);
  addEventListener('pagehide', note);
}})();
"""


def pages_scrolling_sideways(page) -> list[str]:
    """Each page that scrolled sideways, in any tab of the page's browser context, since
    the last call (the notes are cleared once read), and each tab's page as it is now."""
    found = []
    for tab in page.context.pages:
        if not tab.url.startswith("http"):
            continue
        noted = tab.evaluate(
            "() => { const noted = JSON.parse(sessionStorage.getItem('qd-sideways') || '[]');"
            " sessionStorage.removeItem('qd-sideways'); return noted; }"
        )
        url = urlsplit(tab.url)
        noted.append(
            {"page": url.path + (f"?{url.query}" if url.query else ""), **tab.evaluate(SIDEWAYS)}
        )
        for note in noted:
            message = f"{note['page']} scrolls sideways by {note['scroll']}px: {note['wider']}"
            if note["scroll"] > 0 and message not in found:
                found.append(message)
    return found


def assert_no_page_scrolls_sideways(page, name: str) -> None:
    """Reflow (WCAG 1.4.10): nothing pushes any page sideways, however narrow the screen.
    With QD_REFLOW_REPORT set, every such page is listed and the run goes on."""
    found = [
        f"{name} at {page.width_name}: {message}" for message in pages_scrolling_sideways(page)
    ]
    if os.environ.get("QD_REFLOW_REPORT"):
        for message in found:
            print("REFLOW", message)
    else:
        assert found == [], "; ".join(found)


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
    # This page, and every page loaded since the last check, checked or not.
    assert_no_page_scrolls_sideways(page, name)
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


# The people and the quarter of the journeys, with the longest values they can have.

PASSWORD = "a-test-password"
TRUST_NAME_LENGTH = Trust._meta.get_field("name").max_length


def long_email(who: str) -> str:
    """The longest valid email address (254 characters: a 64-character local part, domain
    labels of up to 63), starting with ``who``: one unbroken string, as a page shows it."""
    labels = [("journeyhospitals" * 4)[:63], ("digitaldelivery" * 5)[:63], ("nhs" * 18)[:53]]
    address = f"{(who + '.' + 'boardmember' * 6)[:64]}@{'.'.join(labels)}.example"
    assert len(address) == 254
    return address


def long_trust_name(start: str) -> str:
    """A trust name as long as the field allows, most of it one unbroken word."""
    end = " NHS Trust"
    word = ("Hospitalsandcommunityservices" * 10)[: TRUST_NAME_LENGTH - len(start) - len(end)]
    return f"{start}{word}{end}"


@pytest.fixture
def quarter(transactional_db):
    framework = framework_load(spec=read_framework(shipped_framework_files()[0])).framework
    trust = TrustFactory(
        ods_code="QJA", name=long_trust_name("Journey "), trust_type=TrustType.ACUTE
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
