"""What the open data is made from, and what has been published: each trust's place and
whether its board was asked, and its published results as the national view reads them
(reports.national.queries.closed_results)."""

from django.db.models import Exists, OuterRef

from assessments.models import CYCLE_SLUG, Assessment, AssessmentStatus, Cycle, parse_quarter
from principles.content import framework_content
from reports.models import OpenDataRelease
from reports.national.queries import Filters, closed_results
from reports.national.rows import response_rate
from reports.opendata.figures import GroupFigures, Place, Results, quarter_figures
from trusts.models import Trust


def principles_of(cycle: Cycle) -> list[tuple[int, str]]:
    """The quarter's principles, (number, title), from its framework's cached content."""
    return [(p.number, p.title) for p in framework_content(cycle.framework).principles]


def figures_now(cycle: Cycle) -> list[GroupFigures]:
    """The quarter's open data as it would be published now (two queries, with the
    framework's content cached): every trust's place, whether it was asked, and the
    published results of those that have them."""
    asked = Assessment.objects.filter(cycle=cycle, trust=OuterRef("pk")).exclude(
        status=AssessmentStatus.DRAFT
    )
    places, asked_ids = [], []
    for trust_id, region, trust_type, was_asked in (
        Trust.objects.order_by()
        .annotate(asked=Exists(asked))
        .values_list("pk", "region", "trust_type", "asked")
    ):
        places.append(Place(trust_id, region, trust_type))
        if was_asked:
            asked_ids.append(trust_id)
    results = {
        trust.trust_id: Results(
            response_rate=response_rate(trust.rests_on.submitted, trust.rests_on.board_size),
            scores=trust.scores,
            overall=trust.overall,
        )
        for trust in closed_results(cycle, Filters())
    }
    numbers = [number for number, _ in principles_of(cycle)]
    return quarter_figures(places, asked_ids, results, numbers)


def release_of(cycle: Cycle) -> OpenDataRelease | None:
    return OpenDataRelease.objects.filter(cycle=cycle).first()


def published_release(cycle_slug: str) -> OpenDataRelease | None:
    """The release of the quarter a public address names, if it has been published."""
    quarter = parse_quarter(cycle_slug, CYCLE_SLUG)
    if quarter is None:
        return None
    year, number = quarter
    return (
        OpenDataRelease.objects.select_related("cycle")
        .filter(cycle__year=year, cycle__quarter=number)
        .first()
    )


def published_releases() -> list[OpenDataRelease]:
    """Every published quarter, newest first."""
    return list(
        OpenDataRelease.objects.select_related("cycle").order_by("-cycle__year", "-cycle__quarter")
    )
