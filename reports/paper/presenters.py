"""The board paper: one presenter feeds the web page, the PDF, the Word file, the exports'
figures and the fingerprint of a frozen paper. Figures come from the scoring module and
the summary table, rules from assessments.results.rules; rounding and wording happen in the
presenters and nowhere else. This module puts the paper together and words its gap
analysis and charts; the cover (reports.paper.cover), the change since last quarter
(reports.paper.change) and the later sections (reports.paper.sections) are their own."""

import hashlib
import json
from dataclasses import asdict, dataclass
from decimal import Decimal
from fractions import Fraction

from assessments.quarter.roadmap import Roadmap
from assessments.results import disclosure, rules, scoring
from assessments.results.presenters import (
    Publication,
    ResultRow,
    Submissions,
    groups_shown,
    one_decimal,
    result_row,
    submissions_in_words,
)
from principles.models import LEVEL_LABELS, LEVELS
from reports.paper import charts
from reports.paper.change import change_words, changes_of
from reports.paper.cover import Cover, cover_of, gaps_phrase
from reports.paper.evidence import EvidenceSection, evidence_sections
from reports.paper.followed import ActionsAndWhatFollowed, what_followed_of
from reports.paper.roadmap import roadmap_in_paper
from reports.paper.sections import (
    ActionLog,
    AppendixSection,
    NextLevel,
    action_log_of,
    appendix_of,
    long_date,
    next_levels_of,
)
from reports.paper.selectors import PaperInputs, comparison_quarter, paper_inputs

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
    # The meeting's record beside the agreed level: the dissent it minuted, and its room
    # vote in words (reports.paper.votes), once closed.
    agreed_dissent: str = ""
    room_vote: str = ""


