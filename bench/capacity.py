"""The capacity of the production stack: gunicorn with production settings, PostgreSQL and
the task worker (the smoke suite's deployment, scripts/smoke.py), driven open-loop.

At a target rate, requests start on a schedule whether or not earlier ones have ended, and
each one's time counts from when it was due: a server (or a load generator) that falls
behind shows as queueing instead of slowing the load down and hiding it. The rate steps up
by half until a level fails, then halves the gap; a level holds when its p95 is within
300 ms, it has no errors and it started at least 95% of its requests on time. This finds
the highest rate the members' mix holds (board members signing in and walking the
questionnaire: start page, principle pages, saves with answers and comments, check,
submit) and the same for a bare signed-in view through the same stack
(bench/capacity_app.py), in one run. Then 100 members walk the whole journey with 1–3 s
between actions.

Prints each level, the capacities, p50/p95/p99 per step of the think-time run, the share
of the machine's CPU the load generator took, and a last line
``bench capacity: bare=<r>/s members=<r>/s share=<x.xx> p95_at_100_members=<ms>ms
workers=<desc>``.

Run as ``.venv/bin/python bench/capacity.py`` (PostgreSQL on 127.0.0.1 as for
``make test``). It measures config/gunicorn.py as it stands; ``CAPACITY_CONFIGS`` compares
others in the same run, as ``class:workers:threads`` separated by spaces, with
``:seconds`` for DB_CONN_MAX_AGE if wanted (``sync:5:1 gthread:2:4 gthread:2:4:0``): each
is printed, and the first is the one whose results are emitted.
"""

import http.client
import itertools
import math
import os
import queue
import random
import resource
import runpy
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import BARE_URL  # noqa: E402
from bench.harness import Budget, Result, Spread, emit, single, smallest  # noqa: E402
from bench.members import Board, Step, answers_stored, make_board, percentile  # noqa: E402
from scripts.smoke import (  # noqa: E402
    GUNICORN,
    Deployment,
    browser_headers,
    free_port,
    keep_cookies,
    with_csrf_token,
)

P95_LIMIT_S = 0.3
ON_TIME_SHARE = 0.95  # of a level's requests started when due
SHARE_LIMIT = 5  # the bare view's rate over the members' mix
LEVEL_SECONDS = smallest(6, 2)
MAX_LEVELS = smallest(12, 2)
FIRST_RATE = smallest(20.0, 4.0)
CLOSE_ENOUGH = 1.08  # stop halving the gap between a held and a failed rate below this
# Requests in flight at once, at most (the rest wait their turn); the smoke run signs in
# fewer sessions for the bare view.
GENERATOR_THREADS = smallest(64, 8)
THINK_MEMBERS = smallest(100, 5)
THINK_SECONDS = smallest((1.0, 3.0), (0.1, 0.3))  # the smoke run only proves it runs
THINK = f"{THINK_MEMBERS} members, {THINK_SECONDS[0]:g}–{THINK_SECONDS[1]:g} s between actions"
MIX_MEMBERS = smallest(400, 30)  # fresh members for the mix, per configuration


@dataclass(frozen=True)
class Config:
    """A way to run gunicorn: worker class, workers, threads per worker, and how long
    Django keeps a database connection (None: as config/settings.py says)."""

    worker_class: str
    workers: int
    threads: int
    conn_max_age: int | None = None

    @classmethod
    def parse(cls, text: str) -> "Config":
        """``class:workers:threads``, and ``:seconds`` for DB_CONN_MAX_AGE if wanted."""
        worker_class, workers, threads, *conn_max_age = text.split(":")
        return cls(worker_class, int(workers), int(threads), *map(int, conn_max_age))

    @classmethod
    def shipped(cls) -> "Config":
        """What config/gunicorn.py gives with none of its variables set."""
        names = ("GUNICORN_WORKER_CLASS", "WEB_CONCURRENCY", "GUNICORN_THREADS")
        saved = {name: os.environ.pop(name) for name in names if name in os.environ}
        try:
            values = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
        finally:
            os.environ.update(saved)
        return cls(values["worker_class"], values["workers"], values["threads"])

    def environment(self) -> dict[str, str]:
        chosen = {
            "GUNICORN_WORKER_CLASS": self.worker_class,
            "WEB_CONCURRENCY": str(self.workers),
            "GUNICORN_THREADS": str(self.threads),
        }
        if self.conn_max_age is not None:
            chosen["DB_CONN_MAX_AGE"] = str(self.conn_max_age)
        return chosen

    def text(self) -> str:
        threads = f" × {self.threads} threads" if self.threads > 1 else ""
        connections = "" if self.conn_max_age is None else f", DB_CONN_MAX_AGE={self.conn_max_age}"
        return f"{self.worker_class} {self.workers} workers{threads}{connections}"


