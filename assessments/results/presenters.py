"""Display values for assessment results: labels, rounding, RAG. Fed by the scoring module
and the summary table, so every page shows the same numbers from the same code."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from assessments.models import AgreedPosition, PrincipleResult, Target
from assessments.results import rules, scoring
from principles.models import Principle
from trusts.models import SeatGroup

# NHS.UK tag colours; the text says the RAG status too, so colour is never the only signal.
RAG_TAGS = {
    rules.Rag.RED: "nhsuk-tag--red",
    rules.Rag.AMBER: "nhsuk-tag--orange",
    rules.Rag.GREEN: "nhsuk-tag--green",
}

# Every figure is printed by the rules' one rounding (half up, never -0.0).
one_decimal = rules.shown
percent = rules.percent


@dataclass(frozen=True)
class ResultRow:
    number: int
    title: str
    score: str
    target: str
    gap: str
    rag: str  # "Red", "Amber", "Green" or ""
    rag_tag: str  # the NHS.UK tag class for its colour
    rag_label: str
    views_differ: bool
    dont_know: str
    assurance_gap: bool
    scores: int  # how many scores the principle rests on
    judged: bool  # enough scores on every question to say whether views differ
    agreed: str  # the board's agreed level, or "–"
    agreed_rationale: str
    executive: str  # each seat group's score, "" unless both groups may be shown
    non_executive: str
    # The exact values behind the printed ones, for exports (rules.exported).
    score_value: Fraction | None
    target_value: Decimal | None
    gap_value: Decimal | None  # the printed gap, which the RAG is decided on
    dont_know_value: Fraction | None


@dataclass(frozen=True)
class Publication:
    """Which release of the results every output shows (assessments.results.disclosure)."""

    published_on: str  # "2 December 2026", or "" before the first release
    number: int  # the release's number, 0 before the first
    open_again: bool  # reopened since: new answers wait for the next release
    changed_since: int  # responses new, changed or gone since the release
    respondents: int = 0  # the submitted responses the release holds
    board_size: int = 0  # the board when it was published
    figures_shown: bool = False

    @property
    def awaiting_close(self) -> bool:
        return not self.number


NOT_PUBLISHED = Publication(published_on="", number=0, open_again=False, changed_since=0)


def publication_of(assessment, release, *, changed_since: int = 0) -> Publication:
    if release is None:
        return NOT_PUBLISHED
    return Publication(
        published_on=f"{timezone.localtime(release.published_at):%-d %B %Y}",
        number=release.number,
        open_again=assessment.is_open,
        changed_since=changed_since,
        respondents=release.respondents,
        board_size=release.board_size,
        figures_shown=release.figures_shown,
    )


@dataclass(frozen=True)
class Submissions:
    """How many board members have submitted, in the one set of words every output uses:
    the paper in every format, the agreed-position page, the quarter's checklist and the
    board_paper command. A count, never a figure: the coordinator sees who has submitted."""

    submitted: int
    board_size: int
    words: str  # the sentence every output prints
    published: str  # the published release's count in words; "" before the first release
    live: bool  # counted from the responses as they stand: the quarter is open

    @property
    def short(self) -> str:
        """The checklist's status: "6 of 10 submitted"."""
        return f"{self.submitted} of {self.board_size} submitted"


def submissions_in_words(
    publication: Publication, *, live: tuple[int, int] | None, minimum: int
) -> Submissions:
    """Before close, ``live`` (submitted, and the board as it is this quarter:
    assessments.results.disclosure.submitted_of_board) and when results are published: "6 of 10
    board members have submitted; results are published when the quarter closes." After
    close, the published release's count and board size."""
    published = ""
    if not publication.awaiting_close:
        published = (
            f"{publication.respondents} of {publication.board_size} board members had "
            f"submitted when the results were published on {publication.published_on}"
        )
        if not publication.figures_shown:
            published += (
                f"; figures are shown only from at least {minimum}, so that no one's answers "
                "can be worked out"
            )
        published += "."
    if live is None:
        return Submissions(
            submitted=publication.respondents,
            board_size=publication.board_size,
            words=published or "No results have been published for this quarter.",
            published=published,
            live=False,
        )
    submitted, board = live
    members = "board member" if board == 1 else "board members"
    have = "has" if submitted == 1 else "have"
    when = (
        "results are published when the quarter closes"
        if publication.awaiting_close
        else "new results are published when the quarter closes, if enough responses are "
        "new or changed"
    )
    return Submissions(
        submitted=submitted,
        board_size=board,
        words=f"{submitted} of {board} {members} {have} submitted; {when}.",
        published=published,
        live=True,
    )


