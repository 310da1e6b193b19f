"""A quarter's change since the trust's previous quarter with published figures, for each
principle and overall, worked out when its results are published and kept on its overall
result (``OverallResult.changes``), so that the national view's early warning reads every
trust's changes without reading anyone's answers. Worked out again whenever what it compares
with may move: at each close of the quarter, published or held, and at each close or reopen
of an earlier one (may_compare_with), so that it is always what the paper says now.

Worked out as the board paper works out its "since last quarter" (reports.paper.change):
the same quarter compared with (the latest of the trust's last seven earlier closed
quarters with published figures), over the questions scored both times, with the same
bootstrap seeded by the same words; a settled release keeps the intervals it published.
So the early warning and the paper never disagree (tests/assessments/results/
test_stored_change.py holds them to it)."""

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Q

from assessments.models import Assessment, AssessmentStatus, PrincipleResult, Release, quarter_label
from assessments.results import rules, scoring
from assessments.results.released import released
from assessments.selectors import before
from core.fields import fraction_text, from_text
from principles.models import Question

# How far back the comparison looks: the earlier closed quarters the paper's trend reads
# (reports.paper.selectors._history): with the quarter itself, up to eight in a trend.
EARLIER_QUARTERS = 7

Respondent = dict[str, int | None]  # one member's released answers: question key -> score


@dataclass(frozen=True)
class Change:
    value: Fraction | None  # now minus then, exactly; None with nothing to compare
    interval: tuple[Fraction, Fraction] | None  # the bootstrap's, or None

    @property
    def direction(self) -> rules.Direction | None:
        return rules.change_direction(self.value, self.interval)


@dataclass(frozen=True)
class StoredChanges:
    """A quarter's changes as kept on its overall result."""

    since: str | None  # the quarter compared with ("2026/27 Q1"); None: there was none
    since_assessment: int | None
    changes: dict[int | str, Change]  # by principle number, and "overall"


def changes_over(
    now: dict[int, dict[str, Fraction | None]],
    before_means: dict[int, dict[str, Fraction | None]],
    *,
    answers_now: list[Respondent],
    answers_before: list[Respondent],
    seed: str,
    intervals: dict | None = None,
) -> dict[int | str, Change]:
    """Each principle's change and the overall one from the question means of both
    quarters (by principle number), with the bootstrap interval over both quarters'
    respondents, or the ``intervals`` a settled release published."""
    if intervals is None:
        shared = {
            number: keys
            for number, means in now.items()
            if (keys := scoring.shared_keys(means, before_means.get(number, {})))
        }
        intervals = scoring.change_interval(answers_before, answers_now, shared, seed=seed)
    changes: dict[int | str, Change] = {
        number: Change(scoring.trend(means, before_means.get(number, {})), intervals.get(number))
        for number, means in now.items()
    }
    changes["overall"] = Change(scoring.overall_trend(now, before_means), intervals.get("overall"))
    return changes


def change_seed(ods_code: str, label: str, previous_label: str) -> str:
    """Seeded by what the quarter is (trust, quarter, compared with), never by a row id, so
    the same answers give the same interval in any database (as the paper seeds it)."""
    return f"{ods_code}:{label}:{previous_label}"


def by_respondent(rows: list[list], keys: dict[int, str]) -> list[Respondent]:
    """A release's rows as one {question key: score} per respondent, in response order."""
    respondents: dict[int, Respondent] = defaultdict(dict)
    for row in released(rows):
        if row.question_id in keys:
            respondents[row.response_id][keys[row.question_id]] = row.score
    return [respondents[response] for response in sorted(respondents)]


def latest_rows(assessment_id: int) -> list[list]:
    """The rows of the assessment's latest release (one query); none without a release."""
    return (
        Release.objects.filter(assessment_id=assessment_id)
        .order_by("-number")
        .values_list("rows", flat=True)
        .first()
    ) or []


def question_keys(*row_sets: list[list]) -> dict[int, str]:
    """The key of each question the releases' rows answer, by its id (one query)."""
    ids = {row[2] for rows in row_sets for row in rows}
    return dict(Question.objects.filter(pk__in=ids).values_list("pk", "key"))


def settled_intervals(release: Release) -> dict | None:
    """The intervals a settled release published (its answers have gone since), or None."""
    settled = (release.settled or {}).get("changes")
    if settled is None:
        return None
    return {
        (key if key == "overall" else int(key)): (
            (from_text(interval[0]), from_text(interval[1])) if interval else None
        )
        for key, interval in settled.items()
    }


@dataclass(frozen=True)
class _Earlier:
    assessment_id: int
    label: str
    means: dict[int, dict[str, Fraction | None]]


