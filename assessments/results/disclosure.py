"""The disclosure rule: when a board's answers may become figures anyone else sees.

The promise (docs/decisions/0015-disclosure.md): nobody who sees any two outputs of the
app, at any two moments, can work out one member's score, "don't know" or comment, even
knowing who submitted and when. The rule that keeps it:

1. Results are published only in releases, and a release is made only when a quarter
   closes. While a quarter is open for the first time nobody sees any figure or comment.
2. Every output reads the latest release, never the live answers, so outputs change only
   when a release is made.
3. A release shows figures only with at least ``MIN_RESPONSES`` responses, and a seat
   group's figures only when every group has at least ``MIN_RESPONSES``.
4. A later release (after a reopen) is made only if, against every earlier release that
   showed figures, the responses that are new, changed or gone number 0 or at least
   ``MIN_RESPONSES``. Otherwise the earlier release stays published. Group figures in a
   later release also need each group's own difference to be 0 or at least the minimum,
   against every earlier release that showed groups; otherwise they are left out.

The functions ``changed`` and ``decide`` are pure; ``release_make`` applies them.
"""

import hashlib
import json
from dataclasses import dataclass

from django.utils import timezone

from assessments.models import Answer, Assessment, Release, ResponseStatus
from assessments.results import rules
from assessments.results.released import evidence_column, released
from assessments.results.settling import answers_past_keeping
from trusts.models import Role, SeatGroup

# {response id: (seat group, digest of its answers)}
Fingerprints = dict[str, tuple[str, str]]


def rule_in_words(least: int | None = None) -> str:
    """The rule as the start page, the paper's methodology and the README state it."""
    n = least or rules.minimum_group()
    return (
        "Results are published only when the quarter closes, never while people are still "
        f"answering, and only if at least {n} board members have submitted; executive and "
        f"non-executive scores only if at least {n} of each group have. If the quarter is "
        f"reopened, new results are published only when at least {n} responses are new, "
        "changed or removed; otherwise the results already published stay as they are. "
        "Comments appear only with published results, without names and in alphabetical "
        "order. So nobody can work out what one person answered, even by comparing what "
        "they saw at two different times."
    )


def changed(before: Fingerprints, after: Fingerprints, group: str | None = None) -> int:
    """How many responses are new, changed or gone between two releases (in one group)."""
    ids = set(before) | set(after)
    if group is not None:
        ids = {i for i in ids if (after.get(i) or before.get(i))[0] == group}
    return sum(1 for i in ids if before.get(i) != after.get(i))


def _step_hides_individuals(difference: int, least: int) -> bool:
    return difference == 0 or difference >= least


def groups_large_enough(fingerprints: Fingerprints, least: int) -> bool:
    sizes = [sum(1 for g, _ in fingerprints.values() if g == group) for group in SeatGroup.values]
    return all(size >= least for size in sizes)


@dataclass(frozen=True)
class Decision:
    publish: bool
    figures_shown: bool
    groups_shown: bool
    reason: str


def decide(candidate: Fingerprints, earlier: list[Release], least: int) -> Decision:
    """Whether a release of ``candidate`` may be made after the ``earlier`` ones."""
    if earlier and changed(earlier[0].responses_fingerprints, candidate) == 0:
        return Decision(False, False, False, "nothing has changed since the last release")
    disclosed = [r for r in earlier if r.figures_shown]
    for release in disclosed:
        difference = changed(release.responses_fingerprints, candidate)
        if not _step_hides_individuals(difference, least):
            return Decision(
                False,
                False,
                False,
                f"{difference} responses differ from release {release.number}; "
                f"a new release needs 0 or at least {least}",
            )
    figures = len(candidate) >= least
    groups = figures and groups_large_enough(candidate, least)
    for release in (r for r in disclosed if r.groups_shown):
        for group in SeatGroup.values:
            if not _step_hides_individuals(
                changed(release.responses_fingerprints, candidate, group), least
            ):
                groups = False
    return Decision(True, figures, groups, "published")


def fingerprints(rows: list[list]) -> Fingerprints:
    by_response: dict[str, list] = {}
    groups: dict[str, str] = {}
    for row in released(rows):
        answer = [row.question_id, row.score, row.dont_know, row.comment]
        # Evidence counts only when there is some, so a release made before members could
        # add it keeps its digests: its responses do not all read as changed.
        if row.evidence:
            answer.append(list(row.evidence))
        by_response.setdefault(str(row.response_id), []).append(answer)
        groups[str(row.response_id)] = row.seat_group
    return {
        key: (groups[key], hashlib.sha256(json.dumps(sorted(answers)).encode()).hexdigest())
        for key, answers in by_response.items()
    }


