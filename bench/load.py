"""Load on the production stack: gunicorn with production settings, PostgreSQL, the task
worker (the smoke suite's deployment, scripts/smoke.py). 50 board members at once sign
in, fill all eight principle pages with comments, save and come back half way, check and
submit; then 50 page views by coordinators and programme staff at the same time.

Prints requests per second, p50/p95/p99 per step, errors, and answers sent against
answers stored. Last line:
``bench load: users=<n> errors=<e> sent=<s> stored=<t> p95_ms=<p>``.

Run as ``.venv/bin/python bench/load.py`` (PostgreSQL on 127.0.0.1 as for ``make test``);
``LOAD_USERS`` sets the number of board members.
"""

import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import Budget, emit, single, smallest  # noqa: E402
from scripts.smoke import PASSWORD, Browser, Deployment, Tally  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", smallest("50", "2")))
TRUST = "ZZA"


class TimedBrowser(Browser):
    """A smoke-suite browser that records how long each step took, and its failures."""

    def __init__(self, tally, port, timings, lock):
        super().__init__(tally, port)
        self.timings, self.lock = timings, lock

    def step(self, name, path, *, method="GET", data=None, expect=(200,)):
        started = time.perf_counter()
        response, content = self.visit(name, path, method=method, data=data, expect=expect)
        with self.lock:
            self.timings[name].append(time.perf_counter() - started)
        return response, content


def add_members(deployment: Deployment) -> list[str]:
    """USERS new board members at the demo trust, made through the actions as an
    invitation would, with the demo password hashed as production hashes it."""
    emails = [f"load.member{n}@load.example" for n in range(USERS)]
    deployment.manage(
        "shell",
        "-c",
        "from core.audit import SystemActor\n"
        "from trusts.actions import user_create, membership_add\n"
        "from trusts.models import Trust, Role, SeatGroup\n"
        f"trust = Trust.objects.get(ods_code='{TRUST}')\n"
        f"for email in {emails!r}:\n"
        "    user = user_create(email=email, full_name='Load Member',"
        f" password='{PASSWORD}', by=SystemActor('load test'))\n"
        "    membership_add(trust=trust, user=user, role=Role.BOARD_MEMBER,"
        " seat_group=SeatGroup.EXECUTIVE, by=SystemActor('load test'))\n",
    )
    return emails