def _compared_with(assessment: Assessment) -> _Earlier | None:
    """The latest of the trust's last EARLIER_QUARTERS closed quarters whose results were
    published with figures (one query)."""
    cycle = assessment.cycle
    earlier = (
        Assessment.objects.filter(trust_id=assessment.trust_id, status=AssessmentStatus.CLOSED)
        .filter(before(cycle, "cycle__"))
        .order_by("-cycle__year", "-cycle__quarter")[:EARLIER_QUARTERS]
    )
    found: dict[int, tuple] = {}
    means: dict[int, dict[int, dict]] = defaultdict(dict)
    rows = PrincipleResult.objects.filter(assessment__in=earlier.values("pk")).values_list(
        "assessment_id",
        "assessment__cycle__year",
        "assessment__cycle__quarter",
        "respondents",
        "principle__number",
        "question_means",
    )
    for assessment_id, year, quarter, respondents, number, question_means in rows:
        found.setdefault(assessment_id, (year, quarter, respondents))
        means[assessment_id][number] = {key: from_text(v) for key, v in question_means.items()}
    shown = [
        (year, quarter, assessment_id)
        for assessment_id, (year, quarter, respondents) in found.items()
        if rules.figures_shown(respondents)
    ]
    if not shown:
        return None
    year, quarter, assessment_id = max(shown)
    return _Earlier(assessment_id, quarter_label(year, quarter), means[assessment_id])


def changes_of(assessment: Assessment, release: Release) -> StoredChanges:
    """The changes ``release`` publishes since the quarter it is compared with: none where
    it shows no figures or there is no earlier quarter with them."""
    none = StoredChanges(None, None, {})
    if not rules.figures_shown(release.respondents):
        return none
    previous = _compared_with(assessment)
    if previous is None:
        return none
    now = {
        number: {key: from_text(v) for key, v in question_means.items()}
        for number, question_means in PrincipleResult.objects.filter(
            assessment=assessment
        ).values_list("principle__number", "question_means")
    }
    intervals = settled_intervals(release)
    answers_now: list[Respondent] = []
    answers_before: list[Respondent] = []
    if intervals is None:
        rows_before = latest_rows(previous.assessment_id)
        # The questions of both releases: this quarter's framework and the earlier one's
        # (a change of framework keeps the keys of the questions it kept).
        keys = question_keys(rows_before, release.rows)
        answers_now = by_respondent(release.rows, keys)
        answers_before = by_respondent(rows_before, keys)
    changes = changes_over(
        now,
        previous.means,
        answers_now=answers_now,
        answers_before=answers_before,
        seed=change_seed(assessment.trust.ods_code, assessment.cycle.label, previous.label),
        intervals=intervals,
    )
    return StoredChanges(previous.label, previous.assessment_id, changes)


def as_stored(found: StoredChanges) -> dict:
    """For the JSON field: exact fractions as text."""
    return {
        "since": found.since,
        "assessment": found.since_assessment,
        "changes": {
            str(key): {
                "change": fraction_text(change.value),
                "interval": [fraction_text(bound) for bound in change.interval]
                if change.interval
                else None,
            }
            for key, change in found.changes.items()
        },
    }


def stored(value: dict | None) -> StoredChanges | None:
    """A quarter's changes as kept, read back; None where they were never worked out."""
    if value is None:
        return None
    return StoredChanges(
        value.get("since"),
        value.get("assessment"),
        {
            (key if key == "overall" else int(key)): Change(
                from_text(change["change"]),
                (from_text(change["interval"][0]), from_text(change["interval"][1]))
                if change["interval"]
                else None,
            )
            for key, change in value.get("changes", {}).items()
        },
    )


def may_compare_with(assessment: Assessment) -> list[Assessment]:
    """The trust's later quarters whose "since last quarter" is, or may become, this one
    when it closes, is held, is published again or is reopened: those with results (closed,
    or reopened since), oldest first, up to and including the first closed one with
    figures; a later one compares with that one, or one after it, whatever happens to this
    quarter (one query)."""
    later = (
        Assessment.objects.filter(trust_id=assessment.trust_id)
        .exclude(status=AssessmentStatus.DRAFT)
        .filter(
            Q(cycle__year__gt=assessment.cycle.year)
            | Q(cycle__year=assessment.cycle.year, cycle__quarter__gt=assessment.cycle.quarter)
        )
        .select_related("trust", "cycle", "overall_result")
        .order_by("cycle__year", "cycle__quarter")
    )
    found = []
    for candidate in later:
        result = getattr(candidate, "overall_result", None)
        if result is None:
            continue
        found.append(candidate)
        if candidate.status == AssessmentStatus.CLOSED and rules.figures_shown(result.respondents):
            break
    return found
