"""The early warning for programme staff: the trusts in a quarter whose boards may need a
conversation, each with its reasons in words. A score (overall or a principle's) that fell
by more than chance two quarters running, a response rate below half, or board actions
piling up overdue (the rules: assessments.results.rules, "The early warning").

Read in a fixed number of queries whatever the number of trusts, from the summary table
(each quarter's change since the one before is kept there, as its paper says it now:
assessments.results.change), the completion counts and the action logs; never from anyone's
answers. Plain dataclasses, so that a page, a file or the API can serve them. Trusts come by
name, never ranked by a score, and nothing here is shown to a trust."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import OuterRef, Subquery
from django.utils import dateformat, timezone

from assessments.models import (
    Assessment,
    AssessmentStatus,
    BoardAction,
    Cycle,
    OverallResult,
    Release,
    parse_quarter,
    previous_quarter,
    quarter_label,
)
from assessments.results import change, rules
from principles.models import Principle
from reports.national.queries import Filters, completion_counts
from trusts.models import Region, TrustType

# What each reason is, as a short code that stays the same (files, the API).
SCORE_FELL = "score_fell"
RESPONSE_RATE = "response_rate"
OVERDUE_ACTIONS = "overdue_actions"

KINDS = {
    SCORE_FELL: "Score fell",
    RESPONSE_RATE: "Response rate",
    OVERDUE_ACTIONS: "Overdue actions",
}


def rules_in_words() -> tuple[tuple[str, str], ...]:
    """Each rule in plain words, from the values that decide it, for the page."""
    half = rules.percent(rules.WARNING_RESPONSE_RATE)
    return (
        (
            KINDS[SCORE_FELL],
            "The overall score, or a principle's, went down by more than chance alone would "
            "explain since the quarter before, and had gone down the same way the quarter "
            "before that: the board paper's own test of a change (a bootstrap of each "
            f"quarter's answers at {rules.CHANGE_CONFIDENCE}% confidence), over the "
            "questions asked both times.",
        ),
        (
            KINDS[RESPONSE_RATE],
            f"Fewer than half ({half}) of the board submitted their answers. For a closed "
            "quarter, as its results were published; for one still open, as the answers "
            f"stand, but only from {rules.WARNING_OPEN_DAYS} days before its closing date "
            "(before then, answers are only starting to come in).",
        ),
        (
            KINDS[OVERDUE_ACTIONS],
            f"{rules.WARNING_OVERDUE_ACTIONS} or more of the board's actions are still open "
            "(not started or in progress) after their due date, today, whichever quarter "
            "is chosen.",
        ),
    )


@dataclass(frozen=True)
class WarnedTrust:
    ods_code: str
    name: str
    region: str  # NHS England region code (trusts.models.Region)
    icb_code: str
    trust_type: str  # trusts.models.TrustType, or "" where not known

    @property
    def region_label(self) -> str:
        return Region(self.region).label

    @property
    def trust_type_label(self) -> str:
        return TrustType(self.trust_type).label if self.trust_type else ""


@dataclass(frozen=True)
class Reason:
    kind: str  # SCORE_FELL, RESPONSE_RATE or OVERDUE_ACTIONS
    words: str  # a plain sentence

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


@dataclass(frozen=True)
class Warning:  # the early warning's own word: builtins.Warning is not used in this module
    trust: WarnedTrust
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class EarlyWarnings:
    warnings: list[Warning]
    # Closed quarters in the filter whose scores cannot warn until `manage.py
    # rebuild_results` has run: their change, or that of the quarter they compare with, was
    # published before changes were kept with the results.
    not_worked_out: int = 0


def early_warnings(cycle: Cycle, filters: Filters) -> list[Warning]:
    """The trusts in the filter with at least one reason in ``cycle``, by name."""
    return early_warnings_read(cycle, filters).warnings


def early_warnings_read(cycle: Cycle, filters: Filters) -> EarlyWarnings:
    """The early warnings, and how many closed quarters' changes are not worked out yet
    (five queries, however many trusts)."""
    today = timezone.localdate()
    reasons: dict[int, list[Reason]] = defaultdict(list)
    trusts = {}
    closed = _closed_quarters(cycle, filters)
    for count in completion_counts(cycle, filters):
        trust = count.trust
        trusts[trust.pk] = WarnedTrust(
            trust.ods_code, trust.name, trust.region, trust.icb_code, trust.trust_type
        )
        rate = _response_rate(count, closed.get(trust.pk), cycle, today)
        if rate is not None:
            reasons[trust.pk].append(rate)
    fell, earlier_missing = _score_fell(cycle, closed)
    for trust_id, found in _overdue_actions(filters, today).items():
        reasons[trust_id].append(_overdue(*found))
    warnings = [
        Warning(trusts[trust_id], (*fell.get(trust_id, ()), *reasons.get(trust_id, ())))
        for trust_id in trusts
        if trust_id in fell or trust_id in reasons
    ]
    return EarlyWarnings(
        sorted(warnings, key=lambda warning: (warning.trust.name, warning.trust.ods_code)),
        sum(1 for quarter in closed.values() if quarter.shown and quarter.changes is None)
        + earlier_missing,
    )


# The quarter's closed assessments: what was published, and the change since the one before


@dataclass(frozen=True)
class _Closed:
    respondents: int
    board_size: int | None  # None: never published
    shown: bool  # published with figures
    changes: change.StoredChanges | None


def _closed_quarters(cycle: Cycle, filters: Filters) -> dict[int, _Closed]:
    """Each closed assessment of the quarter in the filter, by trust (one query)."""
    latest = Release.objects.filter(assessment=OuterRef("pk")).order_by("-number")
    rows = (
        filters.apply(
            Assessment.objects.filter(cycle=cycle, status=AssessmentStatus.CLOSED),
            prefix="trust__",
        )
        .annotate(
            released=Subquery(latest.values("respondents")[:1]),
            released_board=Subquery(latest.values("board_size")[:1]),
        )
        .values_list(
            "trust_id",
            "released",
            "released_board",
            "overall_result__respondents",
            "overall_result__changes",
        )
    )
    return {
        trust_id: _Closed(
            respondents=released or 0,
            board_size=board,
            shown=overall_respondents is not None and rules.figures_shown(overall_respondents),
            changes=change.stored(changes),
        )
        for trust_id, released, board, overall_respondents, changes in rows
    }


def _score_fell(cycle: Cycle, closed: dict[int, _Closed]) -> tuple[dict[int, list[Reason]], int]:
    """Trusts whose overall score or a principle's went down more than chance in this
    quarter and in the one it is compared with (one query for those quarters' changes, and
    one for the principles' titles); and how many could not be told because the change of
    the quarter compared with was never worked out (counted, never passed over)."""
    now = {
        trust_id: quarter.changes
        for trust_id, quarter in closed.items()
        if quarter.shown and quarter.changes is not None and quarter.changes.since_assessment
    }
    if not now:
        return {}, 0
    earlier = {
        assessment_id: change.stored(changes)
        for assessment_id, changes in OverallResult.objects.filter(
            assessment_id__in={found.since_assessment for found in now.values()}
        ).values_list("assessment_id", "changes")
    }
    titles = dict(
        Principle.objects.filter(framework_id=cycle.framework_id).values_list("number", "title")
    )
    found: dict[int, list[Reason]] = {}
    missing = 0
    for trust_id, this in now.items():
        before = earlier.get(this.since_assessment)
        if before is None:  # never worked out: counted, so the miss is said
            missing += 1
            continue
        if before.since is None:  # it had nothing to compare with: no fall to repeat
            continue
        fell = [
            _fell(key, titles, this, before)
            for key in ("overall", *sorted(k for k in this.changes if k != "overall"))
            if key in this.changes
            and key in before.changes
            and rules.fell_twice(this.changes[key].direction, before.changes[key].direction)
        ]
        if fell:
            found[trust_id] = fell
    return found, missing


def _fell(key, titles: dict[int, str], this, before) -> Reason:
    """ "Overall score down 0.4 since 2026/27 Q1 and down 0.3 the quarter before, each more
    than chance"."""
    what = "Overall score" if key == "overall" else f"Principle {key}, {titles.get(key, '')},"
    now_size = rules.shown(abs(this.changes[key].value))
    then_size = rules.shown(abs(before.changes[key].value))
    return Reason(
        SCORE_FELL,
        f"{what} down {now_size} since {this.since} and down {then_size} "
        f"{_the_quarter_before(this.since, before.since)}, each more than chance",
    )


def _the_quarter_before(label: str, since: str) -> str:
    """How the earlier fall is dated: "the quarter before" where it was measured against
    the quarter just before ``label``, or both quarters named where one was skipped."""
    quarter = parse_quarter(label)
    if quarter is not None and quarter_label(*previous_quarter(*quarter)) == since:
        return "the quarter before"
    return f"in {label} (since {since})"


# Response rate


def _response_rate(count, published, cycle: Cycle, today: datetime.date) -> Reason | None:
    """Below half: a closed quarter as its latest release published it (the paper's "N of
    M"), or counted as they stand where it was never published; an open one as the
    completion page counts it, once its closing date is near."""
    if count.status == AssessmentStatus.CLOSED:
        submitted, board = (
            (published.respondents, published.board_size)
            if published is not None and published.board_size is not None
            else (count.submitted, count.board_size)
        )
        return _rate_closed(submitted, board) if rules.response_rate_low(submitted, board) else None
    if (
        count.status == AssessmentStatus.OPEN
        and rules.open_rate_counts(cycle.closes_on, today)
        and rules.response_rate_low(count.submitted, count.board_size)
    ):
        return _rate_open(count.submitted, count.board_size, cycle.closes_on, today)
    return None


def _rate_closed(submitted: int, board: int) -> Reason:
    return Reason(
        RESPONSE_RATE,
        f"{submitted} of {board} board members answered "
        f"({rules.percent(Fraction(submitted, board))}), below half",
    )


def _rate_open(submitted: int, board: int, closes_on: datetime.date, today) -> Reason:
    """The live count, as the completion page shows it (no percentage: it moves with each
    submission, and says no more than the count)."""
    closing = _long_date(closes_on)
    when = (
        f"the questionnaire closes on {closing}"
        if closes_on >= today
        else f"its closing date, {closing}, has passed"
    )
    return Reason(
        RESPONSE_RATE,
        f"{submitted} of {board} board members have submitted so far, below half, and {when}",
    )


# Overdue actions


def _overdue_actions(filters: Filters, today: datetime.date) -> dict[int, tuple]:
    """Trusts with WARNING_OVERDUE_ACTIONS or more actions overdue today: how many, and the
    earliest due date among them (one query)."""
    overdue: dict[int, list[datetime.date]] = defaultdict(list)
    for trust_id, status, due in filters.apply(
        BoardAction.objects.filter(status__in=rules.OPEN_ACTIONS), prefix="trust__"
    ).values_list("trust_id", "status", "due_date"):
        if rules.action_overdue(status=status, due=due, today=today):
            overdue[trust_id].append(due)
    return {
        trust_id: (len(dates), min(dates))
        for trust_id, dates in overdue.items()
        if rules.overdue_actions_many(len(dates))
    }


def _overdue(count: int, oldest: datetime.date) -> Reason:
    return Reason(
        OVERDUE_ACTIONS,
        f"{count} board actions overdue, the oldest due {_long_date(oldest)}",
    )


def _long_date(day: datetime.date) -> str:
    """As the pages write a date ("3 March 2026")."""
    return dateformat.format(day, "j F Y")
