"""The row lock every write to a quarter takes first, so that closing, reopening and
submitting never interleave."""

from assessments.models import Assessment


def lock_assessment(assessment: Assessment) -> Assessment:
    """The caller's assessment, re-read in place under a row lock, so that a save and a
    close cannot interleave and the caller never holds a stale status afterwards."""
    assessment.refresh_from_db(
        from_queryset=Assessment.objects.select_for_update(of=("self",)).select_related(
            "cycle__framework", "trust"
        )
    )
    return assessment
