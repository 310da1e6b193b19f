"""Reads of published results: the summary rows, which release every output shows, and
how many of the board have submitted."""

from assessments.models import (
    Assessment,
    PrincipleResult,
)
from assessments.results import rules
from assessments.results.disclosure import changed_since, latest_release, submitted_of_board
from assessments.results.presenters import (
    Publication,
    Submissions,
    publication_of,
    submissions_in_words,
)


def results_of(assessment: Assessment) -> list[PrincipleResult]:
    return list(assessment.results.select_related("principle").order_by("principle__number"))


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