@dataclass(frozen=True)
class VersionLine:
    """Which version of a closed quarter's paper this is, and what changed since the one
    before, in words that name nobody (reports.paper.versions)."""

    number: int
    made_on: str  # "6 March 2027"
    changes: tuple[str, ...] = ()  # since the version before; none for the first

    @property
    def words(self) -> str:
        return f"Version {self.number} of this paper, made {self.made_on}."

    @property
    def changes_words(self) -> str:
        if self.number == 1 or not self.changes:
            return ""
        return f"Changed since version {self.number - 1}: {'; '.join(self.changes)}."


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
    comments_withdrawn: int = 0  # when answers left its release (assessments.results.settling)
    withdrawn_for: str = ""  # "erasure" or "retention"
    evidence_withdrawn: int = 0  # members' evidence withdrawn with the comments
    # How many have submitted, in the words every output uses (live before close).
    submissions: Submissions | None = None
    trend_caption: str = ""  # what the trend plots, decided with it (trend_of)
    trend_heading: str = "Overall score"
    gaps_words: str = ""  # the priorities, worded from the list: paper_cover.gaps_phrase
    # Each principle's completed actions beside its change, once closed (reports.paper.followed).
    what_followed: ActionsAndWhatFollowed | None = None
    # The evidence behind the agreed positions, by principle (reports.paper.evidence).
    position_evidence: tuple[EvidenceSection, ...] = ()
    # Which version of a closed quarter's paper this is (reports.paper.versions), set when
    # it is shown or made; never part of its fingerprint.
    version: VersionLine | None = None
    # The roadmap to the targets, made once closed (assessments.quarter.roadmap).
    roadmap: Roadmap | None = None

    @property
    def withdrawn_note(self) -> str:
        """What the appendix says in place of the comments withdrawn, and why."""
        if not self.comments_withdrawn and not self.evidence_withdrawn:
            return ""
        what = _withdrawn_words(self.comments_withdrawn, self.evidence_withdrawn)
        every = "comment and piece of evidence" if self.evidence_withdrawn else "comment"
        why = (
            f"a board member's personal data was erased. Every {every} goes, so that nobody "
            "can tell which were theirs"
            if self.withdrawn_for == "erasure"
            else "the quarter's individual answers reached the end of the time they are kept"
        )
        return f"{what} withdrawn from this paper when {why}; the figures are as first published."

    @property
    def votes_taken(self) -> int:
        """How many principles the meeting took a room vote on (closed ones only): the
        paper prints them beside the agreed positions, or alone while none is recorded."""
        return sum(1 for row in self.rows if row.room_vote)

    @property
    def dissent_minuted(self) -> bool:
        return any(row.agreed_dissent for row in self.rows)

    @property
    def positions_minuted(self) -> bool:
        return bool(self.votes_taken) or self.dissent_minuted

    @property
    def compared(self) -> bool:
        """Whether enough other trusts closed this quarter to compare with at all."""
        return any(row.peer_median != "–" or row.type_median != "–" for row in self.rows)

    @property
    def score_chart_caption(self) -> str:
        """What the score chart shows, exactly: target lines and peer dots only where the
        chart draws them."""
        words = [
            "Each bar is the board's score for a principle, on the scale of levels from 1 "
            "(not started) to 5 (leading), which the trend chart shares."
        ]
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
        this changes. The draft mark and the version are left out: a closed paper is never a
        draft, and its version follows from its fingerprint."""
        data = asdict(self)
        data.pop("draft")
        data.pop("version")
        if not data["position_evidence"]:  # without it, a paper keeps the fingerprint it had
            data.pop("position_evidence")
        if not (data["roadmap"] and data["roadmap"]["rows"]):  # likewise without a roadmap
            data.pop("roadmap")
        _without_empty_member_evidence(data)
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


def board_paper(assessment) -> BoardPaper:
    return present(paper_inputs(assessment))


def present(inputs: PaperInputs) -> BoardPaper:
    assessment = inputs.assessment
    principles = inputs.content.principles
    minimum = rules.minimum_group()
    submitted = max((r.respondents for r in inputs.results.values()), default=0)
    shown = rules.figures_shown(submitted)
    previous = comparison_quarter(inputs.history)  # named in every change
    changes = changes_of(inputs, previous) if shown and previous else {}
    scores = {p.number: _score(inputs, p) for p in principles}
    overall = scoring.overall_score(scores.values()) if shown else None
    with_groups = shown and groups_shown(inputs.results.values())
    rows = (
        tuple(_gap_row(inputs, p, previous, changes.get(p.number), with_groups) for p in principles)
        if shown
        else ()
    )
    overall_change = change_words(changes.get("overall"), previous, lower=True) if shown else ""
    below = _below_target(rows)
    priorities = below[:PRIORITIES]
    appendix = appendix_of(inputs) if shown else ()
    trend = trend_of(inputs, overall if shown else None)
    submissions = submissions_in_words(inputs.publication, live=inputs.live, minimum=minimum)
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
        cover=cover_of(
            inputs,
            rows,
            priorities,
            overall,
            overall_change,
            submitted,
            shown,
            below=below,
            submissions=submissions,
        ),
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
            [(label, _plotted(value)) for label, value in trend.series],
            framework_changes=trend.changes,
        )
        if shown
        else None,
        trend_chart_alt=trend.alt,
        trend_table=tuple((label, one_decimal(value)) for label, value in trend.series),
        framework_changed=bool(trend.changes),
        trend_caption=trend.caption,
        trend_heading=trend.heading,
        gaps_words=gaps_phrase(priorities, below),
        submissions=submissions,
        appendix=appendix,
        next_levels=next_levels_of(inputs, priorities, appendix),
        peer_minimum=rules.MIN_TRUSTS,
        groups_shown=with_groups,
        positions_recorded=bool(inputs.positions),
        # The one meeting, as the cover sheet gives it (the cover says the same date).
        meeting_date=long_date(inputs.cover_sheet.meeting_date if inputs.cover_sheet else None),
        actions=action_log_of(inputs),
        roadmap=roadmap_in_paper(inputs, rows),
        what_followed=what_followed_of(inputs, rows),
        publication=inputs.publication,
        methodology=rules.methodology(minimum),
        disclosure_rule=disclosure.rule_in_words(),
        position_evidence=evidence_sections(principles, inputs.position_evidence),
        comments_withdrawn=inputs.comments_withdrawn if shown else 0,
        evidence_withdrawn=inputs.evidence_withdrawn if shown else 0,
        withdrawn_for=inputs.withdrawn_for
        if inputs.comments_withdrawn or inputs.evidence_withdrawn
        else "",
    )


def _without_empty_member_evidence(data: dict) -> None:
    """Members' evidence counts in a paper's fingerprint only where there is some, so that a
    paper frozen before members could add it keeps the fingerprint it had."""
    if not data["evidence_withdrawn"]:
        data.pop("evidence_withdrawn")
    for section in data["appendix"]:
        for question in section["questions"]:
            if not question["evidence"]:
                question.pop("evidence")


def _withdrawn_words(comments: int, evidence: int) -> str:
    """ "3 comments were", "1 comment and 2 pieces of evidence were", "1 piece of evidence was"."""
    parts = []
    if comments:
        parts.append(f"{comments} comment{'s' if comments != 1 else ''}")
    if evidence:
        parts.append(f"{evidence} piece{'s' if evidence != 1 else ''} of evidence")
    plural = len(parts) > 1 or (comments or evidence) > 1
    return f"{' and '.join(parts)} {'were' if plural else 'was'}"


def _plotted(value) -> float | None:
    """Charts draw the printed value, so a bar ends where its label says."""
    printed = rules.rounded(value)
    return None if printed is None else float(printed)


PRIORITIES = 3  # the paper's priorities: the first of the principles below target


def _below_target(rows) -> tuple[GapRow, ...]:
    """Every principle below target, ordered by the rules on the printed gap and score, so
    the order always matches the figures beside it; the priorities are the first three."""
    printed = [(row.number, Decimal(row.gap), Decimal(row.score)) for row in rows if row.gap != "–"]
    by_number = {row.number: row for row in rows}
    return tuple(by_number[number] for number in rules.priority_order(printed))


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
    position = inputs.positions.get(principle.pk)
    vote = inputs.votes.get(principle.number)
    return GapRow(
        **asdict(
            result_row(
                principle,
                result,
                inputs.targets.get(principle.pk),
                position,
                with_groups=with_groups,
            )
        ),
        trend=rules.shown_signed(value) if value is not None else "–",
        trend_text=change_words(change, previous),
        peer_median=one_decimal(peers.median) if peers else "–",
        peer_range=_middle_half(peers),
        type_median=one_decimal(same_type.median) if same_type else "–",
        type_range=_middle_half(same_type),
        trend_value=value,
        peer_median_value=peers.median if peers else None,
        agreed_dissent=position.dissent if position else "",
        room_vote=vote.words if vote else "",
    )


def _score_chart_alt(rows) -> str:
    if not rows:
        return ""
    parts = [
        f"principle {row.number} scores {row.score}"
        + (f" against a target of {row.target}" if row.target != "–" else "")
        for row in rows
    ]
    return "Bar chart of the board's score for each principle: " + "; ".join(parts) + "."


@dataclass(frozen=True)
class Trend:
    """What the trend plots and the words that say what it plots, decided together."""

    series: tuple[tuple[str, Fraction | None], ...]  # (quarter, overall score), oldest first
    changes: tuple[int, ...]  # indexes of quarters on another framework version than before
    caption: str
    heading: str  # the table's column of scores
    alt: str


TREND_CAPTION = "The board's overall score in each quarter it has closed, up to the last eight."


def trend_of(inputs: PaperInputs, overall: Fraction | None) -> Trend:
    """The overall score by quarter, up to eight, and what it says of itself. Where the
    quarters with a score used different framework versions, every quarter is plotted over
    the questions asked in all of them (by question key, principle by principle), so both
    sides of the change compare the same questions; the caption says how many and which
    quarters' own overall scores (over all their questions) therefore differ here."""
    assessment = inputs.assessment
    quarters = [
        (
            q.label,
            q.framework_id,
            q.question_means if rules.figures_shown(q.respondents) else None,
            scoring.overall_score(q.scores.values()),
        )
        for q in inputs.history
    ] + [
        (
            assessment.cycle.label,
            assessment.cycle.framework_id,
            _means_by_number(inputs) if overall is not None else None,
            overall,
        )
    ]
    frameworks = [framework for _, framework, _, _ in quarters]
    changes = tuple(i for i in range(1, len(frameworks)) if frameworks[i] != frameworks[i - 1])
    scored = [(label, means, own) for label, _, means, own in quarters if means is not None]
    plotted_versions = {framework for _, framework, means, _ in quarters if means is not None}
    caption = TREND_CAPTION
    if changes:
        caption += " A dashed line marks a change of framework version."
    if len(plotted_versions) <= 1:
        series = tuple(
            (label, own if means is not None else None) for label, _, means, own in quarters
        )
        return Trend(series, changes, caption, "Overall score", _trend_alt(series, ""))
    common = {
        number: sorted(set.intersection(*(set(means.get(number, {})) for _, means, _ in scored)))
        for number in sorted(set.intersection(*(set(means) for _, means, _ in scored)))
    }
    asked = sum(len(keys) for keys in common.values())
    values = {label: scoring.overall_score_over(means, common) for label, means, _ in scored}
    series = tuple((label, values.get(label)) for label, _, _, _ in quarters)
    caption += (
        f" So that both sides compare the same questions, every quarter is plotted over only "
        f"the {asked} questions asked in every version shown."
    )
    differ = [
        f"{label} scored {one_decimal(own)}"
        for label, _, own in scored
        if one_decimal(own) != one_decimal(values[label])
    ]
    if differ:
        caption += " Over all of its own questions, " + _joined(differ) + "."
    return Trend(
        series,
        changes,
        caption,
        f"Overall score over the {asked} common questions",
        _trend_alt(series, f", over the {asked} questions asked in every version shown"),
    )


def _means_by_number(inputs: PaperInputs) -> dict[int, dict]:
    by_id = {p.pk: p.number for p in inputs.content.principles}
    return {by_id[pk]: result.means for pk, result in inputs.results.items() if pk in by_id}


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _trend_alt(series, over: str) -> str:
    known = [f"{label} {one_decimal(value)}" for label, value in series if value is not None]
    return f"Line chart of the board's overall score by quarter{over}: " + "; ".join(known) + "."
