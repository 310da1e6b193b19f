"""What a board paper is made from, read in a fixed number of queries."""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from assessments.models import (
    AgreedPosition,
    Assessment,
    AssessmentStatus,
    Cycle,
    PositionEvidence,
    PrincipleResult,
    Release,
    RoadmapStep,
    RoomVote,
    Target,
)
from assessments.quarter.decisions import action_log
from assessments.quarter.roadmap import steps_of
from assessments.results import rules
from assessments.results.change import (
    EARLIER_QUARTERS,
    Respondent,
    by_respondent,
    latest_rows,
    question_keys,
    settled_intervals,
)
from assessments.results.disclosure import latest_release, submitted_of_board
from assessments.results.presenters import NOT_PUBLISHED, Publication, publication_of
from assessments.results.released import released
from assessments.selectors import before
from principles.content import FrameworkContent, framework_content
from principles.models import Framework, LevelDescriptor, Principle, Question
from reports.models import CoverSection, CoverSheet, CoverSheetConventions
from reports.paper.evidence import EvidenceItem, evidence_rows
from reports.paper.votes import VoteResult, room_votes_of
from trusts.models import Membership, Role, Trust, User

PROJECT = Path(__file__).resolve().parents[2]


def code_edition(root: Path = PROJECT) -> str:
    """A digest of the code that works out what a paper shows (the principles',
    quarters' and reports' apps, but for their migrations and commands), so that a paper
    frozen before a change in that code is worked out again, and made again if what it
    shows changed (its fingerprint): nobody has to remember to raise an edition number. A
    change of layout alone (a template, the print stylesheet) leaves stored papers as they
    were published."""
    digest, files = hashlib.sha256(), 0
    for app in ("principles", "assessments", "reports"):
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if not {"migrations", "management"} & set(relative.parts):
                digest.update(str(relative).encode() + path.read_bytes())
                files += 1
    if not files:
        raise RuntimeError(f"No source of the paper's code under {root}: its edition is unknown.")
    return digest.hexdigest()[:16]


PAPER_EDITION = code_edition()

# What a closed quarter's paper reads, and how a change to each reaches its stamp
# (paper_inputs_key). tests/reports/paper/test_frozen_papers.py fails if the paper reads a
# table in none of these lists, so a new input cannot be missed.
STAMPED = {  # the name each table has in the stamp's query
    "assessment": Assessment,
    "trust": Trust,
    "position": AgreedPosition,
    "cover": CoverSheet,
    "conventions": CoverSheetConventions,
    "membership": Membership,
    "user": User,
    "vote": RoomVote,
    "roadmap": RoadmapStep,  # the roadmap to the targets, made after close
    "evidence": PositionEvidence,
}
# Read, but fixed while the quarter stays closed: each changes only with a reopen and a new
# close (which moves the stamp: the close's time), or never (a published framework, a
# quarter's year and number).
FIXED_WHILE_CLOSED = (
    Cycle,
    PrincipleResult,
    Target,
    Framework,
    Principle,
    Question,
    LevelDescriptor,
)
# Changed while the quarter is closed only when answers leave it (an erasure, the retention
# date): the hooks that settle it (reports.paper.actions.papers_settle, papers_forget) drop
# the frozen files themselves.
SETTLED_BY_HOOKS = (Release,)


@dataclass
class PastQuarter:
    label: str
    framework_id: int
    respondents: int
    scores: dict[int, Fraction | None]  # principle number -> score
    question_means: dict[int, dict[str, Fraction | None]]  # principle number -> key -> mean
    assessment_id: int = 0
    # Its release by respondent: loaded only for the quarter "since last quarter" compares
    # with (comparison_quarter), for the change test.
    answers: list[Respondent] = field(default_factory=list)


