"""The board paper: one presenter feeds the web page, the PDF, the exports' figures and
the fingerprint of a frozen paper. Figures come from the scoring module and the summary
table; rounding and wording happen here and nowhere else."""

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from fractions import Fraction

from assessments import disclosure, rules, scoring
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
from reports.selectors import PaperInputs, comparison_quarter, paper_inputs

LEVEL_KEY = ", ".join(f"{level} {LEVEL_LABELS[level].lower()}" for level in LEVELS)


@dataclass(frozen=True)
class GapRow(ResultRow):
    """A principle's figures (as on the coordinator's page), with trend and peers."""

    trend: str  # "+0.3", "-0.2", "+0.0" or "–"
    trend_text: str  # the same in words
    peer_median: str
    peer_range: str  # the middle half of other trusts' scores: "2.8 to 3.6", or ""
    type_median: str
    type_range: str
    trend_value: Fraction | None = None
    peer_median_value: Fraction | None = None


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


AGREEMENT_WORDS = {
    rules.Agreement.DIFFER: "views differ",
    rules.Agreement.AGREE: "",
    rules.Agreement.TOO_FEW: "too few scores to say",
}


@dataclass(frozen=True)
class QuestionRow:
    key: str
    text: str
    counts: tuple[tuple[str, int], ...]  # (level label, how many chose it)
    dont_know: int
    n: int
    mean: str
    views_differ: bool
    agreement: str  # "views differ", "" or "too few scores to say"
    comments: tuple[str, ...]
    mean_value: Fraction | None = None


@dataclass(frozen=True)
class AppendixSection:
    number: int
    title: str
    questions: tuple[QuestionRow, ...]


@dataclass(frozen=True)
class NextLevelQuestion:
    question: str
    mean: str  # the question's score as printed
    level: int  # the next whole level above that score
    level_label: str
    descriptor: str  # the framework's own words for that level


@dataclass(frozen=True)
class NextLevel:
    """For a priority principle: what its lowest-scoring questions look like one level up,
    and what the board is already doing about it."""

    number: int
    title: str
    questions: tuple[NextLevelQuestion, ...]
    actions: tuple[str, ...]  # the open actions against the principle, in words


