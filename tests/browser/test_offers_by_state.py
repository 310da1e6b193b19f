"""Every action a page offers does something, in each state of the quarter, for each role.

For each state (not opened, open, open again, closed) and each role (board member, digital
lead, programme staff) the walk starts on the pages that role starts from, collects every
link and button in the page's main content, and takes each one: a page must load (no
refusal, no error, nothing of 0 items) and pass axe; a file must arrive and not be empty; a
page that only asks "are you sure?" is answered, and must say it worked. Run at 1280 and
320 pixels wide, as every browser test is."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from assessments.models import QuarterState
from assessments.quarter.actions import assessment_close, assessment_open, assessment_reopen
from assessments.results import rules
from tests.browser.conftest import PASSWORD, check, person, sign_in
from tests.factories import UserFactory
from tests.helpers import new_board_member, run_waiting_tasks, submitted_board
from trusts.models import Role

# Links that move about rather than act: to the page itself, or the way back.
NOT_OFFERS = re.compile(r"^(#|mailto:|tel:)|/sign-out/|/account/")
# A result of nothing: a file or list of 0 items.
EMPTY = re.compile(r"\b0 (board )?papers\b|\b(ZIP|file|list) of 0\b|\bof 0\b")
OFFERS = """
() => [...document.querySelectorAll('main a[href], main form[method="post" i] button')]
  .filter(e => !e.closest('.nhsuk-back-link, .nhsuk-pagination, .nhsuk-skip-link'))
  .map(e => e.tagName === 'A'
    ? {kind: 'link', href: e.getAttribute('href'), text: e.innerText.trim()}
    : {kind: 'button', href: e.form.getAttribute('action') || location.pathname,
       text: e.innerText.trim()})
"""


def quarter_in(state: QuarterState, trust, cycle):
    """``trust``'s quarter in ``state``: a board of the minimum group who have submitted
    and one who has not (someone to remind), a digital lead and a board member to sign in
    as. Returns the people."""
    lead = person(trust, Role.COORDINATOR, "lead@walk.example", "Lena Lead")
    member = person(trust, Role.BOARD_MEMBER, "member@walk.example", "Mo Member")
    staff = UserFactory(email="staff@walk.example", password=PASSWORD, is_programme_staff=True)
    if state != QuarterState.NOT_OPENED:
        assessment = assessment_open(trust=trust, cycle=cycle, by=lead, notify=False)
        submitted_board(assessment, rules.minimum_group())
        new_board_member(trust)  # has not answered
        if state != QuarterState.OPEN:
            assessment_close(assessment=assessment, by=lead)
            run_waiting_tasks()  # the published paper is frozen at close
        if state == QuarterState.REOPENED:
            assessment_reopen(assessment=assessment, reason="One member was away", by=lead)
    return {"board member": member, "coordinator": lead, "programme staff": staff}


def starting_pages(role: str, trust, cycle, state) -> list[str]:
    if role == "coordinator" and state != QuarterState.NOT_OPENED:
        # The quarter's own page, its checklist, last: the one most of what it offers.
        return [
            reverse("quarter:home"),
            reverse("quarter:trust-detail", args=[trust.ods_code]),
            reverse("quarter:assessment-detail", args=[trust.ods_code, cycle.slug]),
        ]
    if role == "programme staff":
        return [
            reverse("quarter:home"),
            reverse("national:programme-trust", args=[trust.ods_code]),
            reverse("national:programme-completion", args=[cycle.slug]),
            reverse("national:programme-comparison", args=[cycle.slug]),
            reverse("national:bulk-papers", args=[cycle.slug]),
        ]
    return [reverse("quarter:home"), reverse("quarter:trust-detail", args=[trust.ods_code])]


def refusal(page) -> str:
    """What on the page says the action did nothing: an error, a notice, an empty result."""
    main = page.locator("main").inner_text()
    if page.locator(".nhsuk-error-summary").count():
        return "an error summary"
    banners = page.locator(".nhsuk-notification-banner:not(.nhsuk-notification-banner--success)")
    if banners.count():
        return f"a notice: {banners.first.inner_text().strip()}"
    if found := EMPTY.search(main):
        return f"an empty result: {found[0]}"
    return ""


def answers_are_you_sure(page) -> bool:
    """The page only asks "are you sure?": one button in a form with no fields."""
    asks = page.locator("main form[method='post' i] button")
    fields = page.locator("main form[method='post' i] :is(input, select, textarea)")
    return asks.count() == 1 and fields.count() == fields.locator("[type=hidden]").count()


def take(page, offer: dict, taken: list[str], name: str) -> bool:
    """Takes one offer and checks it did something. An offer that would change the
    quarter (a button, or a page that only asks "are you sure?") is left for later:
    returns False."""
    url = urljoin(page.url, offer["href"])
    where = f"{name}: {offer['text']!r} ({urlsplit(url).path})"
    if offer["kind"] == "button":
        return False
    fetched = page.request.get(url)
    assert fetched.status < 400, f"{where} answered {fetched.status}"
    if not fetched.headers.get("content-type", "").startswith("text/html"):
        assert len(fetched.body()) > 100, f"{where} is an empty file"
        taken.append(where)
        return True
    page.goto(url)
    assert not (why := refusal(page)), f"{where} shows {why}"
    check(page, f"offer-{len(taken)}")
    if answers_are_you_sure(page):
        return False
    taken.append(where)
    return True


def confirm(page, start: str, offer: dict, taken: list[str], name: str) -> None:
    """Takes an offer that changes the quarter, and checks it said it worked."""
    where = f"{name}: {offer['text']!r}"
    page.goto(start)
    if offer["kind"] == "button":
        page.click(f"main form button:has-text({offer['text']!r})")
    else:
        page.goto(urljoin(page.url, offer["href"]))
        assert not (why := refusal(page)), f"{where} shows {why}"
        page.locator("main form[method='post' i] button").click()
    page.wait_for_load_state()
    assert page.locator(".nhsuk-notification-banner--success").count(), where
    taken.append(where)


@pytest.mark.parametrize("state", list(QuarterState), ids=lambda s: s.label.lower())
@pytest.mark.parametrize("role", ["board member", "coordinator", "programme staff"])
def test_every_offered_action_does_something(page, quarter, state, role):
    trust, cycle = quarter
    people = quarter_in(state, trust, cycle)
    sign_in(page, people[role].email)
    name = f"{role}, {state.label.lower()}"
    taken: list[str] = []
    changes: list[tuple[str, dict]] = []  # taken last, in the order offered
    seen: set[str] = set()
    for start in starting_pages(role, trust, cycle, state):
        page.goto(start)
        assert not (why := refusal(page)), f"{start} shows {why}"
        check(page, f"walk-{role}-{state.value}")
        for offer in page.evaluate(OFFERS):
            url = urljoin(page.url, offer["href"] or "")
            if (
                NOT_OFFERS.search(offer["href"] or "")
                or urlsplit(url).netloc != urlsplit(page.url).netloc
            ):
                continue
            key = f"{offer['kind']} {urlsplit(url).path}"
            if key in seen:
                continue
            seen.add(key)
            if not take(page, offer, taken, name):
                changes.append((start, offer))
    # Everything else was taken in this state; now what changes it, one after another
    # (remind before close, as the checklist lists them).
    for start, offer in changes:
        confirm(page, start, offer, taken, name)
    assert taken, f"{role} was offered nothing when the quarter was {state.label.lower()}"