class Member:
    """One person's browser: their cookies and what is left of their journey."""

    def __init__(self, steps: Iterator[Step]):
        self.cookies: dict[str, str] = {}
        self.steps = steps


class Client:
    """One keep-alive connection to an app server, kept by one generator thread."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, member: Member, step: Step) -> bool:
        """Sends ``step`` as ``member``'s browser would; True if the status was expected."""
        headers = browser_headers(step.path, member.cookies, {"X-Forwarded-Proto": "https"})
        body = None
        if step.method == "POST":
            body = urlencode(with_csrf_token(member.cookies, step.data))
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            response = self._exchange(step, body, headers)
        except (OSError, http.client.HTTPException):
            self.connection.close()
            return False
        keep_cookies(member.cookies, response)
        return response.status in step.expect

    def _exchange(self, step: Step, body, headers) -> http.client.HTTPResponse:
        """One request and its whole response. A kept connection the server has closed
        meanwhile (its keep-alive ran out) is opened again once, as a browser does."""
        reused = self.connection.sock is not None
        try:
            self.connection.request(step.method, step.path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if not reused:
                raise
            self.connection.close()
            self.connection.request(step.method, step.path, body=body, headers=headers)
            response = self.connection.getresponse()
        response.read()
        return response


@dataclass
class Level:
    """What happened at one target rate."""

    rate: float
    times: list[float]  # seconds from when each request was due to its last byte
    errors: int
    on_time: float  # the rate requests actually started at, over the target
    cpu_share: float  # of the machine, taken by this process (the load generator)

    @property
    def p95(self) -> float:
        return percentile(self.times, 0.95) if self.times else math.inf

    @property
    def holds(self) -> bool:
        return self.p95 <= P95_LIMIT_S and not self.errors and self.on_time >= ON_TIME_SHARE

    def text(self) -> str:
        verdict = "holds" if self.holds else "fails"
        return (
            f"  {self.rate:7.1f}/s: p50 {statistics.median(self.times) * 1000:6.0f} ms, "
            f"p95 {self.p95 * 1000:6.0f} ms, errors {self.errors}, "
            f"on time {self.on_time:.0%}, generator CPU {self.cpu_share:.0%}: {verdict}"
        )


class OpenLoop:
    """Starts requests on a schedule at a target rate. A thread that is free takes the next
    request due, with whichever person ``take`` gives it (one not mid-request), and the time
    counts from when the request was due, so waiting for a free thread counts too."""

    def __init__(self, port: int, take: Callable[[], tuple[Member, Step]], done):
        self.take, self.done = take, done
        self.due: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.records: list[tuple[float, float, bool]] = []  # started, time, ok
        self.threads = [
            threading.Thread(target=self._work, args=(Client(port),), daemon=True)
            for _ in range(GENERATOR_THREADS)
        ]
        for thread in self.threads:
            thread.start()

    def _work(self, client: Client) -> None:
        while (due := self.due.get()) is not None:
            started = time.perf_counter()
            try:
                member, step = self.take()
            except LookupError:  # nobody left to send it: a failure, and the level goes on
                ok = False
            else:
                ok = client.send(member, step)
                self.done(member, step, ok)
            with self.lock:
                self.records.append((started, time.perf_counter() - due, ok))
            self.due.task_done()

    def level(self, rate: float, seconds: float) -> Level:
        self.records = []
        count = max(2, round(rate * seconds))
        cpu_before, wall_before = _cpu_seconds(), time.perf_counter()
        start = wall_before + 0.05
        for number in range(count):
            due = start + number / rate
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            self.due.put(due)
        self.due.join()
        cpu = (_cpu_seconds() - cpu_before) / (
            (time.perf_counter() - wall_before) * len(os.sched_getaffinity(0))
        )
        last_start = max(started for started, _, _ in self.records)
        return Level(
            rate=rate,
            times=[elapsed for _, elapsed, _ in self.records],
            errors=sum(not ok for _, _, ok in self.records),
            on_time=count / ((last_start - start + 1 / rate) * rate),
            cpu_share=cpu,
        )

    def close(self) -> None:
        for _ in self.threads:
            self.due.put(None)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def highest_rate(loop: OpenLoop, name: str) -> Level | None:
    """The highest level that holds: up by half until one fails, then halving the gap."""
    print(f"{name}:")
    held: Level | None = None
    failed_rate = math.inf
    rate = FIRST_RATE
    for _ in range(MAX_LEVELS):
        level = loop.level(rate, LEVEL_SECONDS)
        print(level.text(), flush=True)
        if level.holds and (held is None or rate > held.rate):
            held = level
        elif not level.holds:
            failed_rate = min(failed_rate, rate)
        if failed_rate == math.inf:
            rate *= 1.5
        elif held is None:
            rate /= 2
        elif failed_rate / held.rate < CLOSE_ENOUGH:
            break
        else:
            rate = math.sqrt(held.rate * failed_rate)
        time.sleep(0.5)  # the server's queue empties between levels
    return held


class Server:
    """One gunicorn, started as production starts it, with ``config``, serving the app and
    the bare view."""

    def __init__(self, deployment: Deployment, config: Config, name: str):
        self.port = free_port()
        self.log = open(deployment.folder / f"{name}.log", "w")  # noqa: SIM115 (closed in stop)
        environment = {**deployment.disk(name), **config.environment()}
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "-c",
                "config/gunicorn.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "bench.capacity_app:application",
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=self.log,
        )
        deployment.wait_healthy(self.port)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=40)
        self.log.close()


