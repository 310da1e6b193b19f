"""Taking people's answers out of the releases they fed, leaving what was published.

A release keeps the submitted answers it was made from, because every output works its
figures out from them. When answers must go (a person's erasure, or the retention date),
each paper that shows figures from them is settled first: the apps above keep what the
paper published as aggregates (settings.RELEASE_SETTLING_HOOKS: the reports app keeps
each question's scores as counted and each change since last quarter), and every verbatim
comment in it is withdrawn, since withdrawing only some would show, beside an earlier
copy of the paper, whose they were. A later paper that compares with it keeps its changes
since last quarter as published, and its own comments. Then the answers leave every
release."""

import datetime
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from assessments.models import Assessment, Release

# Why answers leave a release, as a settled paper says it.
ERASURE = "erasure"
RETENTION = "retention"


def releases_holding(response_ids: set[int], *, trust_ids: set[int]) -> list[Release]:
    """The releases of these trusts with a row of any of these responses."""
    return [
        release
        for release in Release.objects.filter(assessment__trust_id__in=trust_ids)
        .select_related("assessment__trust", "assessment__cycle")
        .order_by("assessment_id", "number")
        if any(row[0] in response_ids for row in release.rows)
    ]


def answers_withdraw(
    *, response_ids: set[int], trust_ids: set[int], reason: str
) -> list[Assessment]:
    """Settles every paper that shows figures from these responses, then takes their rows
    and fingerprints out of every release. Returns the assessments whose releases held
    them. Callers hold the transaction and write the audit record."""
    releases = releases_holding(response_ids, trust_ids=trust_ids)
    assessments = sorted({release.assessment for release in releases}, key=lambda a: a.pk)
    if not assessments:
        return []
    for path in settings.RELEASE_SETTLING_HOOKS:
        import_string(path)(assessments=assessments, reason=reason)
    for release in releases:
        release.rows = [row for row in release.rows if row[0] not in response_ids]
        release.responses = _placeholders(release.responses, response_ids)
        release.save(update_fields=["rows", "responses"])
    return assessments


def _placeholders(responses: dict, withdrawn: set[int]) -> dict:
    """The release's fingerprints with each withdrawn response's replaced by a placeholder
    that names no response and holds no digest of its answers: only its seat group, so
    that a later release still counts it as a change, in its group too
    (assessments.results.disclosure)."""
    kept = {key: value for key, value in responses.items() if not key.isdigit()}
    for key, (group, _digest) in responses.items():
        if key.isdigit() and int(key) in withdrawn:
            kept[f"withdrawn-{secrets.token_hex(6)}"] = [group, "withdrawn"]
        elif key.isdigit():
            kept[key] = [group, _digest]
    return kept


def years_ago(now: datetime.datetime, years: int) -> datetime.datetime:
    """Midnight in London, ``years`` calendar years before ``now``'s day (29 February
    counts as the 28th in a year without one): everything before it has had its years."""
    today = timezone.localdate(now)
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def answers_past_keeping(assessment: Assessment, now: datetime.datetime | None = None) -> bool:
    """Whether the quarter's individual answers have been kept as long as the schedule says
    (settings.RETENTION["answers_years"] since it closed), so the daily run deletes them."""
    before = years_ago(now or timezone.now(), settings.RETENTION["answers_years"])
    if assessment.closed_at is not None:
        return assessment.is_closed and assessment.closed_at < before
    return assessment.cycle.closes_on < before.date()
