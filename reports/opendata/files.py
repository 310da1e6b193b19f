"""The open data's columns and rows, and the CSV and JSON files made from a release: the
rows are fixed when the quarter is published (OpenDataRelease), and each file carries the
licence, the date of publication and what its columns mean."""

import hashlib
import json
from dataclasses import dataclass

from django.utils import timezone

from assessments.results import rules
from reports.exports import Column, as_csv
from reports.models import OpenDataRelease
from reports.opendata.figures import (
    ENGLAND,
    OVERALL,
    RATE,
    REGION,
    TRUST_TYPE,
    GroupFigures,
    spread_trusts,
)

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ATTRIBUTION = f"Contains public sector information licensed under the {LICENCE}."
SCORE_PLACES = rules.PLACES  # a score's decimal places, as people read scores elsewhere
RATE_PLACES = 2  # a response rate's, a share from 0 to 1: to the whole per cent
DECIMAL_PLACE = "decimal place" if SCORE_PLACES == 1 else "decimal places"
QUARTILES = (
    ("lower_quartile", "Lower quartile"),
    ("median", "Median"),
    ("upper_quartile", "Upper quartile"),
)


def columns(principles: list[tuple[int, str]], *, minimum_responses: int) -> list[Column]:
    """The columns of the rows, for the quarter's principles ((number, title)); the CSV
    adds the date of publication and the licence (FILE_COLUMNS)."""
    return [
        Column(
            "quarter",
            "The NHS financial year and quarter, such as 2026/27 Q3 (October to December 2026)",
        ),
        Column(
            "group_type",
            "What the row is about: england (every trust), region (an NHS England region) "
            "or trust_type",
        ),
        Column(
            "group_code",
            "The region's ODS code (Y56 to Y63) or the trust type's code (such as acute); "
            "blank for England",
        ),
        Column("group_name", "The group's name"),
        Column(
            "suppressed",
            "yes (true in the JSON file) where the group's counts and figures are withheld "
            "(see the suppression rule); they are then blank",
        ),
        Column(
            "trusts_asked", "Trusts whose board was asked to answer this quarter's questionnaire"
        ),
        Column(
            "trusts_with_results",
            "Trusts whose board closed the quarter with answers from at least "
            f"{minimum_responses} members, so that it has results; the figures are of these "
            "trusts only",
        ),
        Column(
            "response_rate_median",
            "Median, across the trusts with results, of the share of each board who submitted "
            f"answers: 0 to 1, {RATE_PLACES} decimal places (so to the whole per cent)",
        ),
        *(
            column
            for number, title in principles
            for column in _spread(
                f"principle_{number}", f"the trusts' scores for principle {number}, {title}"
            )
        ),
        *_spread("overall", "the trusts' overall scores (each the mean of its principle scores)"),
    ]


def _spread(prefix: str, of: str) -> list[Column]:
    return [
        Column(f"{prefix}_{suffix}", f"{words} of {of}: 1 to 5, {SCORE_PLACES} {DECIMAL_PLACE}")
        for suffix, words in QUARTILES
    ]


FILE_COLUMNS = (
    Column("published_on", "The date this quarter's open data was published (YYYY-MM-DD)"),
    Column("licence", f"The licence the data is published under: the {LICENCE}"),
)


def documented_columns(minimum_responses: int) -> list[Column]:
    """Every column of the CSV in words, with "N" for each principle's number: for the
    open data page, whatever quarter it is."""
    return [
        *columns([("N", "named in the JSON file")], minimum_responses=minimum_responses),
        *FILE_COLUMNS,
    ]


def figure(value, places: int = SCORE_PLACES) -> str | None:
    return None if value is None else rules.shown(value, places)


def rows(figures: list[GroupFigures], *, quarter: str, numbers) -> list[dict]:
    """One row a group, in the order of the columns: figures as text, rounded once (scores
    to SCORE_PLACES, the response rate to RATE_PLACES), so that the published values are
    exact and never parsed again; None where withheld."""
    found = []
    for group in figures:
        withheld = group.withheld is not None
        row = {
            "quarter": quarter,
            "group_type": group.group.kind,
            "group_code": group.group.code,
            "group_name": group.group.name,
            "suppressed": withheld,
            "trusts_asked": None if withheld else group.asked,
            "trusts_with_results": None if withheld else group.with_results,
            "response_rate_median": figure(
                getattr(group.figures[RATE], "median", None), RATE_PLACES
            ),
        }
        for key, prefix in [*((n, f"principle_{n}") for n in numbers), (OVERALL, "overall")]:
            spread = group.figures[key]
            for suffix, _ in QUARTILES:
                row[f"{prefix}_{suffix}"] = figure(getattr(spread, suffix, None))
        found.append(row)
    return found


