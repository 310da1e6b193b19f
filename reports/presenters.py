"""The board paper: one presenter feeds the web page, the PDF, the exports' figures and
the fingerprint of a frozen paper. Figures come from the scoring module and the summary
table; rounding and wording happen here and nowhere else."""

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass

from django.conf import settings

from assessments import disclosure, scoring
from assessments.presenters import (
    RAG_TAGS,
    Publication,
    ResultRow,
    groups_shown,
    one_decimal,
    result_row,
)
from principles.models import LEVEL_LABELS, LEVELS
from reports import charts
from reports.selectors import PaperInputs, paper_inputs

LEVEL_KEY = ", ".join(f"{level} {LEVEL_LABELS[level].lower()}" for level in LEVELS)

ASSURANCE_LEVELS = ("Substantial", "Reasonable", "Limited")


@dataclass(frozen=True)
class GapRow(ResultRow):
    """A principle's figures (as on the coordinator's page), with trend and peers."""

    trend: str  # "+0.3", "-0.2", "+0.0" or "–"
    trend_text: str  # the same in words
    peer_median: str
    peer_range: str
    type_median: str


@dataclass(frozen=True)
class ActionEntry:
    title: str
    principle_number: int
    owner: str
    due: str  # "12 March 2027"
    status: str
    rag: str
    rag_tag: str
    notes: str
    completed: str


@dataclass(frozen=True)
class ActionLog:
    overdue: tuple[ActionEntry, ...]
    open: tuple[ActionEntry, ...]
    finished: tuple[ActionEntry, ...]  # done or dropped since this quarter opened
    as_at: str

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.open or self.finished)


@dataclass(frozen=True)
class QuestionRow:
    key: str
    text: str
    counts: tuple[tuple[str, int], ...]  # (level label, how many chose it)
    dont_know: int
    n: int
    mean: str
    views_differ: bool
    comments: tuple[str, ...]


@dataclass(frozen=True)
class AppendixSection:
    number: int
    title: str
    questions: tuple[QuestionRow, ...]


@dataclass(frozen=True)
class Cover:
    meeting: str
    title: str
    report_from: str
    purpose: str
    assurance: str
    assurance_reason: str
    asks: tuple[str, ...]
    summary: tuple[str, ...]


@dataclass(frozen=True)
class BoardPaper:
    trust_name: str
    ods_code: str
    quarter: str
    framework: str
    draft: bool
    submitted: int
    board_size: int
    minimum: int
    shown: bool
    overall: str
    overall_change: str
    cover: Cover
    rows: tuple[GapRow, ...]
    priorities: tuple[GapRow, ...]
    score_chart: charts.ScoreChart | None
    score_chart_alt: str
    trend_chart: charts.TrendChart | None
    trend_chart_alt: str
    trend_table: tuple[tuple[str, str], ...]
    framework_changed: bool
    appendix: tuple[AppendixSection, ...]
    peer_minimum: int
    groups_shown: bool
    positions_recorded: bool
    meeting_date: str
    actions: ActionLog
    publication: Publication
    level_key: str = LEVEL_KEY
    disclosure_rule: str = ""

    @property
    def more_needed(self) -> int:
        return max(self.minimum - self.submitted, 0)

    @property
    def title(self) -> str:
        return f"{self.cover.title}: {self.trust_name}, {self.quarter}"

    def fingerprint(self) -> str:
        """A digest of everything the paper shows; a frozen paper is made again only when
        this changes. The draft mark is left out: a closed paper is never a draft."""
        data = asdict(self)
        data.pop("draft")
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


def board_paper(assessment) -> BoardPaper:
    return present(paper_inputs(assessment))


def present(inputs: PaperInputs) -> BoardPaper:
    assessment = inputs.assessment
    principles = inputs.content.principles
    submitted = max((r.respondents for r in inputs.results.values()), default=0)
    shown = submitted >= settings.MIN_RESPONSES
    previous = inputs.history[-1] if inputs.history else None
    scores = {p.number: _score(inputs, p) for p in principles}
    overall = scoring.overall_score(scores.values()) if shown else None
    with_groups = shown and groups_shown(inputs.results.values())
    rows = tuple(_gap_row(inputs, p, previous, with_groups) for p in principles) if shown else ()
    overall_change = _overall_change(overall, previous)
    priorities = _priorities(inputs, principles, scores, rows)
    trend_series = [
        (
            q.label,
            scoring.overall_score(q.scores.values())
            if q.respondents >= settings.MIN_RESPONSES
            else None,
        )
        for q in inputs.history
    ] + [(assessment.cycle.label, overall)]
    framework_ids = [q.framework_id for q in inputs.history] + [assessment.cycle.framework_id]
    changes = [i for i in range(1, len(framework_ids)) if framework_ids[i] != framework_ids[i - 1]]
    return BoardPaper(
        trust_name=assessment.trust.name,
        ods_code=assessment.trust.ods_code,
        quarter=assessment.cycle.label,
        framework=str(assessment.cycle.framework),
        draft=not assessment.is_closed,
        submitted=submitted,
        board_size=inputs.board_size,
        minimum=settings.MIN_RESPONSES,
        shown=shown,
        overall=one_decimal(overall),
        overall_change=overall_change,
        cover=_cover(inputs, rows, priorities, overall, overall_change, submitted, shown),
        rows=rows,
        priorities=priorities,
        score_chart=charts.score_chart(
            [
                (
                    f"P{p.number}",
                    scores[p.number],
                    _target(inputs, p),
                    _peer(inputs.peers_all, p.number),
                )
                for p in principles
            ]
        )
        if shown
        else None,
        score_chart_alt=_score_chart_alt(rows),
        trend_chart=charts.trend_chart(trend_series, framework_changes=changes) if shown else None,
        trend_chart_alt=_trend_alt(trend_series),
        trend_table=tuple((label, one_decimal(value)) for label, value in trend_series),
        framework_changed=bool(changes),
        appendix=_appendix(inputs) if shown else (),
        peer_minimum=scoring.PEER_MINIMUM,
        groups_shown=with_groups,
        positions_recorded=bool(inputs.positions),
        meeting_date=_long_date(
            max((p.meeting_date for p in inputs.positions.values()), default=None)
        ),
        actions=_action_log(inputs),
        publication=inputs.publication,
        disclosure_rule=disclosure.rule_in_words(),
    )