class Standing:
    """How one member's response stands against the results published."""

    COUNTED = "counted"  # its answers are the ones the figures rest on
    CHANGED = "changed"  # counted, but its answers have changed since
    NOT_COUNTED = "not counted"  # not submitted when the results were published
    NOT_KEPT = "not kept"  # individual answers deleted at the end of their retention


def standing_of(assessment: Assessment, release: Release | None, response, answers) -> str:
    """Whether ``response`` (with ``answers``, its Answer rows) is in ``release``, and as it
    is now: the same fingerprint the release rule compares."""
    if release is None:
        return Standing.NOT_COUNTED
    if response is None and answers_past_keeping(assessment):
        return Standing.NOT_KEPT
    published = release.responses.get(str(response.pk)) if response is not None else None
    if published is None:
        return Standing.NOT_COUNTED
    rows = [
        [
            response.pk,
            response.seat_group,
            a.question_id,
            a.score,
            a.dont_know,
            a.comment,
            evidence_column(a.evidence_title, a.evidence_url),
        ]
        for a in answers
        if a.score is not None or a.dont_know
    ]
    now = fingerprints(rows).get(str(response.pk))
    return Standing.COUNTED if now and now[1] == published[1] else Standing.CHANGED


def live_rows(assessment: Assessment) -> list[list]:
    """The submitted answers as they stand, in a fixed order that says nothing of who
    answered when."""
    rows = Answer.objects.filter(
        response__assessment=assessment, response__status=ResponseStatus.SUBMITTED
    ).values_list(
        "response_id",
        "response__seat_group",
        "question_id",
        *Answer.CONTENT,
    )
    return sorted(
        [[*row[:6], evidence_column(*row[6:])] for row in rows if row[3] is not None or row[4]],
        key=lambda row: (row[0], row[2]),
    )


def release_make(*, assessment: Assessment) -> tuple[Release | None, Decision]:
    """Makes a release of the assessment's submitted answers if the rule allows. Callers
    hold the transaction and write the summary rows (assessments.results.actions)."""
    rows = live_rows(assessment)
    candidate = fingerprints(rows)
    earlier = list(assessment.releases.order_by("-number"))
    decision = decide(candidate, earlier, rules.minimum_group())
    if not decision.publish:
        return None, decision
    release = Release.objects.create(
        assessment=assessment,
        number=(earlier[0].number + 1) if earlier else 1,
        published_at=timezone.now(),
        board_size=board_in_quarter(assessment),
        respondents=len(candidate),
        figures_shown=decision.figures_shown,
        groups_shown=decision.groups_shown,
        responses={key: list(value) for key, value in candidate.items()},
        rows=rows,
    )
    return release, decision


def board_in_quarter(assessment: Assessment) -> int:
    """The board as it was for this quarter: today's members, and anyone who submitted and
    has left since (a response rate can never pass 100%)."""
    return submitted_of_board(assessment)[1]


def submitted_of_board(assessment: Assessment) -> tuple[int, int]:
    """How many have submitted this quarter, and the board as it is for the quarter (two
    queries): the live count a coordinator already sees, never a figure."""
    members = assessment.trust.memberships.filter(role=Role.BOARD_MEMBER).values_list(
        "user_id", flat=True
    )
    answered = assessment.responses.filter(status=ResponseStatus.SUBMITTED).values_list(
        "respondent_id", flat=True
    )
    return counted(members=members, submitted=answered)


def counted(*, members, submitted) -> tuple[int, int]:
    """(submitted, board) from today's members' ids and the ids of those who submitted:
    the board is today's members and anyone who submitted and has left since."""
    answered = set(submitted)
    return len(answered), len(set(members) | answered)


def latest_release(assessment: Assessment) -> Release | None:
    return assessment.releases.order_by("-number").first()


def changed_since(release: Release) -> int:
    """Responses new, changed or gone since ``release`` (an erasure, or a reopen): the
    paper's page says its figures would now differ."""
    return changed(release.responses_fingerprints, fingerprints(live_rows(release.assessment)))
