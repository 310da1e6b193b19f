"""The programme comparison at national scale, the seed, and the bulk export.

DESIGN.md §8: about 200 trusts and over a million answers; the comparison well under a
second on SQLite and PostgreSQL. For each database, in a fresh process and database: the
time to build the synthetic national data set (``seed_national``), the comparison view's
time through the app, the time to read the same summary rows with raw SQL, and their
ratio (goal <= 3x, and under 100 ms). Then the bulk export of every closed paper of a
quarter with two worker processes (goal <= 2 minutes on 2 cores), on PostgreSQL when it
is reachable, else SQLite.

    .venv/bin/python bench/national.py [--quarters 23] [--skip-postgres] [--skip-bulk]
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
RAW_SQL = """
SELECT t.id, t.name, t.ods_code, t.region, t.trust_type, p.number, r.score
FROM assessments_principleresult r
JOIN assessments_assessment a ON a.id = r.assessment_id
JOIN trusts_trust t ON t.id = a.trust_id
JOIN principles_principle p ON p.id = r.principle_id
WHERE a.cycle_id = %s AND a.status = 'closed' AND r.respondents >= %s
"""


@contextmanager
def fresh_database(kind: str, folder: Path):
    """A database of its own for one run, named for it and removed afterwards, so two
    runs at once (or a stray earlier one) never share or drop each other's data."""
    if kind == "sqlite":
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


def inner(url: str, media: str, quarters: int, bulk: bool) -> dict:
    """Runs in its own process, with DATABASE_URL pointing at a fresh database."""
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["MEDIA_ROOT"] = media
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from assessments.models import AssessmentStatus, Cycle
    from bench.common import median_seconds
    from core.national import seed_national
    from trusts.actions import user_create

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = seed_national(trust_count=200, quarters=quarters)
    seed_s = time.perf_counter() - started

    cycle = Cycle.objects.filter(assessments__status=AssessmentStatus.CLOSED).distinct().first()
    staff = user_create(
        email="bench@programme.example",
        full_name="Bench",
        password=None,
        by=None,
        is_programme_staff=True,
    )
    client = Client()
    client.force_login(staff)
    url_path = reverse("programme-comparison", args=[cycle.slug])

    def view():
        assert client.get(url_path).status_code == 200

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, [cycle.pk, settings.MIN_RESPONSES])
            cursor.fetchall()

    view_s = median_seconds(view, repeat=20, warmup=3)
    raw_s = median_seconds(raw, repeat=50, warmup=3)
    result = {
        "database": connection.vendor,
        "trusts": report.trusts,
        "quarters": report.cycles,
        "answers": report.answers,
        "seed_s": seed_s,
        "view_ms": view_s * 1000,
        "raw_ms": raw_s * 1000,
        "ratio": view_s / raw_s,
    }
    if bulk:
        started = time.perf_counter()
        call_command("bulk_papers", "--cycle", cycle.label, stdout=io.StringIO())
        result["bulk_s"] = time.perf_counter() - started
        result["papers"] = cycle.assessments.filter(status=AssessmentStatus.CLOSED).count()
    return result


def run(kind: str, quarters: int, bulk: bool) -> dict:
    """One database's run, in a fresh process, database and temporary folder."""
    with (
        tempfile.TemporaryDirectory(prefix="quarterdeck-bench-national-") as folder,
        fresh_database(kind, Path(folder)) as url,
    ):
        output = subprocess.run(
            [sys.executable, __file__, "--inner", url, "--media", str(Path(folder) / "media")]
            + ["--quarters", str(quarters)]
            + (["--bulk"] if bulk else []),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return json.loads(output.strip().splitlines()[-1])


def postgres_reachable() -> bool:
    try:
        import psycopg2

        psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres").close()
    except Exception:
        return False
    return True


def report(result: dict) -> None:
    print(
        f"{result['database']}: {result['trusts']} trusts x {result['quarters']} quarters, "
        f"{result['answers']:,} answers; seed {result['seed_s']:.0f} s; comparison view "
        f"{result['view_ms']:.1f} ms, raw SQL {result['raw_ms']:.1f} ms, ratio "
        f"{result['ratio']:.2f} (goal <= 3, and under 100 ms)"
    )
    if "bulk_s" in result:
        print(
            f"{result['database']}: bulk export of {result['papers']} board papers with 2 "
            f"workers: {result['bulk_s']:.0f} s (goal <= 120 s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inner")
    parser.add_argument("--media")
    parser.add_argument("--quarters", type=int, default=23, help="23 gives over a million answers")
    parser.add_argument("--bulk", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-bulk", action="store_true")
    options = parser.parse_args()
    if options.inner:
        print(json.dumps(inner(options.inner, options.media, options.quarters, options.bulk)))
        return
    use_postgres = not options.skip_postgres and postgres_reachable()
    sqlite = run("sqlite", options.quarters, bulk=not options.skip_bulk and not use_postgres)
    report(sqlite)
    postgres = None
    if use_postgres:
        postgres = run("postgres", options.quarters, bulk=not options.skip_bulk)
        report(postgres)
    bulk = (postgres or sqlite).get("bulk_s")
    print(
        f"bench national: sqlite_ratio={sqlite['ratio']:.2f} "
        f"postgres_ratio={postgres['ratio'] if postgres else float('nan'):.2f} "
        f"bulk_s={bulk if bulk is not None else float('nan'):.0f}"
    )


if __name__ == "__main__":
    main()