def members_mix(server: Server, board: Board) -> Level | None:
    """The members' mix at rising rates: each free thread takes the next idle member (a
    fresh one when none is idle) and sends their next step; a member whose request failed
    is dropped, so one level's failure is not counted again in the next."""
    idle: deque[Member] = deque()
    lock = threading.Lock()

    def take() -> tuple[Member, Step]:
        while True:
            with lock:
                member = idle.popleft() if idle else Member(board.next_journey())
            step = next(member.steps, None)
            if step is not None:
                return member, step

    def done(member: Member, step: Step, ok: bool) -> None:
        if ok:
            if step.answers:
                board.sent.append(step.answers)
            idle.append(member)

    loop = OpenLoop(server.port, take, done)
    try:
        loop.level(FIRST_RATE / 2, LEVEL_SECONDS)  # warms every worker's caches, untimed
        return highest_rate(loop, "members' mix")
    finally:
        loop.close()


def bare_view(server: Server, board: Board) -> Level | None:
    """The bare view at rising rates, as signed-in members (one per generator thread)."""
    sessions: deque[Member] = deque()
    client = Client(server.port)
    for _ in range(GENERATOR_THREADS):
        member = Member(board.next_journey())
        for step in itertools.islice(member.steps, 2):  # the sign-in page, signing in
            client.send(member, step)
        member.steps = itertools.repeat(Step("bare view", "GET", BARE_URL))
        sessions.append(member)

    def take() -> tuple[Member, Step]:
        member = sessions.popleft()
        return member, next(member.steps)

    def done(member: Member, step: Step, ok: bool) -> None:
        sessions.append(member)

    loop = OpenLoop(server.port, take, done)
    try:
        loop.level(FIRST_RATE, LEVEL_SECONDS)  # warms every worker, untimed
        return highest_rate(loop, "bare view")
    finally:
        loop.close()