@dataclass(frozen=True)
class Cover:
    meeting: str
    title: str
    report_from: str
    purpose: str
    confidence: str  # confidence in these results: rules.CONFIDENCE_LEVELS
    confidence_reason: str
    asks: tuple[str, ...]
    summary: tuple[str, ...]
    # From the digital lead's cover sheet ("" where not given).
    meeting_date: str = ""
    agenda_item: str = ""
    executive_sponsor: str = ""
    recommendation: str = ""
    previous_considerations: str = ""
    strategy_title: str = ""
    strategy_url: str = ""


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
    next_levels: tuple[NextLevel, ...]
    peer_minimum: int
    groups_shown: bool
    positions_recorded: bool
    meeting_date: str
    actions: ActionLog
    publication: Publication
    methodology: tuple[tuple[str, str], ...]
    level_key: str = LEVEL_KEY
    disclosure_rule: str = ""

    @property
    def compared(self) -> bool:
        """Whether enough other trusts closed this quarter to compare with at all."""
        return any(row.peer_median != "–" or row.type_median != "–" for row in self.rows)

    @property
    def score_chart_caption(self) -> str:
        """What the score chart shows, exactly: target lines and peer dots only where the
        chart draws them."""
        words = ["Each bar is the board's score for a principle, from 0 to 5."]
        if any(row.target_value is not None for row in self.rows):
            words.append("A vertical line marks the board's target, where one is set.")
        else:
            words.append("No targets are set, so no target lines are drawn.")
        if any(row.peer_median_value is not None for row in self.rows):
            words.append("A dot marks the median score of other trusts this quarter.")
        else:
            words.append(
                f"There are no dots for other trusts: fewer than {self.peer_minimum} other "
                "trusts have closed results this quarter."
            )
        words.append("The gap analysis table below gives the same figures.")
        return " ".join(words)

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
    minimum = rules.minimum_group()
    submitted = max((r.respondents for r in inputs.results.values()), default=0)
    shown = submitted >= minimum
    previous = comparison_quarter(inputs.history)  # named in every change
    changes = _changes(inputs, previous) if shown and previous else {}
    scores = {p.number: _score(inputs, p) for p in principles}
    overall = scoring.overall_score(scores.values()) if shown else None
    with_groups = shown and groups_shown(inputs.results.values())
    rows = (
        tuple(_gap_row(inputs, p, previous, changes.get(p.number), with_groups) for p in principles)
        if shown
        else ()
    )
    overall_change = _change_words(changes.get("overall"), previous, lower=True) if shown else ""
    priorities = _priorities(rows)
    appendix = _appendix(inputs) if shown else ()
    trend_series = [
        (q.label, scoring.overall_score(q.scores.values()) if q.respondents >= minimum else None)
        for q in inputs.history
    ] + [(assessment.cycle.label, overall)]
    framework_ids = [q.framework_id for q in inputs.history] + [assessment.cycle.framework_id]
    versions = [i for i in range(1, len(framework_ids)) if framework_ids[i] != framework_ids[i - 1]]
    return BoardPaper(
        trust_name=assessment.trust.name,
        ods_code=assessment.trust.ods_code,
        quarter=assessment.cycle.label,
        framework=str(assessment.cycle.framework),
        draft=not assessment.is_closed,
        submitted=submitted,
        board_size=inputs.board_size,
        minimum=minimum,
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
                    _plotted(scores[p.number]),
                    _plotted(_target(inputs, p)),
                    _plotted(_peer(inputs.peers_all, p.number)),
                )
                for p in principles
            ]
        )
        if shown
        else None,
        score_chart_alt=_score_chart_alt(rows),
        trend_chart=charts.trend_chart(
            [(label, _plotted(value)) for label, value in trend_series], framework_changes=versions
        )
        if shown
        else None,
        trend_chart_alt=_trend_alt(trend_series),
        trend_table=tuple((label, one_decimal(value)) for label, value in trend_series),
        framework_changed=bool(versions),
        appendix=appendix,
        next_levels=_next_levels(inputs, priorities, appendix),
        peer_minimum=rules.PEER_MINIMUM,
        groups_shown=with_groups,
        positions_recorded=bool(inputs.positions),
        meeting_date=_long_date(
            max((p.meeting_date for p in inputs.positions.values()), default=None)
        ),
        actions=_action_log(inputs),
        publication=inputs.publication,
        methodology=rules.methodology(minimum),
        disclosure_rule=disclosure.rule_in_words(),
    )


def _plotted(value) -> float | None:
    """Charts draw the printed value, so a bar ends where its label says."""
    printed = rules.rounded(value)
    return None if printed is None else float(printed)


@dataclass(frozen=True)
class Change:
    value: Fraction | None
    interval: tuple[Fraction, Fraction] | None


def _changes(inputs: PaperInputs, previous) -> dict:
    """Each principle's change, and the overall one, over the questions scored both times,
    with the bootstrap interval that says whether it is more than chance."""
    now = _means(inputs)
    before = previous.question_means
    shared = {
        number: keys
        for number, means in now.items()
        if (keys := scoring.shared_keys(means, before.get(number, {})))
    }
    intervals = scoring.change_interval(
        previous.answers,
        inputs.respondents,
        shared,
        seed=f"{inputs.assessment.pk}:{previous.label}",
    )
    changes = {
        number: Change(scoring.trend(now[number], before.get(number, {})), intervals.get(number))
        for number in now
    }
    changes["overall"] = Change(scoring.overall_trend(now, before), intervals.get("overall"))
    return changes


def _means(inputs: PaperInputs) -> dict[int, dict]:
    by_id = {p.pk: p.number for p in inputs.content.principles}
    return {by_id[pk]: result.means for pk, result in inputs.results.items() if pk in by_id}