@dataclass(frozen=True)
class BoardResults:
    """What may be shown of a board's results: nothing before the quarter's first
    release, and nothing from fewer than MIN_RESPONSES submitted responses."""

    submitted: int
    minimum: int
    overall: str
    rows: list[ResultRow]
    groups_shown: bool = False
    publication: Publication = NOT_PUBLISHED
    submissions: Submissions | None = None  # how many have submitted, in words

    @property
    def shown(self) -> bool:
        return self.submitted >= self.minimum


def groups_shown(results) -> bool:
    """Executive and non-executive scores appear only where both groups have at least
    MIN_RESPONSES submitted: a smaller group's mean could give its members away."""
    return any(
        all(
            result.group_scores.get(group, {}).get("respondents", 0) >= rules.minimum_group()
            for group in SeatGroup.values
        )
        for result in results
    )


def result_row(
    principle: Principle,
    result: PrincipleResult | None,
    target: Target | None,
    position: AgreedPosition | None = None,
    *,
    with_groups: bool = False,
):
    """One principle's figures as shown everywhere: the coordinator's page, the board
    paper and its exports."""
    score = result.score if result else None
    target_level = target.level if target else None
    gap = rules.printed_gap(target=target_level, score=score)
    rag = rules.rag(gap)
    share = result.dont_know_share if result else None
    return ResultRow(
        number=principle.number,
        title=principle.title,
        score=one_decimal(score),
        target=one_decimal(target_level),
        gap=one_decimal(gap),
        rag=rag.value.capitalize() if rag else "",
        rag_tag=RAG_TAGS[rag] if rag else "",
        rag_label=rules.RAG_WORDS[rag] if rag else _no_rag(score, target_level),
        views_differ=bool(result and result.views_differ),
        dont_know=percent(share),
        assurance_gap=rules.dont_know_high(share),
        scores=result.scores if result else 0,
        judged=bool(result and result.judged),
        score_value=score,
        target_value=target_level,
        gap_value=gap,
        dont_know_value=share,
        agreed=str(position.level) if position else "–",
        agreed_rationale=position.rationale if position else "",
        executive=_group_score(result, SeatGroup.EXECUTIVE) if with_groups else "",
        non_executive=_group_score(result, SeatGroup.NON_EXECUTIVE) if with_groups else "",
    )


def _no_rag(score, target) -> str:
    if target is None:
        return "No target set"
    return "No score to compare with the target" if score is None else ""


def _group_score(result: PrincipleResult | None, group: str) -> str:
    return one_decimal(result.group_score(group) if result else None)


def board_results(
    *,
    principles: list[Principle],
    results: list[PrincipleResult],
    targets: dict[int, Target],
    positions: dict[int, AgreedPosition],
    publication: Publication = NOT_PUBLISHED,
    submissions: Submissions | None = None,
) -> BoardResults:
    by_principle = {result.principle_id: result for result in results}
    submitted = max((result.respondents for result in results), default=0)
    minimum = rules.minimum_group()
    if submitted < minimum:
        return BoardResults(
            submitted=submitted,
            minimum=minimum,
            overall="",
            rows=[],
            publication=publication,
            submissions=submissions,
        )
    scores = [by_principle[p.pk].score if p.pk in by_principle else None for p in principles]
    with_groups = groups_shown(results)
    return BoardResults(
        submitted=submitted,
        minimum=minimum,
        overall=one_decimal(scoring.overall_score(scores)),
        rows=[
            result_row(
                p,
                by_principle.get(p.pk),
                targets.get(p.pk),
                positions.get(p.pk),
                with_groups=with_groups,
            )
            for p in principles
        ],
        groups_shown=with_groups,
        publication=publication,
        submissions=submissions,
    )


# The board member's own questionnaire


def in_words(numbers: list[int]) -> str:
    """[1] → "question 1"; [1, 3] → "questions 1 and 3"; [1, 2, 3] → "questions 1, 2 and 3"."""
    if len(numbers) == 1:
        return f"question {numbers[0]}"
    return f"questions {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"
