"""Reads of assessment data, always reached through a trust the caller may see."""

from django.db.models import QuerySet
from django.http import Http404

from assessments.disclosure import changed_since, latest_release
from assessments.models import (
    CYCLE_SLUG,
    Answer,
    Assessment,
    AssessmentStatus,
    Cycle,
    PrincipleResult,
    Response,
    Target,
    parse_quarter,
)
from assessments.presenters import Publication, publication_of
from principles.content import framework_content
from principles.models import Principle
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


def board_members(trust: Trust) -> QuerySet[Membership]:
    return (
        trust.memberships.filter(role=Role.BOARD_MEMBER)
        .select_related("user")
        .order_by("user__full_name")
    )


def responses_by_member(assessment: Assessment) -> dict[int, Response]:
    """Status and timing of every response, without a single answer."""
    return {
        response.respondent_id: response
        for response in assessment.responses.only(
            "respondent_id", "status", "updated_at", "submitted_at"
        )
    }


def results_of(assessment: Assessment) -> list[PrincipleResult]:
    return list(assessment.results.select_related("principle").order_by("principle__number"))


def targets_of(assessment: Assessment) -> dict[int, Target]:
    return {target.principle_id: target for target in assessment.targets.all()}


def trust_cycles(trust: Trust) -> list[tuple[Cycle, Assessment | None]]:
    """Every cycle, newest first, with this trust's assessment in it where there is one."""
    assessments = {a.cycle_id: a for a in trust.assessments.all()}
    return [(cycle, assessments.get(cycle.pk)) for cycle in Cycle.objects.all()]


def current_assessments(trust_ids: list[int]) -> dict[int, Assessment]:
    """Each trust's newest assessment that has been opened."""
    found: dict[int, Assessment] = {}
    for assessment in (
        Assessment.objects.filter(trust_id__in=trust_ids)
        .exclude(status=AssessmentStatus.DRAFT)
        .select_related("cycle")
        .order_by("-cycle__year", "-cycle__quarter")
    ):
        found.setdefault(assessment.trust_id, assessment)
    return found


def publication(assessment: Assessment) -> Publication:
    """Which release every output of the assessment shows, and what has changed since."""
    release = latest_release(assessment)
    since = changed_since(release) if release is not None else 0
    return publication_of(assessment, release, changed_since=since)