def _priorities(rows) -> tuple[GapRow, ...]:
    """The three principles furthest below target, ordered by the rules on the printed gap
    and score, so the order always matches the figures beside it."""
    printed = [(row.number, Decimal(row.gap), Decimal(row.score)) for row in rows if row.gap != "–"]
    by_number = {row.number: row for row in rows}
    return tuple(by_number[number] for number in rules.priority_order(printed)[:3])


def _score(inputs: PaperInputs, principle) -> Fraction | None:
    result = inputs.results.get(principle.pk)
    return result.score if result else None


def _target(inputs: PaperInputs, principle) -> Decimal | None:
    target = inputs.targets.get(principle.pk)
    return target.level if target else None


def _peer(groups: dict[int, list], number: int) -> Fraction | None:
    summary = scoring.peer_summary(groups.get(number, ()))
    return summary.median if summary else None


def _middle_half(summary) -> str:
    if summary is None:
        return ""
    return f"{one_decimal(summary.lower_quartile)} to {one_decimal(summary.upper_quartile)}"


def _gap_row(inputs: PaperInputs, principle, previous, change, with_groups: bool) -> GapRow:
    result = inputs.results.get(principle.pk)
    peers = scoring.peer_summary(inputs.peers_all.get(principle.number, ()))
    same_type = scoring.peer_summary(inputs.peers_type.get(principle.number, ()))
    value = change.value if change else None
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
        trend=rules.shown_signed(value) if value is not None else "–",
        trend_text=_change_words(change, previous),
        peer_median=one_decimal(peers.median) if peers else "–",
        peer_range=_middle_half(peers),
        type_median=one_decimal(same_type.median) if same_type else "–",
        type_range=_middle_half(same_type),
        trend_value=value,
        peer_median_value=peers.median if peers else None,
    )