def _priorities(inputs, principles, scores, rows) -> tuple[GapRow, ...]:
    """The three principles furthest below target (scoring.priorities orders them)."""
    below = []
    for principle in principles:
        gap = scoring.gap(target=_target(inputs, principle), score=scores[principle.number])
        if gap is not None and gap > 0:
            below.append(scoring.Priority(principle.number, scores[principle.number], gap))
    by_number = {row.number: row for row in rows}
    return tuple(by_number[p.number] for p in scoring.priorities(below)[:3])


def _score(inputs: PaperInputs, principle) -> float | None:
    result = inputs.results.get(principle.pk)
    return result.score if result else None


def _target(inputs: PaperInputs, principle) -> float | None:
    target = inputs.targets.get(principle.pk)
    return float(target.level) if target else None


def _peer(groups: dict[int, list[float]], number: int) -> float | None:
    summary = scoring.peer_summary(groups.get(number, ()))
    return summary.median if summary else None


def _gap_row(inputs: PaperInputs, principle, previous, with_groups: bool) -> GapRow:
    result = inputs.results.get(principle.pk)
    change = (
        scoring.trend(result.question_means, previous.question_means.get(principle.number, {}))
        if result and previous and previous.respondents >= settings.MIN_RESPONSES
        else None
    )
    peers = scoring.peer_summary(inputs.peers_all.get(principle.number, ()))
    same_type = scoring.peer_summary(inputs.peers_type.get(principle.number, ()))
    return GapRow(
        **asdict(
            result_row(
                principle,
                result,
                inputs.targets.get(principle.pk),
                inputs.positions.get(principle.pk),
                with_groups=with_groups,
            )
        ),
        trend=_signed(change),
        trend_text=_change_words(change),
        peer_median=one_decimal(peers.median) if peers else "–",
        peer_range=f"{peers.lower_quartile:.1f} to {peers.upper_quartile:.1f}" if peers else "",
        type_median=one_decimal(same_type.median) if same_type else "–",
    )