def with_think_time(server: Server, board: Board) -> dict[str, list[float]]:
    """THINK_MEMBERS members, each on a browser of their own, walk the whole journey with a
    uniform 1–3 s pause before every action (the first too, so they do not all arrive in
    the same instant). Returns each step's times, and "error" for each failure."""
    timings: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()

    def walk(member: Member) -> None:
        client = Client(server.port)
        for step in member.steps:
            time.sleep(random.uniform(*THINK_SECONDS))
            started = time.perf_counter()
            ok = client.send(member, step)
            elapsed = time.perf_counter() - started
            with lock:
                timings[step.name].append(elapsed)
                if not ok:
                    timings["error"].append(elapsed)
                elif step.answers:
                    board.sent.append(step.answers)

    threads = [
        threading.Thread(target=walk, args=(Member(board.next_journey()),))
        for _ in range(THINK_MEMBERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


@dataclass
class Measured:
    config: Config
    bare: Level | None
    members: Level | None
    think: dict[str, list[float]]
    think_sent: int  # answers the think-time members' confirmed saves held
    think_stored: int  # answers those members have stored

    @property
    def rates(self) -> tuple[float, float]:
        return (self.bare.rate if self.bare else 0.0, self.members.rate if self.members else 0.0)

    @property
    def share(self) -> float:
        bare, members = self.rates
        return members / bare if bare else 0.0

    @property
    def think_times(self) -> list[float]:
        return [value for name, values in self.think.items() if name != "error" for value in values]

    @property
    def think_p95_ms(self) -> float:
        return percentile(self.think_times, 0.95) * 1000

    def summary(self) -> str:
        bare, members = self.rates
        return (
            f"bare={bare:.0f}/s members={members:.0f}/s share={self.share:.2f}"
            f" p95_at_100_members={self.think_p95_ms:.0f}ms workers={self.config.text()}"
        )


def measure(deployment: Deployment, config: Config, number: int) -> Measured:
    """One configuration: the bare view, the members' mix and the think-time run, each
    with members of its own, so one never runs short for another and each one's answers
    are counted apart."""
    print(f"== {config.text()} ==", flush=True)
    mix = make_board(deployment, MIX_MEMBERS, f"capacity{number}-mix")
    signed_in = make_board(deployment, GENERATOR_THREADS, f"capacity{number}-bare")
    thinking = make_board(deployment, THINK_MEMBERS, f"capacity{number}-think")
    server = Server(deployment, config, f"capacity-{number}")
    try:
        bare = bare_view(server, signed_in)
        members = members_mix(server, mix)
        print(f"{THINK}:", flush=True)
        think = with_think_time(server, thinking)
    finally:
        server.stop()
    stored = answers_stored(deployment, f"capacity{number}-think")
    measured = Measured(config, bare, members, think, sum(thinking.sent), stored)
    print_steps(think)
    print(f"  {measured.summary()}", flush=True)
    return measured


def print_steps(timings: dict[str, list[float]]) -> None:
    print(f"  {'step':<20} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, values in timings.items():
        print(
            f"  {name:<20} {len(values):>6} {statistics.median(values) * 1000:>8.0f}"
            f" {percentile(values, 0.95) * 1000:>8.0f} {percentile(values, 0.99) * 1000:>8.0f}"
        )


def results(
    measured: Measured, capacity_problems: list[str], think_problems: list[str]
) -> list[Result]:
    bare, members = measured.rates
    bare_p95 = measured.bare.p95 * 1000 if measured.bare else math.nan
    members_p95 = measured.members.p95 * 1000 if measured.members else math.nan
    generator = max(
        (level.cpu_share for level in (measured.bare, measured.members) if level),
        default=math.nan,
    )
    capacity = Result(
        budget="capacity: members' mix against a bare view",
        size=f"p95 ≤ {P95_LIMIT_S * 1000:.0f} ms, {measured.config.text()}",
        database="postgresql",
        limit=Budget(ratio=SHARE_LIMIT),
        ratio=Spread.of([bare / members if members else math.inf]),
        subject_ms=Spread.of([members_p95]),
        floor_ms=Spread.of([bare_p95]),
        floor="a bare signed-in view through the same stack",
        rounds=1,
        note=(
            f"bare view {bare:.0f}/s, members' mix {members:.0f}/s; "
            f"load generator up to {generator:.0%} of the CPU"
        ),
        problems=tuple(capacity_problems),
    )
    think = single(
        measured.think_times,
        budget=THINK,
        size="the whole journey each",
        limit=Budget(p95_ms=P95_LIMIT_S * 1000),
        database="postgresql",
        note="0 errors, answers sent = stored",
        problems=tuple(think_problems),
        p95_ms=measured.think_p95_ms,
    )
    return [capacity, think]


def main() -> int:
    configs = [Config.parse(text) for text in os.environ.get("CAPACITY_CONFIGS", "").split()]
    configs = configs or [Config.shipped()]
    with tempfile.TemporaryDirectory(prefix="quarterdeck-capacity-") as folder:
        deployment = Deployment(Path(folder))
        try:
            deployment.start()
            measured = [
                measure(deployment, config, number) for number, config in enumerate(configs)
            ]
        finally:
            deployment.stop()
    first = measured[0]
    capacity_problems = [] if first.bare and first.members else ["no rate held"]
    think_problems = []
    if errors := len(first.think.get("error", [])):
        think_problems.append(f"{errors} errors")
    if first.think_sent != first.think_stored:
        think_problems.append(f"{first.think_sent} answers sent, {first.think_stored} stored")
    emit(results(first, capacity_problems, think_problems))
    for other in measured[1:]:
        print(f"compared: {other.summary()}")
    print(f"bench capacity: {first.summary()}")
    return 1 if capacity_problems or think_problems else 0


if __name__ == "__main__":
    sys.exit(main())