@dataclass
class PaperInputs:
    assessment: Assessment
    content: FrameworkContent
    board_size: int
    coordinators: list[str]
    results: dict[int, PrincipleResult]  # principle id -> result
    targets: dict[int, Target]  # principle id -> target
    positions: dict[int, AgreedPosition]  # principle id -> the board's agreed position
    history: list[PastQuarter]  # earlier closed quarters of this trust, oldest first
    as_at: datetime.date  # the day the paper speaks for: closing day, or today for a draft
    actions: list[dict]  # the action log on that day
    publication: Publication = NOT_PUBLISHED  # which release of the results this shows
    answers: dict[int, list[tuple[int | None, str]]] = field(default_factory=dict)
    # Members' evidence by question id, (title, link) each, published with the comments.
    evidence: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    respondents: list[Respondent] = field(default_factory=list)  # the release, by member
    peers_all: dict[int, list[float]] = field(default_factory=dict)  # principle number
    peers_type: dict[int, list[float]] = field(default_factory=dict)
    cover_sheet: CoverSheet | None = None  # as the digital lead typed it, if they have
    cover_sections: frozenset[str] = frozenset()  # the trust's optional sections switched on
    # A settled release (assessments.results.settling): the changes since last quarter as
    # published, how many comments were withdrawn from the paper, and why.
    settled_changes: dict | None = None
    comments_withdrawn: int = 0
    evidence_withdrawn: int = 0
    withdrawn_for: str = ""
    # Before close: how many have submitted, of the board as it is this quarter
    # (assessments.results.disclosure.submitted_of_board); after close the release says.
    live: tuple[int, int] | None = None
    # The room votes taken in the board meeting, closed ones only, by principle number.
    votes: dict[int, VoteResult] = field(default_factory=dict)
    # The roadmap to the targets (principle number -> step -> level); the open actions in
    # ``actions`` are placed in its quarters (reports.paper.roadmap).
    roadmap: dict[int, dict] = field(default_factory=dict)
    # The evidence behind the agreed positions, by principle id (reports.paper.evidence).
    position_evidence: dict[int, list[EvidenceItem]] = field(default_factory=dict)


def cover_sheet_sections(trust: Trust) -> frozenset[str]:
    """The optional cover-sheet sections (CoverSection values) the trust has switched on:
    its own choice once its digital lead has made one, settings.COVER_SHEET_SECTIONS until
    then. A section no longer offered is left out."""
    chosen = (
        CoverSheetConventions.objects.filter(trust=trust).values_list("sections", flat=True).first()
    )
    sections = settings.COVER_SHEET_SECTIONS if chosen is None else chosen
    return frozenset(sections) & set(CoverSection.values)


def cover_sheet_start(assessment: Assessment) -> tuple[CoverSheet | None, Assessment | None]:
    """What the cover sheet form starts from: the quarter's own sheet; where there is none
    yet, the trust's latest earlier one (its meeting date and agenda item left out), with
    the assessment it comes from."""
    own = CoverSheet.objects.filter(assessment=assessment).first()
    if own is not None:
        return own, None
    cycle = assessment.cycle
    earlier = (
        CoverSheet.objects.filter(assessment__trust_id=assessment.trust_id)
        .filter(before(cycle, "assessment__cycle__"))
        .select_related("assessment__cycle")
        .order_by("-assessment__cycle__year", "-assessment__cycle__quarter")
        .first()
    )
    if earlier is None:
        return None, None
    carried = {name: getattr(earlier, name) for name in CoverSheet.CARRIED_FORWARD}
    return CoverSheet(**carried), earlier.assessment


