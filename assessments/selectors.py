"""Reads of assessment data, always reached through a trust the caller may see."""

from django.db.models import Q
from django.http import Http404

from assessments.models import (
    CYCLE_SLUG,
    Assessment,
    AssessmentStatus,
    Cycle,
    parse_quarter,
)
from trusts.models import Trust


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


def before(cycle: Cycle, path: str = "") -> Q:
    """Quarters before ``cycle``, for a query reaching the cycle through ``path``."""
    return Q(**{f"{path}year__lt": cycle.year}) | Q(
        **{f"{path}year": cycle.year, f"{path}quarter__lt": cycle.quarter}
    )


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