def is_figure(name: str) -> bool:
    return name.endswith(("_median", "_quartile"))


def suppression_words(minimum: int) -> str:
    """The suppression rule, as the open data page and the JSON file say it."""
    least = spread_trusts(minimum)
    return (
        f"A group with fewer than {minimum} trusts with results shows no counts and no "
        "figures, only its name, with suppressed set to yes. A median or quartile with "
        f"fewer than {least} trusts behind it (twice as many) is left blank, and so is the "
        f"median response rate: a group of {minimum} to {least - 1} trusts with results "
        "shows its counts only, because in so few trusts a median or quartile is too "
        "nearly one trust's score. Where shown groups make up part of a larger shown group "
        "(the regions make up England, and so do the trust types), taking them away from "
        "the larger group would leave the withheld ones: so more groups are withheld, the "
        "smallest first, until what would be left is no trusts at all or as many as a "
        f"group shown has ({minimum} trusts asked and {minimum} with results for the "
        f"counts, {least} for a figure). So a withheld group's counts and figures cannot be "
        "worked out by taking shown groups away from a larger one, and the files do not say "
        "why a group is withheld."
    )


LEAVES_OUT = (
    "Any trust's name or its own scores: only groups of trusts, never ranked.",
    "Any board member's answers or comments, and figures for single questions.",
    "Each board's targets, agreed positions and confidence in its results.",
    "The lowest and highest scores in a group, which are each one trust's.",
    "Figures for each integrated care board (ICB): most have fewer than ten trusts, and each "
    "lies inside a region, so that its figures beside the region's would tell too much.",
    "Trusts whose board had too few answers to publish results: they are counted as asked, "
    "not in the figures.",
    "Anything that changed after publication: a quarter is published once, and a trust that "
    "closes its quarter later is not added.",
)


@dataclass(frozen=True)
class QuarterFile:
    content: bytes
    content_type: str
    filename: str
    etag: str  # of the bytes themselves, so it changes only if they do


def _file(release: OpenDataRelease, content: bytes, extension: str, content_type: str):
    digest = hashlib.sha256(content).hexdigest()[:32]
    return QuarterFile(
        content,
        content_type,
        f"quarterdeck-open-data-{release.cycle.slug}.{extension}",
        f'"{digest}"',
    )


def published_on(release: OpenDataRelease) -> str:
    """The day it was published, in England (YYYY-MM-DD)."""
    return timezone.localtime(release.published_at).date().isoformat()


def _cell(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def csv_file(release: OpenDataRelease) -> QuarterFile:
    """Plain CSV: one header row of the column names, then one row a group."""
    names = [name for name, _ in release.columns]
    published = published_on(release)
    content = as_csv(
        [Column(name, "") for name in names] + list(FILE_COLUMNS),
        [[_cell(row[name]) for name in names] + [published, LICENCE] for row in release.rows],
    )
    return _file(release, content, "csv", "text/csv; charset=utf-8")


def json_file(release: OpenDataRelease) -> QuarterFile:
    """The rows with what they are: the quarter, the date of publication, the licence, the
    suppression rule, what the data leaves out and what each column means."""
    label = release.cycle.label
    document = {
        "title": f"Digital delivery self-assessment of NHS trust boards: national figures, {label}",
        "quarter": label,
        "published_on": published_on(release),
        "licence": {"name": LICENCE, "url": LICENCE_URL},
        "attribution": ATTRIBUTION,
        "suppression": suppression_words(release.minimum_trusts),
        "leaves_out": list(LEAVES_OUT),
        "columns": [{"name": name, "meaning": meaning} for name, meaning in release.columns],
        "rows": [
            {
                name: float(row[name]) if is_figure(name) and row[name] is not None else row[name]
                for name, _ in release.columns
            }
            for row in release.rows
        ],
    }
    content = json.dumps(document, indent=2, ensure_ascii=False).encode()
    return _file(release, content, "json", "application/json")


KIND_WORDS = {REGION: "Region", TRUST_TYPE: "Trust type"}


def group_label(row: dict) -> str:
    """ "England", "Region: London", "Trust type: Acute": how the pages name a row's group."""
    if row["group_type"] == ENGLAND:
        return row["group_name"]
    return f"{KIND_WORDS.get(row['group_type'], row['group_type'])}: {row['group_name']}"
