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
from bench.members import TRUST, Board, answers_stored, make_board, percentile  # noqa: E402
from scripts.smoke import Browser, Deployment, Tally  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", smallest("50", "2")))


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


def member_journey(browser: TimedBrowser, board: Board) -> None:
    """One member's questionnaire, every step timed (bench/members.py)."""
    for step in board.next_journey():
        response, _ = browser.step(
            step.name, step.path, method=step.method, data=step.data, expect=step.expect
        )
        if step.answers and response.status == 302:
            board.sent.append(step.answers)


def main() -> int:
    tally, timings, lock = Tally(), defaultdict(list), threading.Lock()
    with tempfile.TemporaryDirectory(prefix="quarterdeck-load-") as folder:
        deployment = Deployment(Path(folder))
        try:
            deployment.start()
            board = make_board(deployment, USERS, "load")
            ports = deployment.ports
            members = [
                threading.Thread(
                    target=member_journey,
                    args=(TimedBrowser(tally, ports[n % 2], timings, lock), board),
                )
                for n in range(USERS)
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
                (lead, "coordinator page", board.base.removesuffix("questionnaire/")),
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
            stored = answers_stored(deployment, "load")
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
        f"bench load: users={USERS} errors={len(tally.errors)} sent={sum(board.sent)} "
        f"stored={stored} p95_ms={percentile(everything, 0.95) * 1000:.0f}"
    )
    problems = []
    if tally.errors:
        problems.append(f"{len(tally.errors)} errors")
    if sum(board.sent) != stored:
        problems.append(f"{sum(board.sent)} answers sent, {stored} stored")
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