def paper_inputs(assessment: Assessment) -> PaperInputs:
    trust = assessment.trust
    as_at = (
        timezone.localdate(assessment.closed_at)
        if assessment.is_closed and assessment.closed_at
        else timezone.localdate()
    )
    members = list(
        Membership.objects.filter(trust=trust)
        .select_related("user")
        .values_list("role", "user__full_name")
    )
    release = latest_release(assessment)
    inputs = PaperInputs(
        assessment=assessment,
        content=framework_content(assessment.cycle.framework),
        # The board as it was when the results were published.
        board_size=release.board_size
        if release
        else sum(1 for role, _ in members if role == Role.BOARD_MEMBER),
        coordinators=sorted(name for role, name in members if role == Role.COORDINATOR),
        results={r.principle_id: r for r in PrincipleResult.objects.filter(assessment=assessment)},
        targets={t.principle_id: t for t in Target.objects.filter(assessment=assessment)},
        positions={p.principle_id: p for p in AgreedPosition.objects.filter(assessment=assessment)},
        history=_history(assessment),
        as_at=as_at,
        actions=assessment.action_log if assessment.is_closed else action_log(assessment),
        publication=publication_of(assessment, release),
        cover_sheet=CoverSheet.objects.filter(assessment=assessment).first(),
        live=None if assessment.is_closed else submitted_of_board(assessment),
        votes=room_votes_of(assessment, closed_only=True) if assessment.is_closed else {},
        position_evidence=evidence_rows(assessment),
    )
    inputs.roadmap = steps_of(assessment)
    if inputs.cover_sheet is not None:
        inputs.cover_sections = cover_sheet_sections(trust)
    if release is not None and release.figures_shown:
        inputs.peers_all, inputs.peers_type = _peers(assessment)
        settled = release.settled or {}
        if "answers" in settled:
            _settled_answers(inputs, settled)
        else:
            inputs.answers = _answers(release)
            inputs.evidence = _evidence(release)
            keys = {question.pk: question.key for question in inputs.content.questions}
            inputs.respondents = by_respondent(release.rows, keys)
        inputs.settled_changes = settled_intervals(release)
    return inputs


def _settled_answers(inputs: PaperInputs, settled: dict) -> None:
    """A settled release's questions as published: each one's scores (no longer tied to
    anyone), and no comments."""
    inputs.answers = {
        int(question_id): [(score, "") for score in scores]
        for question_id, scores in settled["answers"].items()
    }
    inputs.comments_withdrawn = settled["comments_withdrawn"]
    inputs.evidence_withdrawn = settled.get("evidence_withdrawn", 0)  # settled before evidence
    inputs.withdrawn_for = settled["reason"]


def _answers(release: Release) -> dict[int, list[tuple[int | None, str]]]:
    """The released answers by question id: (score or None for "don't know", comment)."""
    answers: dict[int, list[tuple[int | None, str]]] = defaultdict(list)
    for row in released(release.rows):
        answers[row.question_id].append((row.score, row.comment))
    return answers


def _evidence(release: Release) -> dict[int, list[tuple[str, str]]]:
    """The released evidence by question id: (title, link)."""
    evidence: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in released(release.rows):
        if row.evidence:
            evidence[row.question_id].append(row.evidence)
    return evidence


def _history(assessment: Assessment) -> list[PastQuarter]:
    """Up to the last 8 earlier closed quarters of the trust, from the summary table."""
    cycle = assessment.cycle
    earlier = (
        Assessment.objects.filter(trust_id=assessment.trust_id, status=AssessmentStatus.CLOSED)
        .filter(before(cycle, "cycle__"))
        .order_by("-cycle__year", "-cycle__quarter")[:EARLIER_QUARTERS]
    )
    quarters: dict[int, PastQuarter] = {}
    results = PrincipleResult.objects.filter(assessment__in=earlier.values("pk")).select_related(
        "assessment__cycle", "principle"
    )
    for result in results:
        cycle = result.assessment.cycle
        quarter = quarters.setdefault(
            result.assessment_id,
            PastQuarter(
                cycle.label,
                cycle.framework_id,
                result.respondents,
                {},
                {},
                result.assessment_id,
            ),
        )
        quarter.scores[result.principle.number] = result.score
        quarter.question_means[result.principle.number] = result.means
    history = sorted(quarters.values(), key=lambda q: q.label)
    previous = comparison_quarter(history)
    if previous is not None:
        _add_released_answers(previous)
    return history


def comparison_quarter(history: list[PastQuarter]) -> PastQuarter | None:
    """The latest earlier quarter with results: what "since last quarter" compares with."""
    return next((q for q in reversed(history) if rules.figures_shown(q.respondents)), None)