def member_journey(browser: TimedBrowser, email: str, base: str, pages, sent: list) -> None:
    browser.request("GET", "/sign-in/")
    browser.step(
        "sign in",
        "/sign-in/",
        method="POST",
        data={"username": email, "password": PASSWORD},
        expect=(302,),
    )
    browser.step("questionnaire start", base)
    numbers = sorted(pages)
    for number in numbers:
        page = f"{base}principles/{number}/"
        browser.step("principle page", page)
        answers = {"action": "later" if number == numbers[len(numbers) // 2 - 1] else "continue"}
        for key in pages[number]:
            prefix = key.replace(".", "-")
            answers[f"{prefix}-level"] = str(1 + hash((email, key)) % 5)
            answers[f"{prefix}-comment"] = f"Load comment from {email} on {key}."
        response, _ = browser.step("save page", page, method="POST", data=answers, expect=(302,))
        if response.status == 302:
            sent.append(len(pages[number]))
        if answers["action"] == "later":  # a break, then back to the start page
            browser.step("questionnaire start", base)
    browser.step("check answers", f"{base}check/")
    browser.step("submit", f"{base}check/", method="POST", expect=(302,))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    tally, timings, lock = Tally(), defaultdict(list), threading.Lock()
    with tempfile.TemporaryDirectory(prefix="quarterdeck-load-") as folder:
        deployment = Deployment(Path(folder))
        try:
            deployment.start()
            emails = add_members(deployment)
            query = deployment.query
            ((cycle_id, year, quarter),) = query(
                "SELECT c.id, c.year, c.quarter FROM assessments_assessment a"
                " JOIN assessments_cycle c ON c.id = a.cycle_id"
                " JOIN trusts_trust t ON t.id = a.trust_id"
                " WHERE t.ods_code = %s AND a.status = 'open'",
                TRUST,
            )
            slug = f"{year}-{(year + 1) % 100:02d}-q{quarter}"
            pages = defaultdict(list)
            for number, key in query(
                "SELECT p.number, q.key FROM principles_question q"
                " JOIN principles_principle p ON p.id = q.principle_id"
                " JOIN assessments_cycle c ON c.framework_id = q.framework_id"
                ' WHERE c.id = %s ORDER BY p.number, q."order"',
                cycle_id,
            ):
                pages[number].append(key)
            base = f"/trusts/{TRUST}/assessments/{slug}/questionnaire/"
            sent: list[int] = []
            ports = deployment.ports
            members = [
                threading.Thread(
                    target=member_journey,
                    args=(
                        TimedBrowser(tally, ports[n % 2], timings, lock),
                        email,
                        base,
                        pages,
                        sent,
                    ),
                )
                for n, email in enumerate(emails)
            ]
            started = time.perf_counter()
            for thread in members:
                thread.start()
            for thread in members:
                thread.join()
            member_seconds = time.perf_counter() - started

            # Then coordinators and programme staff, 50 page views at once.
            lead = TimedBrowser(tally, ports[0], timings, lock)
            lead.sign_in("priya.shah@wessexvale.example", second_factor=True)
            staff = TimedBrowser(tally, ports[1], timings, lock)
            staff.sign_in("programme@quarterdeck.example", second_factor=True)
            views = [
                (lead, "coordinator page", f"/trusts/{TRUST}/assessments/{slug}/"),
                (lead, "coordinator page", f"/trusts/{TRUST}/people/"),
                (staff, "programme page", "/trusts/"),
                (staff, "programme page", f"/trusts/{TRUST}/audit/"),
            ]
            viewers = [
                threading.Thread(target=browser.step, args=(name, path))
                for browser, name, path in (views[n % len(views)] for n in range(50))
            ]
            for thread in viewers:
                thread.start()
            for thread in viewers:
                thread.join()
            stored = query(
                "SELECT count(*) FROM assessments_answer a JOIN assessments_response r"
                " ON r.id = a.response_id JOIN trusts_user u ON u.id = r.respondent_id"
                " WHERE u.email LIKE 'load.member%%'"
            )[0][0]
        finally:
            deployment.stop()

    requests = sum(len(values) for values in timings.values())
    print(
        f"{USERS} board members: {requests} timed requests, "
        f"{requests / member_seconds:.1f} requests/s over {member_seconds:.1f} s"
    )
    print(f"{'step':<20} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, values in timings.items():
        print(
            f"{name:<20} {len(values):>6} {statistics.median(values) * 1000:>8.0f}"
            f" {percentile(values, 0.95) * 1000:>8.0f} {percentile(values, 0.99) * 1000:>8.0f}"
        )
    for error in tally.errors[:20]:
        print(f"ERROR {error}")
    everything = [value for values in timings.values() for value in values]
    print(
        f"bench load: users={USERS} errors={len(tally.errors)} sent={sum(sent)} "
        f"stored={stored} p95_ms={percentile(everything, 0.95) * 1000:.0f}"
    )
    problems = []
    if tally.errors:
        problems.append(f"{len(tally.errors)} errors")
    if sum(sent) != stored:
        problems.append(f"{sum(sent)} answers sent, {stored} stored")
    sign_in = statistics.median(timings["sign in"]) * 1000
    emit(
        [
            single(
                everything,
                budget="board members at once on the production stack",
                size=f"{USERS} members, every page",
                limit=Budget(),
                database="postgresql",
                note=f"0 errors, answers sent = stored; sign-in p50 {sign_in:.0f} ms",
                problems=tuple(problems),
            )
        ]
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
