"""The programme comparison and the API's national results at national scale, each
against its floor, and the bulk export of every board paper of a quarter.

The budgets (docs/architecture.md, "Performance budgets"): at 200 trusts × 23 quarters
(over a million answers), the comparison with any filter or chosen trust at most 2 times
a bare page through the same NHS.UK layout reading the summary rows it shows, and under
100 ms; the API's answer of one quarter at most 2 times the same API answering those rows
as JSON, under 100 ms and in at most 5 queries; on SQLite and PostgreSQL. All 200 board
papers in at most 90 s on 2 cores. Each size runs in a process, database and temporary
folder of its own; subject and floor are interleaved round by round (bench/harness.py).
30 trusts show how the views grow.

    .venv/bin/python bench/national.py [--quarters 23] [--bulk]   (DATABASE_URL for PostgreSQL)
"""

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    RESULT_PREFIX,
    Budget,
    emit,
    interleave,
    load,
    result,
    single,
    smallest,
)

POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
ROUNDS = 30
SIZES = smallest((30, 200), (3,))
COMPARISON = Budget(ratio=2, ms=100)
# The API's answer of one quarter's national results (all trusts on one page), against the
# API's own floor (below).
API_RESULTS = Budget(ratio=2, ms=100, queries=5)
# What the comparison shows, read as plainly as SQL can: each trust's principle scores for
# the quarter, and for a chosen trust each quarter's overall scores (its trend and its peers).
CYCLE_ROWS = """
SELECT t.id, t.name, t.ods_code, t.region, t.trust_type, p.number, r.score
FROM assessments_principleresult r
JOIN assessments_assessment a ON a.id = r.assessment_id
JOIN trusts_trust t ON t.id = a.trust_id
JOIN principles_principle p ON p.id = r.principle_id
WHERE a.cycle_id = %s AND a.status = 'closed' AND r.respondents >= %s {where}
"""
TREND_ROWS = """
SELECT c.year, c.quarter, a.trust_id, o.score
FROM assessments_overallresult o
JOIN assessments_assessment a ON a.id = o.assessment_id
JOIN assessments_cycle c ON c.id = a.cycle_id
JOIN trusts_trust t ON t.id = a.trust_id
WHERE a.status = 'closed' AND o.respondents >= %s {where}
"""


# The comparison's floor: a page through the same NHS.UK layout the comparison extends
# (base.html, the same context processors, the same signed-in person, the same middleware)
# that reads the rows the page shows with plain SQL and says only how many there were.
# What the page adds over it is the comparison's own work: grouping, sorting, spreads, the
# trend, the filters and the table.
FLOORS: dict[str, tuple[str, list, bool]] = {}
SUMMARY_PAGE = (
    '{% extends "base.html" %}{% block title %}Summary rows{% endblock %}'
    "{% block content %}<h1>Summary rows</h1><p>{{ rows }} rows</p>{% endblock %}"
)
# The API's floor reads every figure the API's answer carries with the comparison's own two
# statements (reports.national.queries): each closed assessment once (its trust, overall
# score and the board its latest release published), then each principle's row (score,
# respondents, what the confidence is made from), and sends them as they come.
API_FLOOR_PATH = "/bench/quarters/{cycle_id}/rows"
urlpatterns: list = []


def summary_rows(variant: str, cycle_id: int) -> list:
    """The rows a variant of the comparison shows, read with plain SQL."""
    from django.conf import settings
    from django.db import connection

    where, params, chosen = FLOORS[variant]
    with connection.cursor() as cursor:
        cursor.execute(CYCLE_ROWS.format(where=where), [cycle_id, settings.MIN_RESPONSES, *params])
        rows = cursor.fetchall()
        if chosen:
            cursor.execute(TREND_ROWS.format(where=where), [settings.MIN_RESPONSES, *params])
            rows += cursor.fetchall()
    return rows


@cache
def summary_page():
    """The floor's template, compiled once per process as the app's own are (the cached
    loader)."""
    from django.template import engines

    return engines["django"].from_string(SUMMARY_PAGE)


