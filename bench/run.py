"""`make bench`: every benchmark on SQLite and on PostgreSQL, as one table of budgets.

Each script runs in a process of its own, against a database of its own (a throw-away
test database, or a freshly named one for the national scale), and prints its results as
one JSON line (bench/harness.py). This prints every budget (docs/architecture.md,
"Performance budgets") with the measured ratio (median and interquartile range), the time
and the queries, met or not, and ends with ``bench: budgets=<n> met=<m>`` and the
capacity line; it exits non-zero if any budget is missed. A whole run writes its results
as JSON (docs/bench-results.json) and draws them as one chart (docs/bench.svg,
bench/chart.py); a partial one writes only where ``--output`` says.

    .venv/bin/python bench/run.py [--only questionnaire,board_paper,national,load,capacity]
                                  [--sqlite-only] [--smoke] [--output DIR]

``--smoke`` (``make bench-smoke``, part of ``make test``) runs every script at its smallest
size with two rounds: it proves the scripts still run against today's code, and fails only
when one does not (or finds errors or lost answers); two rounds judge no budget. It draws
its chart in a temporary folder, so the drawing is proved too.
"""

import argparse
import datetime
import json
import math
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chart import draw  # noqa: E402
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
    ("capacity", [], ("postgresql",)),
]
# What a script prints for the run's last lines, beside the budgets line.
SUMMARY_PREFIXES = ("bench capacity:",)


def postgres_reachable() -> bool:
    return (
        subprocess.run([str(ROOT / "scripts" / "postgres-ready.sh")], check=False).returncode == 0
    )


def run_script(
    name: str, arguments: list[str], database: str, smoke: bool, summaries: list[str]
) -> list[Result]:
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
        if line.startswith(SUMMARY_PREFIXES):
            summaries.append(line)
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


def _finite(value):
    """``value`` with every infinite or undefined number (a capacity where no rate held) as
    null, which strict JSON readers accept."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def write(results: list[Result], folder: Path) -> None:
    """The run's results as JSON and as the chart, into ``folder``."""
    measured_on = datetime.date.today().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    record = {"measured_on": measured_on, "results": [asdict(item) for item in results]}
    (folder / "bench-results.json").write_text(
        json.dumps(_finite(record), indent=1, allow_nan=False) + "\n"
    )
    (folder / "bench.svg").write_text(draw(results, measured_on=measured_on))
    print(f"wrote {folder / 'bench-results.json'} and {folder / 'bench.svg'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="comma-separated script names")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="smallest sizes, two rounds")
    parser.add_argument("--output", type=Path, help="where the JSON and the chart go")
    options = parser.parse_args()
    chosen = set(filter(None, options.only.split(",")))
    with_postgres = not options.sqlite_only and postgres_reachable()
    results: list[Result] = []
    summaries: list[str] = []
    for name, arguments, databases in PLAN:
        if chosen and name not in chosen:
            continue
        for database in databases:
            if database == "postgresql" and not with_postgres:
                print(f"skipping bench/{name}.py on PostgreSQL: not reachable", file=sys.stderr)
                continue
            results += run_script(name, arguments, database, options.smoke, summaries)
    print()
    print(table(results))
    if options.smoke:
        with tempfile.TemporaryDirectory(prefix="quarterdeck-bench-chart-") as folder:
            write(results, options.output or Path(folder))
        problems = [problem for item in results for problem in item.problems]
        print(f"bench smoke: results={len(results)} problems={len(problems)}")
        raise SystemExit(1 if problems else 0)
    whole = not chosen and with_postgres
    if options.output or whole:
        write(results, options.output or ROOT / "docs")
    met = sum(item.met for item in results)
    print(f"bench: budgets={len(results)} met={met}")
    for line in summaries:
        print(line)
    raise SystemExit(0 if met == len(results) else 1)


if __name__ == "__main__":
    main()
