"""Reads of assessment data, always reached through a trust the caller may see."""

from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone

from assessments import rules
from assessments.disclosure import changed_since, latest_release, submitted_of_board
from assessments.models import (
    CYCLE_SLUG,
    OPEN_ACTION_STATUSES,
    AgreedPosition,
    Answer,
    Assessment,
    AssessmentStatus,
    Cycle,
    PrincipleResult,
    Response,
    Target,
    parse_quarter,
)
from assessments.presenters import (
    Publication,
    Submissions,
    publication_of,
    submissions_in_words,
)
from principles.content import framework_content
from principles.models import Principle, Question
from trusts.models import Membership, Role, Trust


def _quarter_or_404(cycle_slug: str) -> tuple[int, int]:
    quarter = parse_quarter(cycle_slug, CYCLE_SLUG)
    if quarter is None:
        raise Http404("No such quarter.")
    return quarter


def cycle_by_slug(cycle_slug: str) -> Cycle:
    year, number = _quarter_or_404(cycle_slug)
    cycle = Cycle.objects.filter(year=year, quarter=number).select_related("framework").first()
    if cycle is None:
        raise Http404("No such quarter.")
    return cycle


def cycle_among_all(cycle_slug: str) -> tuple[Cycle, list[Cycle]]:
    """The quarter the slug names, and every quarter, newest first (for a page that lists
    them), in one query."""
    year, number = _quarter_or_404(cycle_slug)
    cycles = list(Cycle.objects.select_related("framework"))
    found = next((c for c in cycles if (c.year, c.quarter) == (year, number)), None)
    if found is None:
        raise Http404("No such quarter.")
    return found, cycles


def assessment_for(trust: Trust, cycle_slug: str) -> Assessment:
    year, number = _quarter_or_404(cycle_slug)
    assessment = (
        trust.assessments.select_related("cycle__framework")
        .filter(cycle__year=year, cycle__quarter=number)
        .order_by()
        .first()
    )
    if assessment is None:
        raise Http404("No assessment for that quarter.")
    assessment.trust = trust
    return assessment


def principles_with_questions(assessment: Assessment) -> tuple[Principle, ...]:
    """The assessment's principles with their questions and level descriptors (cached)."""
    return framework_content(assessment.cycle.framework).principles


def principle_page(assessment: Assessment, number: int) -> Principle:
    principle = framework_content(assessment.cycle.framework).principle(number)
    if principle is None:
        raise Http404("No such principle.")
    return principle


def principle_count(assessment: Assessment) -> int:
    return len(principles_with_questions(assessment))


def response_of(assessment: Assessment, user) -> Response | None:
    """The user's own response, if they have started one. Only ever the caller's own."""
    return Response.objects.filter(assessment=assessment, respondent=user).order_by().first()


def own_answers(assessment: Assessment, user) -> tuple[Response | None, dict[int, Answer]]:
    """The user's own response and its answers by question id: one query once started."""
    answers = list(
        Answer.objects.filter(response__assessment=assessment, response__respondent=user)
        .select_related("response")
        .order_by()
    )
    if not answers:
        return response_of(assessment, user), {}
    return answers[0].response, {answer.question_id: answer for answer in answers}


def page_answers(assessment: Assessment, user, questions: list[Question]) -> dict[int, Answer]:
    """The user's own answers to one page's questions, by question id (one query)."""
    return {
        answer.question_id: answer
        for answer in Answer.objects.filter(
            response__assessment=assessment, response__respondent=user, question__in=questions
        ).order_by()
    }


def board_members(trust: Trust) -> QuerySet[Membership]:
    return (
        trust.memberships.filter(role=Role.BOARD_MEMBER)
        .select_related("user")
        .order_by("user__full_name")
    )


def responses_by_member(assessment: Assessment) -> dict[int, Response]:
    """Status and timing of every response, without a single answer: ``last_activity`` is
    when it was started, submitted or last saved (its answers' latest change; a save
    stamps only the answers it writes)."""
    latest_answer = Max("answers__updated_at")
    return {
        response.respondent_id: response
        for response in assessment.responses.only(
            "respondent_id", "status", "updated_at", "submitted_at"
        ).annotate(last_activity=Greatest("updated_at", Coalesce(latest_answer, "updated_at")))
    }


def results_of(assessment: Assessment) -> list[PrincipleResult]:
    return list(assessment.results.select_related("principle").order_by("principle__number"))


def targets_of(assessment: Assessment) -> dict[int, Target]:
    return {target.principle_id: target for target in assessment.targets.all()}


def before(cycle: Cycle, path: str = "") -> Q:
    """Quarters before ``cycle``, for a query reaching the cycle through ``path``."""
    return Q(**{f"{path}year__lt": cycle.year}) | Q(
        **{f"{path}year": cycle.year, f"{path}quarter__lt": cycle.quarter}
    )