def summary_page_view(request, variant: str):
    from django.http import HttpResponse

    rows = summary_rows(variant, int(request.GET["cycle"]))
    return HttpResponse(summary_page().render({"rows": len(rows)}, request))


def api_rows(request, cycle_id: int):
    """The API's floor, on the API itself (its token, its count of requests a minute, its
    check of the caller's permission): the rows its answer is made from, as JSON. Added in
    the benchmark's process only."""
    from django.conf import settings
    from django.db import connection
    from django.http import JsonResponse

    from assessments.models import AssessmentStatus
    from reports.national.queries import CLOSED_ASSESSMENTS, CLOSED_PRINCIPLES

    closed = AssessmentStatus.CLOSED.value
    with connection.cursor() as cursor:
        cursor.execute(CLOSED_ASSESSMENTS.format(where=""), [cycle_id, closed])
        assessments = cursor.fetchall()
        cursor.execute(
            CLOSED_PRINCIPLES.format(where=""), [cycle_id, closed, settings.MIN_RESPONSES]
        )
        return JsonResponse({"assessments": assessments, "principles": cursor.fetchall()})


def bench_urls() -> list:
    """The app's URLs with the two floors: the page's beside them, the API's on the API
    (so it is served only here, never by the app)."""
    from django.urls import include
    from django.urls import path as url_path

    from reports.api.endpoints import api, needs
    from trusts.permissions import Permission

    api.get(API_FLOOR_PATH, include_in_schema=False)(needs(Permission.API_USE)(api_rows))
    from config.urls import urlpatterns as app_urls

    floor = [pattern for pattern in api.urls[0] if pattern.name == api_rows.__name__]
    return [
        *app_urls,
        url_path("bench/summary/<str:variant>/", summary_page_view),
        url_path("bench/api/v1/", include(floor)),
    ]


@contextmanager
def fresh_database(url: str | None, folder: Path):
    """A database of its own for one run, named for it and removed afterwards, so two
    runs at once (or a stray earlier one) never share or drop each other's data."""
    if not url or url.startswith("sqlite"):
        yield f"sqlite:///{folder / 'national.sqlite3'}"
        return
    import psycopg2

    name = f"quarterdeck_bench_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def inner(trusts: int, quarters: int, bulk: bool) -> None:
    """Runs in its own process, with DATABASE_URL pointing at a fresh database."""
    start_django()
    from django.core.management import call_command
    from django.db import connection

    from assessments.models import AssessmentStatus
    from seeders.national import seed_national

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = seed_national(trust_count=trusts, quarters=quarters)
    seed_s = time.perf_counter() - started
    size = f"{report.trusts} trusts × {report.cycles} quarters"
    print(f"seeded {size}, {report.answers:,} answers, in {seed_s:.0f} s", file=sys.stderr)
    cycle, staff = measured_quarter(), bench_person()
    results = measure(cycle, staff, size)
    if bulk:
        started = time.perf_counter()
        call_command(
            "bulk_papers",
            "--cycle",
            cycle.label,
            "--output",
            str(Path(os.environ["MEDIA_ROOT"]).parent / "papers.zip"),
            stdout=io.StringIO(),
        )
        papers = cycle.assessments.filter(status=AssessmentStatus.CLOSED).count()
        results.append(
            single(
                [time.perf_counter() - started],
                budget="all board papers of a quarter, 2 workers",
                size=f"{papers} papers",
                limit=Budget(ms=90_000),
                database=connection.vendor,
            )
        )
    emit(results)


def start_django() -> None:
    """Django as in production (no debug), serving the app's URLs and the two floors."""
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    global urlpatterns
    from django.conf import settings

    urlpatterns = bench_urls()
    settings.ROOT_URLCONF = __name__
    settings.API_REQUESTS_PER_MINUTE = 10**9  # the bench is not a client to be limited


def measured_quarter():
    from assessments.models import AssessmentStatus, Cycle

    return Cycle.objects.filter(assessments__status=AssessmentStatus.CLOSED).distinct().first()


