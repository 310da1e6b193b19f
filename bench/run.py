"""`make bench`: every benchmark on SQLite and on PostgreSQL, as one table of budgets.

Each script runs in a process of its own, against a database of its own (a throw-away
test database, or a freshly named one for the national scale), and prints its results as
one JSON line (bench/harness.py). This prints every budget (docs/architecture.md,
"Performance budgets") with the measured ratio (median and interquartile range), the time
and the queries, met or not, and ends with ``bench: budgets=<n> met=<m>``; it exits
non-zero if any budget is missed.

    .venv/bin/python bench/run.py [--only questionnaire,board_paper,national,load] [--sqlite-only]
                                  [--smoke]

``--smoke`` (``make bench-smoke``, part of ``make test``) runs every script at its smallest
size with two rounds: it proves the scripts still run against today's code, and fails only
when one does not (or finds errors or lost answers); two rounds judge no budget.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import RESULT_PREFIX, Result, load  # noqa: E402

POSTGRES = "postgres://postgres@127.0.0.1:5432/quarterdeck_bench"
# Script, its arguments, and the databases it runs on. The national scale seeds 1M+
# answers per size, so its bulk export (a background-worker job) runs on PostgreSQL only,
# as production runs it; the load test is the production stack, PostgreSQL by definition.
PLAN = [
    ("questionnaire", [], ("sqlite", "postgresql")),
    ("board_paper", [], ("sqlite", "postgresql")),
    ("national", [], ("sqlite",)),
    ("national", ["--bulk"], ("postgresql",)),
    ("load", [], ("postgresql",)),
]


def postgres_reachable() -> bool:
    return (
        subprocess.run([str(ROOT / "scripts" / "postgres-ready.sh")], check=False).returncode == 0
    )


def run_script(name: str, arguments: list[str], database: str, smoke: bool) -> list[Result]:
    environment = dict(os.environ)
    environment.pop("DATABASE_URL", None)
    if smoke:
        environment["BENCH_SMOKE"] = "1"
    if database == "postgresql":
        environment["DATABASE_URL"] = POSTGRES
    print(f"running bench/{name}.py {' '.join(arguments)} on {database} ...", flush=True)
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in finished.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    for line in finished.stdout.splitlines():
        if not line.startswith(RESULT_PREFIX):
            print(f"  {line}")
    if finished.returncode and lines:  # the script ran, and some budget of its own failed
        return load(lines[-1])
    if finished.returncode or not lines:
        print(finished.stdout[-3000:], finished.stderr[-3000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"bench/{name}.py failed on {database} (exit {finished.returncode})")
    return load(lines[-1])


def table(results: list[Result]) -> str:
    headings = ("budget", "size", "database", "median", "ratio [IQR]", "queries", "limit", "")
    rows = [headings]
    for item in results:
        rows.append(
            (
                item.budget,
                item.size,
                item.database,
                f"{item.subject_ms.median:.1f} ms"
                if item.subject_ms.median < 10_000
                else f"{item.subject_ms.median / 1000:.0f} s",
                item.ratio.text() if item.ratio else "–",
                "/".join(map(str, item.queries)) or "–",
                item.limit.text(),
                "met" if item.met else "MISSED " + ", ".join(item.misses),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(headings))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="comma-separated script names")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="smallest sizes, two rounds")
    options = parser.parse_args()
    chosen = set(filter(None, options.only.split(",")))
    with_postgres = not options.sqlite_only and postgres_reachable()
    results: list[Result] = []
    for name, arguments, databases in PLAN:
        if chosen and name not in chosen:
            continue
        for database in databases:
            if database == "postgresql" and not with_postgres:
                print(f"skipping bench/{name}.py on PostgreSQL: not reachable", file=sys.stderr)
                continue
            results += run_script(name, arguments, database, options.smoke)
    print()
    print(table(results))
    if options.smoke:
        problems = [problem for item in results for problem in item.problems]
        print(f"bench smoke: results={len(results)} problems={len(problems)}")
        raise SystemExit(1 if problems else 0)
    met = sum(item.met for item in results)
    print(f"bench: budgets={len(results)} met={met}")
    raise SystemExit(0 if met == len(results) else 1)


if __name__ == "__main__":
    main()