def _long_date(day: datetime.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _action_log(inputs: PaperInputs) -> ActionLog:
    """The action log as the paper speaks for it: overdue first, then open, then what was
    finished since the quarter opened."""
    as_at = inputs.as_at.isoformat()
    overdue, open_, finished = [], [], []
    for action in inputs.actions:
        due = datetime.date.fromisoformat(action["due_date"])
        rag = rules.action_rag(
            status=action["status"], due=due, chosen=action["rag"], today=inputs.as_at
        )
        entry = ActionEntry(
            title=action["title"],
            principle_number=action["principle_number"],
            owner=action["owner"],
            due=_long_date(due),
            status=action["status_label"],
            rag=rag.value.capitalize() if rag else "–",
            rag_tag=RAG_TAGS[rag] if rag else "",
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


def _change_words(change: "Change | None", previous, *, lower: bool = False) -> str:
    """ "Up 0.4 since 2026/27 Q1", "No clear change since 2026/27 Q1", or why there is none."""
    if previous is None:
        words = "No earlier quarter with results"
    elif change is None or change.value is None:
        words = f"Nothing to compare with {previous.label}"
    else:
        direction = rules.change_direction(change.value, change.interval)
        if direction == rules.Direction.NONE:
            words = f"No clear change since {previous.label}"
        else:
            size = rules.shown(abs(change.value))
            words = f"{direction.value.capitalize()} {size} since {previous.label}"
    return words[0].lower() + words[1:] if lower else words


def _principles(count: int) -> str:
    """ "no principle", "1 principle", "3 principles"."""
    return "no principle" if not count else f"{count} principle{'s' if count != 1 else ''}"


def _confidence(rows, submitted: int, board_size: int) -> tuple[str, str]:
    """How far the board can rely on its own answers (rules.confidence), and why."""
    gaps = sum(row.assurance_gap for row in rows)
    differ = sum(row.views_differ for row in rows)
    reason = (
        f"{submitted} of {board_size} board members answered; "
        f"{_principles(gaps)} {'has' if gaps <= 1 else 'have'} a high share of "
        f'"don\'t know" answers; views differ on {_principles(differ)}.'
    )
    level = rules.confidence(
        submitted=submitted, board=board_size, high_dont_know=gaps, differ=differ
    )
    return level, reason


def _cover(inputs, rows, priorities, overall, overall_change, submitted, shown) -> Cover:
    """The cover: the digital lead's cover sheet where given, and what the data says."""
    cover = _cover_from_data(inputs, rows, priorities, overall, overall_change, submitted, shown)
    sheet = inputs.cover_sheet
    if sheet is None:
        return cover
    return replace(
        cover,
        meeting=sheet.meeting,
        meeting_date=_long_date(sheet.meeting_date),
        agenda_item=sheet.agenda_item,
        executive_sponsor=sheet.executive_sponsor,
        report_from=sheet.author or cover.report_from,
        purpose=sheet.get_purpose_display(),
        recommendation=sheet.recommendation,
        previous_considerations=sheet.previous_considerations,
        strategy_title=sheet.strategy_title or sheet.strategy_url,
        strategy_url=sheet.strategy_url,
    )


def _cover_from_data(inputs, rows, priorities, overall, overall_change, submitted, shown) -> Cover:
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
            confidence="Not yet available",
            confidence_reason=f"Fewer than {rules.minimum_group()} board members have submitted.",
            asks=("note that too few board members have answered to report results",),
            summary=(
                f"{submitted} of {inputs.board_size} board members have submitted. Results are "
                f"shown once at least {rules.minimum_group()} have, so that no one's answers "
                "can be worked out.",
            ),
        )
    confidence, reason = _confidence(rows, submitted, inputs.board_size)
    summary = [
        f"The board's overall score is {one_decimal(overall)} out of 5" + f", {overall_change}.",
        _largest_gaps_sentence(rows, priorities),
        _list_sentence(
            [r for r in rows if r.views_differ],
            "Views differ most on",
            "Board members broadly agree on every principle."
            if all(r.judged for r in rows)
            else "Views do not differ on any principle where there were enough scores to say.",
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
        confidence=confidence,
        confidence_reason=reason,
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


NEXT_LEVEL_QUESTIONS = 2  # at most this many lowest-scoring questions per priority


def _next_levels(inputs: PaperInputs, priorities, appendix) -> tuple[NextLevel, ...]:
    """What closing each priority's gap would look like: the level above the score of its
    lowest-scoring questions, described by the rubric, beside the actions already open."""
    sections = {section.number: section for section in appendix}
    principles = {principle.number: principle for principle in inputs.content.principles}
    steps = []
    for row in priorities:
        questions = zip(
            sections[row.number].questions, principles[row.number].questions.all(), strict=True
        )
        scored = [(shown, q) for shown, q in questions if shown.mean_value is not None]
        if not scored:
            continue
        lowest = min(shown.mean_value for shown, _ in scored)
        if lowest >= LEVELS[-1]:
            continue  # already at the top level: nothing above to describe
        level = int(lowest) + 1
        actions = tuple(
            f"{action['title']} ({action['owner']}, due {_long_date(_day(action['due_date']))})"
            for action in inputs.actions
            if action["principle_number"] == row.number and not action["completed_on"]
        )
        lowest_questions = [pair for pair in scored if pair[0].mean_value == lowest]
        steps.append(
            NextLevel(
                number=row.number,
                title=row.title,
                questions=tuple(
                    NextLevelQuestion(
                        question=shown.text,
                        mean=shown.mean,
                        level=level,
                        level_label=LEVEL_LABELS[level],
                        descriptor=next(
                            (d.descriptor for d in question.levels.all() if d.level == level), ""
                        ),
                    )
                    for shown, question in lowest_questions[:NEXT_LEVEL_QUESTIONS]
                ),
                actions=actions,
            )
        )
    return tuple(steps)


def _day(iso: str) -> datetime.date:
    return datetime.date.fromisoformat(iso)


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
                    agreement=AGREEMENT_WORDS[stats.agreement],
                    mean_value=stats.mean,
                    # Sorted as a reader would (ignoring case), so their order says nothing
                    # about who wrote them or when.
                    comments=tuple(
                        sorted(
                            (comment for _, comment in answers if comment),
                            key=lambda text: (text.casefold(), text),
                        )
                    ),
                )
            )
        sections.append(AppendixSection(principle.number, principle.title, tuple(questions)))
    return tuple(sections)
