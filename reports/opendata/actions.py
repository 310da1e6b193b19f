"""Publishing a quarter's open data: once, after the quarter has closed, and never again."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.errors import AssessmentError
from assessments.models import Cycle
from assessments.results import rules
from core.audit import audit
from reports.models import OpenDataRelease
from reports.opendata import files
from reports.opendata.queries import figures_now, principles_of


def publishable_from(cycle: Cycle):
    """The first day a quarter's open data may be published: the day after it closes."""
    return cycle.closes_on + datetime.timedelta(days=1)


def publish_problem(cycle: Cycle, release: OpenDataRelease | None) -> str:
    """Why the quarter cannot be published now, in words for the page; "" if it can."""
    if release is not None:
        return (
            f"The open data for {cycle.label} was published on "
            f"{timezone.localtime(release.published_at):%-d %B %Y}. It is never published again, "
            "so that its figures never change."
        )
    if timezone.localdate() < publishable_from(cycle):
        return (
            f"You can publish the open data for {cycle.label} from "
            f"{publishable_from(cycle):%-d %B %Y}, the day after the quarter closes."
        )
    return ""


@transaction.atomic
def open_data_publish(*, cycle: Cycle, by) -> OpenDataRelease:
    """Fixes the quarter's open data as it stands now; its files are served from this from
    then on. Refused before the quarter has closed and once it has been published."""
    cycle = Cycle.objects.select_for_update().select_related("framework").get(pk=cycle.pk)
    problem = publish_problem(cycle, OpenDataRelease.objects.filter(cycle=cycle).first())
    if problem:
        raise AssessmentError(problem)
    figures = figures_now(cycle)
    principles = principles_of(cycle)
    columns = files.columns(principles, minimum_responses=settings.MIN_RESPONSES)
    try:
        with transaction.atomic():
            release = OpenDataRelease.objects.create(
                cycle=cycle,
                published_at=timezone.now(),
                minimum_trusts=rules.MIN_TRUSTS,
                columns=[[column.name, column.description] for column in columns],
                rows=files.rows(
                    figures, quarter=cycle.label, numbers=[number for number, _ in principles]
                ),
            )
    except IntegrityError:  # published by someone else at the same moment
        raise AssessmentError(
            publish_problem(cycle, OpenDataRelease.objects.get(cycle=cycle))
        ) from None
    audit(
        action="open_data.published",
        by=by,
        target=cycle,
        detail={
            "cycle": cycle.label,
            "groups": len(figures),
            "withheld": sum(1 for group in figures if group.withheld),
        },
    )
    return release