def _long_date(day: datetime.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _action_log(inputs: PaperInputs) -> ActionLog:
    """The action log as the paper speaks for it: overdue first, then open, then what was
    finished since the quarter opened."""
    as_at = inputs.as_at.isoformat()
    overdue, open_, finished = [], [], []
    for action in inputs.actions:
        rag = scoring.Rag(action["rag"])
        entry = ActionEntry(
            title=action["title"],
            principle_number=action["principle_number"],
            owner=action["owner"],
            due=_long_date(datetime.date.fromisoformat(action["due_date"])),
            status=action["status_label"],
            rag=rag.value.capitalize(),
            rag_tag=RAG_TAGS[rag],
            notes=action["notes"],
            completed=_long_date(
                datetime.date.fromisoformat(action["completed_on"])
                if action["completed_on"]
                else None
            ),
        )
        if action["completed_on"]:
            finished.append(entry)
        elif action["due_date"] < as_at:
            overdue.append(entry)
        else:
            open_.append(entry)
    return ActionLog(tuple(overdue), tuple(open_), tuple(finished), _long_date(inputs.as_at))


def _signed(change: float | None) -> str:
    return "–" if change is None else f"{change:+.1f}"


def _change_words(change: float | None) -> str:
    if change is None:
        return "No earlier quarter"
    if round(change, 1) == 0:
        return "No change"
    return f"{'Up' if change > 0 else 'Down'} {abs(change):.1f}"


def _overall_change(overall: float | None, previous) -> str:
    if overall is None or previous is None or previous.respondents < settings.MIN_RESPONSES:
        return ""
    before = scoring.overall_score(previous.scores.values())
    if before is None:
        return ""
    change = overall - before
    if round(change, 1) == 0:
        return f"no change since {previous.label}"
    return f"{'up' if change > 0 else 'down'} {abs(change):.1f} since {previous.label}"


def _assurance(rows, submitted: int, board_size: int) -> tuple[str, str]:
    """How much assurance the board can take from its own answers (methodology page)."""
    rate = submitted / board_size if board_size else 0
    gaps = sum(row.assurance_gap for row in rows)
    differ = sum(row.views_differ for row in rows)
    reason = (
        f"{submitted} of {board_size} board members answered; "
        f'{gaps} principle{"s" if gaps != 1 else ""} with many "don\'t know" answers; '
        f"views differ on {differ}."
    )
    if rate >= 0.75 and gaps == 0 and differ <= 1:
        return ASSURANCE_LEVELS[0], reason
    if rate < 0.5 or gaps >= 3:
        return ASSURANCE_LEVELS[2], reason
    return ASSURANCE_LEVELS[1], reason


def _cover(inputs, rows, priorities, overall, overall_change, submitted, shown) -> Cover:
    assessment = inputs.assessment
    title = "Digital delivery: the board's quarterly self-assessment"
    report_from = "Digital lead" + (
        f" ({', '.join(inputs.coordinators)})" if inputs.coordinators else ""
    )
    asks = (
        "note the board's own assessment against the eight digital delivery principles",
        "discuss the principles where views differ and where members said they did not know",
        "agree the board's position and actions for the largest gaps against target",
    )
    if not shown:
        return Cover(
            meeting=f"Trust board, {assessment.cycle.label}",
            title=title,
            report_from=report_from,
            purpose="For information",
            assurance="Not yet available",
            assurance_reason=f"Fewer than {settings.MIN_RESPONSES} board members have submitted.",
            asks=("note that too few board members have answered to report results",),
            summary=(
                f"{submitted} of {inputs.board_size} board members have submitted. Results are "
                f"shown once at least {settings.MIN_RESPONSES} have, so that no one's answers "
                "can be worked out.",
            ),
        )
    assurance, reason = _assurance(rows, submitted, inputs.board_size)
    summary = [
        f"The board's overall score is {one_decimal(overall)} out of 5"
        + (f", {overall_change}." if overall_change else ", the first quarter with results."),
        _largest_gaps_sentence(rows, priorities),
        _list_sentence(
            [r for r in rows if r.views_differ],
            "Views differ most on",
            "Board members broadly agree on every principle.",
        ),
        _list_sentence(
            [r for r in rows if r.assurance_gap],
            'Many members answered "don\'t know" on',
            'No principle has a high share of "don\'t know" answers.',
        ),
        f"{submitted} of {inputs.board_size} board members submitted their answers.",
    ]
    return Cover(
        meeting=f"Trust board, {assessment.cycle.label}",
        title=title,
        report_from=report_from,
        purpose="For assurance and discussion",
        assurance=assurance,
        assurance_reason=reason,
        asks=asks,
        summary=tuple(summary),
    )


def _largest_gaps_sentence(rows, priorities) -> str:
    if not any(row.target != "–" for row in rows):
        return "The board has not set targets yet, so there are no gaps to report."
    if not priorities:
        return "Every principle is at or above the board's target."
    gaps = "; ".join(f"{row.number}. {row.title} (gap {row.gap})" for row in priorities)
    return f"The largest gaps against target are: {gaps}."


def _list_sentence(rows, lead: str, none: str) -> str:
    if not rows:
        return none
    return f"{lead}: " + "; ".join(f"{row.number}. {row.title}" for row in rows) + "."


def _score_chart_alt(rows) -> str:
    if not rows:
        return ""
    parts = [
        f"principle {row.number} scores {row.score}"
        + (f" against a target of {row.target}" if row.target != "–" else "")
        for row in rows
    ]
    return "Bar chart of the board's score for each principle: " + "; ".join(parts) + "."


def _trend_alt(series) -> str:
    known = [f"{label} {one_decimal(value)}" for label, value in series if value is not None]
    return "Line chart of the board's overall score by quarter: " + "; ".join(known) + "."


def _appendix(inputs: PaperInputs) -> tuple[AppendixSection, ...]:
    sections = []
    for principle in inputs.content.principles:
        questions = []
        for question in principle.questions.all():
            answers = inputs.answers.get(question.pk, [])
            stats = scoring.question_stats(score for score, _ in answers)
            questions.append(
                QuestionRow(
                    key=question.key,
                    text=question.text,
                    counts=tuple((str(level), stats.counts[level - 1]) for level in LEVELS),
                    dont_know=stats.dont_know,
                    n=stats.n,
                    mean=one_decimal(stats.mean),
                    views_differ=stats.views_differ,
                    # Sorted, so that their order says nothing about who wrote them or when.
                    comments=tuple(sorted(comment for _, comment in answers if comment)),
                )
            )
        sections.append(AppendixSection(principle.number, principle.title, tuple(questions)))
    return tuple(sections)
