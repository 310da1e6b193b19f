"""The summary table: publishing a release's results and writing its rows, with each
quarter's change since the one before (assessments.results.change).

Keyword-only arguments, the acting user as ``by``, one transaction, an audit record."""

from collections import defaultdict

from django.db import transaction

from assessments.locking import lock_assessment
from assessments.models import Assessment, OverallResult, PrincipleResult, Release
from assessments.results import change, disclosure, scoring
from assessments.results.released import released
from core.audit import audit
from core.fields import fraction_text
from principles.models import Question
from trusts.models import SeatGroup


@transaction.atomic
def results_publish(*, assessment: Assessment, by) -> Release | None:
    """Publishes the assessment's results as a new release, if the disclosure rule allows
    (assessments.results.disclosure), and writes the summary rows from it. Otherwise the last
    release stays published, and the audit trail says why."""
    release, decision = disclosure.release_make(assessment=assessment)
    if release is None:
        # Held: the last release stands, but what it is compared with may have moved while
        # the quarter was open (an earlier quarter reopened, or published again).
        changes_record(assessment=assessment)
        later_changes_record(assessment=assessment)
        audit(
            action="results.held",
            by=by,
            trust=assessment.trust,
            target=assessment,
            detail={"reason": decision.reason},
        )
        return None
    results_write(release=release)  # with its own change
    # A quarter closed again after a reopen (or out of order, as a seeder may) is what a
    # later quarter's "since last quarter" compares with: work that one out again too.
    later_changes_record(assessment=assessment)
    audit(
        action="results.published",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={"release": release.number, "responses": release.respondents},
    )
    return release


def results_refresh(*, assessment: Assessment) -> list[PrincipleResult]:
    """Rewrites the summary rows from the latest release (``rebuild_results``): the same
    values the release wrote, whatever has happened to the answers since."""
    release = disclosure.latest_release(assessment)
    if release is None:
        PrincipleResult.objects.filter(assessment=assessment).delete()
        OverallResult.objects.filter(assessment=assessment).delete()
        return []
    if release.settled is not None:  # its rows have lost answers; the rows it wrote stand
        changes_record(assessment=assessment, release=release)  # from what it published
        return list(PrincipleResult.objects.filter(assessment=assessment))
    return results_write(release=release)


def changes_record(*, assessment: Assessment, release: Release | None = None) -> None:
    """Works out the quarter's change since the one before again from its latest release
    (or ``release``), and keeps it with its overall result: what its paper says now.
    Nothing where it has no results. Callers hold the transaction."""
    release = release or disclosure.latest_release(assessment)
    if release is None or not OverallResult.objects.filter(assessment=assessment).exists():
        return
    OverallResult.objects.filter(assessment=assessment).update(
        changes=change.as_stored(change.changes_of(assessment, release))
    )


def later_changes_record(*, assessment: Assessment) -> None:
    """Works out again the change of each of the trust's later quarters whose "since last
    quarter" is, or may now be, this one (change.may_compare_with): at every close of this
    quarter, published or held, and at its reopening, after which its paper (reading only
    closed quarters) compares with the one before. So a kept change is always what the
    board paper says now. Callers hold the transaction.

    Each later quarter is locked first, oldest first (a close only ever locks its own
    quarter and then later ones, so two closes cannot wait on each other): its own close
    at the same moment has then committed, and its change is worked out from what that
    close published, never overwritten by one worked out from before it."""
    for later in change.may_compare_with(assessment):
        changes_record(assessment=lock_assessment(later))


def results_write(*, release: Release) -> list[PrincipleResult]:
    """The per-principle results of one release, for the whole board and, where the
    release may show them, for each seat group. Callers hold the transaction."""
    assessment = release.assessment
    questions = Question.objects.filter(framework_id=assessment.cycle.framework_id).values_list(
        "pk", "key", "principle_id"
    )
    everyone = _SubmittedAnswers()
    groups = {group: _SubmittedAnswers() for group in SeatGroup.values}
    for row in released(release.rows):
        answered = row.score or row.dont_know
        for collected in (everyone, groups[row.seat_group]):
            collected.add(row.response_id, row.question_id, row.score if answered else _UNANSWERED)
    rows = []
    for principle_id, keys in _questions_by_principle(questions).items():
        summary = everyone.summary(keys)
        rows.append(
            PrincipleResult(
                assessment=assessment,
                principle_id=principle_id,
                respondents=release.respondents,
                score=summary.score,
                scores=summary.scores,
                views_differ=summary.views_differ,
                judged=summary.judged,
                dont_know_share=summary.dont_know_share,
                question_means={
                    key: fraction_text(mean) for key, mean in summary.question_means.items()
                },
                group_scores={
                    group: {
                        "respondents": len(collected.respondents),
                        "score": fraction_text(collected.summary(keys).score),
                    }
                    for group, collected in groups.items()
                }
                if release.groups_shown
                else {},
            )
        )
    overall = scoring.overall_score(row.score for row in rows)
    written = PrincipleResult.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["assessment", "principle"],
        update_fields=[
            "respondents",
            "score",
            "scores",
            "views_differ",
            "judged",
            "dont_know_share",
            "question_means",
            "group_scores",
        ],
    )
    OverallResult.objects.update_or_create(
        assessment=assessment,
        defaults={
            "respondents": release.respondents,
            "score": overall,
            "score_order": None if overall is None else float(overall),
            # Read from the rows just written, as the paper reads them.
            "changes": change.as_stored(change.changes_of(assessment, release)),
        },
    )
    return written


_UNANSWERED = object()  # a comment-only row: neither a score nor "don't know"


class _SubmittedAnswers:
    """Answers of one set of respondents, by question, ready for the scoring module."""

    def __init__(self):
        self.respondents: set[int] = set()
        self.by_question: dict[int, list[int | None]] = defaultdict(list)

    def add(self, response_id: int, question_id: int, score) -> None:
        self.respondents.add(response_id)
        if score is not _UNANSWERED:
            self.by_question[question_id].append(score)

    def summary(self, keys: dict[int, str]) -> scoring.PrincipleSummary:
        return scoring.principle_summary(
            {key: scoring.question_stats(self.by_question[pk]) for pk, key in keys.items()}
        )


def _questions_by_principle(questions) -> dict[int, dict[int, str]]:
    by_principle: dict[int, dict[int, str]] = defaultdict(dict)
    for question_id, key, principle_id in questions:
        by_principle[principle_id][question_id] = key
    return by_principle