def bench_person():
    from core.audit import SystemActor
    from trusts.actions import user_create

    return user_create(
        email="bench@programme.example",
        full_name="Bench",
        password=None,
        by=SystemActor("benchmark"),
        is_programme_staff=True,
    )


def measure(cycle, staff, size: str) -> list:
    """Every variant of the comparison, then the API, each against its floor."""
    from django.test import Client
    from django.urls import reverse

    from trusts.models import Trust

    client = Client()
    client.force_login(staff)
    path = reverse("national:programme-comparison", args=[cycle.slug])
    trust = Trust.objects.order_by("ods_code").first()
    region = trust.region
    variants = [
        ("no filter", "", "", []),
        ("one region", f"region={region}", "AND t.region = %s", [region]),
        ("one type", f"type={trust.trust_type}", "AND t.trust_type = %s", [trust.trust_type]),
        ("a chosen trust", f"trust={trust.ods_code}", "", []),
        (
            "a chosen trust in its region",
            f"region={region}&trust={trust.ods_code}",
            "AND t.region = %s",
            [region],
        ),
    ]
    results = []
    for index, (name, query, where, params) in enumerate(variants):
        FLOORS[str(index)] = (where, params, "trust=" in query)

        def view(query=query):
            assert client.get(f"{path}?{query}").status_code == 200

        def floor(index=index):
            assert client.get(f"/bench/summary/{index}/?cycle={cycle.pk}").status_code == 200

        results.append(
            result(
                interleave(view, floor, rounds=ROUNDS),
                budget=f"national comparison, {name}",
                size=size,
                limit=COMPARISON,
                floor="a bare page in the same layout reading its summary rows",
            )
        )
    results.append(api_results(cycle, staff))
    return results


def api_results(cycle, staff):
    """GET /api/v1/quarters/<quarter>/results with a programme token, every trust on one
    page, interleaved with the API's floor: the same token on the same API, reading the
    rows the answer is made from and sending them as JSON."""
    from django.test import Client

    from accounts.tokens import token_create
    from trusts.models import Trust

    token = token_create(user=staff, name="Bench", expires_days=1, by=staff)[1]
    reader = Client(headers={"Authorization": f"Bearer {token}"})
    path = f"/api/v1/quarters/{cycle.slug}/results?page_size=1000"
    floor_path = "/bench/api/v1" + API_FLOOR_PATH.format(cycle_id=cycle.pk)

    def api():
        assert reader.get(path).status_code == 200

    def floor():
        assert reader.get(floor_path).status_code == 200

    return result(
        interleave(api, floor, rounds=ROUNDS),
        budget="API: one quarter's national results",
        size=f"{Trust.objects.count()} trusts",
        limit=API_RESULTS,
        floor="the same API and token reading its summary rows as JSON",
    )


def run(trusts: int, quarters: int, bulk: bool) -> list:
    """One size's run, in a fresh process, database and temporary folder."""
    with (
        tempfile.TemporaryDirectory(prefix="quarterdeck-bench-national-") as folder,
        fresh_database(os.environ.get("DATABASE_URL"), Path(folder)) as url,
    ):
        environment = os.environ | {"DATABASE_URL": url, "MEDIA_ROOT": str(Path(folder) / "m")}
        output = subprocess.run(
            [sys.executable, __file__, "--inner", "--trusts", str(trusts)]
            + ["--quarters", str(quarters)]
            + (["--bulk"] if bulk else []),
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(line for line in reversed(output.splitlines()) if line.startswith(RESULT_PREFIX))
    return load(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inner", action="store_true")
    parser.add_argument("--trusts", type=int, default=200)
    parser.add_argument(
        "--quarters", type=int, default=smallest(23, 2), help="23 give over a million answers"
    )
    parser.add_argument("--bulk", action="store_true", help="also make every paper of a quarter")
    options = parser.parse_args()
    if options.inner:
        inner(options.trusts, options.quarters, options.bulk)
        return
    results = []
    for trusts in SIZES:
        results += run(trusts, options.quarters, bulk=options.bulk and trusts == SIZES[-1])
    emit(results)


if __name__ == "__main__":
    main()