def targets_to_start_from(assessment: Assessment) -> tuple[dict[int, Target], Cycle | None]:
    """The quarter's targets by principle id; where none are set yet, the trust's latest
    earlier targets as a starting point (matched by principle number, which every framework
    version keeps), with the quarter they come from."""
    own = targets_of(assessment)
    if own:
        return own, None
    cycle = assessment.cycle
    earlier = (
        Target.objects.filter(assessment__trust_id=assessment.trust_id)
        .filter(before(cycle, "assessment__cycle__"))
        .select_related("principle", "assessment__cycle")
        .order_by("-assessment__cycle__year", "-assessment__cycle__quarter")
    )
    latest = earlier.first()
    if latest is None:
        return {}, None
    by_number = {
        target.principle.number: target
        for target in earlier.filter(assessment_id=latest.assessment_id)
    }
    return {
        principle.pk: by_number[principle.number]
        for principle in principles_with_questions(assessment)
        if principle.number in by_number
    }, latest.assessment.cycle


def positions_of(assessment: Assessment) -> dict[int, AgreedPosition]:
    return {position.principle_id: position for position in assessment.positions.all()}


def reminded_today(assessment: Assessment) -> set[int]:
    """Who has had a reminder about this assessment today (by user id)."""
    return set(
        assessment.reminders.filter(sent_on=timezone.localdate()).values_list(
            "member_id", flat=True
        )
    )


def has_cover_sheet(assessment: Assessment) -> bool:
    """Whether the digital lead has filled in the paper's cover sheet (reports keeps it;
    asked by its related name, so this app imports nothing from reports)."""
    return Assessment.objects.filter(pk=assessment.pk, cover_sheet__isnull=False).exists()


@dataclass(frozen=True)
class ActionCounts:
    open: int
    overdue: int


def action_counts(trust: Trust) -> ActionCounts:
    """The trust's open actions, and how many are overdue (rules.action_overdue, as the
    action log page marks them): one query."""
    today = timezone.localdate()
    actions = list(
        trust.board_actions.filter(status__in=OPEN_ACTION_STATUSES).values_list(
            "status", "due_date"
        )
    )
    return ActionCounts(
        open=len(actions),
        overdue=sum(
            rules.action_overdue(status=status, due=due, today=today) for status, due in actions
        ),
    )


def trust_cycles(trust: Trust) -> list[tuple[Cycle, Assessment | None]]:
    """Every cycle, newest first, with this trust's assessment in it where there is one."""
    assessments = {a.cycle_id: a for a in trust.assessments.all()}
    return [(cycle, assessments.get(cycle.pk)) for cycle in Cycle.objects.all()]


def closed_assessments(trust_ids) -> list[Assessment]:
    """The trusts' closed quarters, whose board papers are published: newest first."""
    return list(
        Assessment.objects.filter(trust_id__in=trust_ids, status=AssessmentStatus.CLOSED)
        .select_related("cycle", "trust")
        .order_by("-cycle__year", "-cycle__quarter", "trust__name")
    )


def current_assessments(trust_ids: list[int]) -> dict[int, Assessment]:
    """Each trust's newest assessment that has been opened."""
    return current_and_published(trust_ids)[0]


def current_and_published(
    trust_ids: list[int],
) -> tuple[dict[int, Assessment], dict[int, Assessment]]:
    """Each trust's newest assessment that has been opened, and its newest closed one
    (whose paper is published): one query."""
    current: dict[int, Assessment] = {}
    published: dict[int, Assessment] = {}
    for assessment in (
        Assessment.objects.filter(trust_id__in=trust_ids)
        .exclude(status=AssessmentStatus.DRAFT)
        .select_related("cycle")
        .order_by("-cycle__year", "-cycle__quarter")
    ):
        current.setdefault(assessment.trust_id, assessment)
        if assessment.is_closed:
            published.setdefault(assessment.trust_id, assessment)
    return current, published


def publication(assessment: Assessment) -> Publication:
    """Which release every output of the assessment shows, and what has changed since."""
    release = latest_release(assessment)
    since = changed_since(release) if release is not None else 0
    return publication_of(assessment, release, changed_since=since)


def submissions(
    assessment: Assessment, published: Publication, *, live: tuple[int, int] | None = None
) -> Submissions:
    """How many have submitted, in the words every output uses: counted as they stand
    before close (two queries, unless the caller has counted them with
    disclosure.counted), and the published release's count after."""
    if assessment.is_closed:
        live = None
    elif live is None:
        live = submitted_of_board(assessment)
    return submissions_in_words(published, live=live, minimum=rules.minimum_group())