def _add_released_answers(quarter: PastQuarter) -> None:
    """The quarter's latest release, by respondent (two queries)."""
    rows = latest_rows(quarter.assessment_id)
    quarter.answers = by_respondent(rows, question_keys(rows))


def _peers(assessment: Assessment) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    """Other trusts' principle scores in the same quarter: closed, and above the minimum."""
    rows = (
        PrincipleResult.objects.filter(
            assessment__cycle_id=assessment.cycle_id,
            assessment__status=AssessmentStatus.CLOSED,
            respondents__gte=rules.minimum_group(),
            score__isnull=False,
        )
        .exclude(assessment__trust_id=assessment.trust_id)
        .values_list("principle__number", "score", "assessment__trust__trust_type")
    )
    every, same_type = defaultdict(list), defaultdict(list)
    trust_type = assessment.trust.trust_type
    for number, score, peer_type in rows:
        every[number].append(score)
        if trust_type and peer_type == trust_type:
            same_type[number].append(score)
    return every, same_type


def _inputs_key_sql() -> str:
    tables = {name: model._meta.db_table for name, model in STAMPED.items()}
    return """
SELECT * FROM
 (SELECT COUNT(*), MAX(s.updated_at) FROM {roadmap} s WHERE s.assessment_id = %s) roadmap,
 (SELECT COUNT(*), MAX(a.closed_at), MAX(t.updated_at) FROM {assessment} a
  JOIN {trust} t ON t.id = a.trust_id
  WHERE (a.cycle_id = %s OR a.trust_id = %s) AND a.status = %s) closed,
 (SELECT COUNT(*), MAX(p.recorded_at) FROM {position} p WHERE p.assessment_id = %s) positions,
 (SELECT MAX(c.updated_at) FROM {cover} c WHERE c.assessment_id = %s) cover,
 (SELECT MAX(v.updated_at) FROM {conventions} v WHERE v.trust_id = %s) conventions,
 (SELECT COUNT(*), MAX(m.created_at), MAX(u.updated_at) FROM {membership} m
  JOIN {user} u ON u.id = m.user_id WHERE m.trust_id = %s) people,
 (SELECT COUNT(*), MAX(r.closed_at) FROM {vote} r WHERE r.assessment_id = %s) votes,
 (SELECT COUNT(*), MAX(e.added_at), SUM(e.id) FROM {evidence} e
  JOIN {position} ep ON ep.id = e.position_id WHERE ep.assessment_id = %s) evidence
""".format(**{name: connection.ops.quote_name(table) for name, table in tables.items()})


def paper_inputs_key(assessment: Assessment) -> str:
    """A cheap stamp of everything a closed assessment's paper is made from, in one query,
    kept with its frozen paper: while it is unchanged the frozen paper is served as it is,
    without working out the paper again (docs/decisions/0021-measured-budgets.md).

    It changes with any close or reopen in the same quarter (peers) or of the same trust
    (its trend and its own results), any change to a trust involved (name, type), the
    agreed position, the cover sheet and the trust's choice of its sections, the trust's
    people (who the digital lead is, the board's size, a name corrected), a room vote
    taken in the meeting (opened or closed), the evidence behind the agreed positions
    (added or removed), the roadmap to the targets, the minimum
    group size and the paper's edition. A closed quarter's answers, targets and action log
    cannot change until it reopens."""
    with connection.cursor() as cursor:
        cursor.execute(
            _inputs_key_sql(),
            [
                assessment.pk,
                assessment.cycle_id,
                assessment.trust_id,
                AssessmentStatus.CLOSED,
                assessment.pk,
                assessment.pk,
                assessment.trust_id,
                assessment.trust_id,
                assessment.pk,
                assessment.pk,
            ],
        )
        stamps = cursor.fetchone()
    text = repr((PAPER_EDITION, rules.minimum_group(), assessment.pk, *map(str, stamps)))
    return hashlib.sha256(text.encode()).hexdigest()
