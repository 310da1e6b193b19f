"""Every write to cycles, assessments, responses and answers.

Keyword-only arguments, the acting user as ``by``, one transaction, an audit record. The
audit never holds an answer: only that a response was submitted.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import DateTimeField, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.erasure import sign_in_records_erase
from assessments import decisions, disclosure, notifications, scoring
from assessments.errors import (
    AnswersChanged,
    AnswersIncomplete,
    AssessmentError,
    AssessmentNotOpen,
)
from assessments.models import (
    COMMENT_MAX_LENGTH,
    Answer,
    Assessment,
    AssessmentStatus,
    Cycle,
    OverallResult,
    PrincipleResult,
    Release,
    Response,
    ResponseStatus,
    Target,
    quarter_dates,
)
from core.audit import audit
from core.fields import fraction_text
from core.models import AuditEvent, Email
from principles.models import Framework, Principle, Question
from trusts.models import Invitation, Membership, Role, SeatGroup, Trust, User
from trusts.permissions import memberships_read


@dataclass(frozen=True)
class AnswerInput:
    score: int | None = None
    dont_know: bool = False
    comment: str = ""

    @property
    def is_answered(self) -> bool:
        return self.score is not None or self.dont_know

    @property
    def is_blank(self) -> bool:
        return not self.is_answered and not self.comment


# Cycles and assessments


@transaction.atomic
def cycle_create(
    *, year: int, quarter: int, opens_on, closes_on, framework: Framework, by
) -> Cycle:
    """A new quarter, with an assessment (not yet opened) for every trust."""
    if not framework.published:
        raise AssessmentError("Choose a published framework version.")
    if Cycle.objects.filter(year=year, quarter=quarter).exists():
        raise AssessmentError("That quarter already exists.")
    if closes_on < opens_on:
        raise AssessmentError("The closing date must be on or after the opening date.")
    cycle = Cycle.objects.create(
        year=year, quarter=quarter, opens_on=opens_on, closes_on=closes_on, framework=framework
    )
    Assessment.objects.bulk_create(
        Assessment(trust=trust, cycle=cycle) for trust in Trust.objects.only("pk")
    )
    audit(action="cycle.created", by=by, target=cycle, detail={"cycle": cycle.label})
    return cycle


def cycle_for_quarter(*, year: int, quarter: int, framework: Framework, by) -> Cycle:
    """The quarter's cycle, made with its NHS financial-year dates if there is none yet
    (for seeders and tests; programme staff choose the dates in the form)."""
    found = Cycle.objects.filter(year=year, quarter=quarter).first()
    if found is not None:
        return found
    opens_on, closes_on = quarter_dates(year, quarter)
    return cycle_create(
        year=year,
        quarter=quarter,
        opens_on=opens_on,
        closes_on=closes_on,
        framework=framework,
        by=by,
    )


@transaction.atomic
def assessment_open(*, trust: Trust, cycle: Cycle, by: User, notify: bool = True) -> Assessment:
    """Opens the quarter for the trust's board and (unless ``notify`` is off, as for
    invented demo people) emails every board member."""
    assessment, _ = Assessment.objects.select_for_update().get_or_create(trust=trust, cycle=cycle)
    if assessment.status != AssessmentStatus.DRAFT:
        raise AssessmentError(f"The {cycle.label} assessment is already {assessment.status}.")
    assessment.status = AssessmentStatus.OPEN
    assessment.opened_at = timezone.now()
    assessment.save(update_fields=["status", "opened_at"])
    audit(action="assessment.opened", by=by, trust=trust, target=assessment)
    if notify:
        # Written with the opening, sent by a task once it commits (core.mail).
        notifications.assessment_opened(assessment=assessment)
    return assessment


def board_remind(*, assessment: Assessment, by: User) -> list[User]:
    """Emails a reminder to each board member who has not submitted, at most one a day
    each (whoever sends it: the coordinator or the daily run), each audited; returns who
    was emailed."""
    if not assessment.is_open:
        raise AssessmentNotOpen("Only an open assessment has anyone to remind.")
    today = timezone.localdate()
    return [
        due.member
        for due in notifications.reminders_for(assessment, today=today)
        if notifications.reminder_send(reminder=due, today=today, by=by)
    ]


@transaction.atomic
def assessment_close(*, assessment: Assessment, by: User) -> Assessment:
    assessment = _locked(assessment)
    if not assessment.is_open:
        raise AssessmentError("Only an open assessment can be closed.")
    assessment.status = AssessmentStatus.CLOSED
    assessment.closed_at = timezone.now()
    # The paper of a closed quarter shows the action log as it stood at closing.
    assessment.action_log = decisions.action_log(assessment)
    assessment.save(update_fields=["status", "closed_at", "action_log"])
    audit(action="assessment.closed", by=by, trust=assessment.trust, target=assessment)
    results_publish(assessment=assessment, by=by)
    return assessment


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, reason: str, by: User) -> Assessment:
    assessment = _locked(assessment)
    reason = reason.strip()
    if not assessment.is_closed:
        raise AssessmentError("Only a closed assessment can be reopened.")
    if not reason:
        raise AssessmentError("Give a reason for reopening.")
    assessment.status = AssessmentStatus.OPEN
    assessment.reopen_reason = reason
    assessment.save(update_fields=["status", "reopen_reason"])
    audit(
        action="assessment.reopened",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={"reason": reason},
    )
    return assessment


@transaction.atomic
def targets_set(*, assessment: Assessment, levels: dict[Principle, Decimal | None], by: User):
    """Sets (or, with None, clears) the board's target level for each principle given.
    A closed quarter's targets are part of its published paper: reopen it to change them."""
    if assessment.is_closed:
        raise AssessmentError(
            "This quarter is closed and its paper published, so its targets cannot change. "
            "Reopen the quarter to change them."
        )
    framework_id = assessment.cycle.framework_id
    if any(principle.framework_id != framework_id for principle in levels):
        raise AssessmentError("A target names a principle from another framework.")
    if any(level is not None and not 1 <= level <= 5 for level in levels.values()):
        raise AssessmentError("Targets must be between 1 and 5.")
    cleared = [principle for principle, level in levels.items() if level is None]
    Target.objects.filter(assessment=assessment, principle__in=cleared).delete()
    Target.objects.bulk_create(
        [
            Target(assessment=assessment, principle=principle, level=level)
            for principle, level in levels.items()
            if level is not None
        ],
        update_conflicts=True,
        unique_fields=["assessment", "principle"],
        update_fields=["level"],
    )
    audit(
        action="targets.set",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={str(p.number): str(level) if level else None for p, level in levels.items()},
    )


# Responses and answers


def page_version(answers) -> str:
    """A page's version: how many answers it has saved and when the last one changed. Any
    save, edit or removal on the page changes it; saves on other pages do not."""
    times = [answer.updated_at for answer in answers]
    return _version(len(times), max(times, default=None))


def _version(count: int, changed) -> str:
    return f"{count}/{changed.isoformat() if changed else ''}"


def _same(answer: Answer | None, typed: AnswerInput) -> bool:
    if answer is None:
        return typed.is_blank
    return (answer.score, answer.dont_know, answer.comment) == (
        typed.score,
        typed.dont_know,
        typed.comment,
    )


@transaction.atomic
def answers_save(
    *,
    assessment: Assessment,
    respondent: User,
    answers: dict[Question, AnswerInput],
    by: User,
    version: str | None = None,
) -> Response:
    """Saves one page of answers, starting the response if this is the first save.

    A blank input clears an earlier answer. A submitted response stays complete: every
    question must keep a score or "don't know". With the ``version`` the page was loaded
    at, a save over answers changed since (in another tab) is refused with both versions,
    unless what was typed matches what is saved.
    """
    response = _locked_with_response(assessment, respondent, list(answers))
    if not assessment.is_open:
        raise AssessmentNotOpen("This assessment is closed, so answers can no longer change.")
    _check_answers(assessment, answers)
    started = response is None
    if started:
        response = _response_start(assessment, respondent)
    elif version is not None:
        _refuse_overwrite(response, answers, version)
    if response.is_submitted:
        unanswered = [question for question, answer in answers.items() if not answer.is_answered]
        if unanswered:
            raise AnswersIncomplete(unanswered)
    # Once the page has answers, a blank input is saved as a blank answer (no level, no
    # comment: unanswered), in the same statement as the rest of the page.
    clears = not started and response.page_count > 0
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                question=question,
                score=answer.score,
                dont_know=answer.dont_know,
                comment=answer.comment,
            )
            for question, answer in answers.items()
            if clears or not answer.is_blank
        ],
        update_conflicts=True,
        unique_fields=["response", "question"],
        update_fields=["score", "dont_know", "comment", "updated_at"],
    )
    if not started:  # a new response was stamped when it was made
        response.save(update_fields=["updated_at"])
    return response


def _refuse_overwrite(response: Response, answers: dict[Question, AnswerInput], version: str):
    current = _version(response.page_count, response.page_changed)
    if current == version:
        return
    saved = {
        a.question_id: a
        for a in Answer.objects.filter(response=response, question__in=list(answers))
    }
    if not all(_same(saved.get(q.pk), typed) for q, typed in answers.items()):
        raise AnswersChanged({q: saved.get(q.pk) for q in answers}, version=current)


def _locked_with_response(
    assessment: Assessment, respondent: User, questions: list[Question]
) -> Response | None:
    """The assessment locked (and the caller's copy refreshed in place), then the
    respondent's response, if any, with how many answers the page has and when the last
    changed, for its version. Two statements, in that order: read after the lock is
    granted, the response sees whatever a save that held the lock before committed (a
    second tab's first save, or its newer answers). One statement would read both from the
    moment it began, before it waited."""
    fresh = Assessment.objects.select_for_update().filter(pk=assessment.pk).order_by()
    _refresh_in_place(assessment, fresh.get())
    response = (
        Response.objects.filter(assessment=assessment, respondent=respondent)
        .annotate(
            page_count=_on_page("COUNT(*)", questions, IntegerField()),
            page_changed=_on_page("MAX(x.updated_at)", questions, DateTimeField()),
        )
        .order_by()
        .first()
    )
    if response is not None:
        response.assessment = assessment
    return response


def _refresh_in_place(assessment: Assessment, fresh: Assessment) -> None:
    """The caller's assessment takes the values just read under the lock, keeping the
    cycle and trust it already holds (neither can change)."""
    for field in Assessment._meta.concrete_fields:
        setattr(assessment, field.attname, getattr(fresh, field.attname))


def _on_page(aggregate: str, questions: list[Question], output_field) -> RawSQL:
    """An aggregate over the response's answers to the page's questions. Written as SQL
    because the same subquery built by the ORM takes longer to compile than the rest of
    the save together (it is on every save, bench/questionnaire.py)."""
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(questions)) or "NULL"
    return RawSQL(
        f"SELECT {aggregate} FROM {quote(Answer._meta.db_table)} x "
        f"WHERE x.response_id = {quote(Response._meta.db_table)}.id "
        f"AND x.question_id IN ({marks})",
        [question.pk for question in questions],
        output_field=output_field,
    )


def _response_start(assessment: Assessment, respondent: User) -> Response:
    # The seat comes with the memberships the request read to check permission, if it did.
    read = memberships_read(respondent)
    seat = read.seats.get(assessment.trust_id) if read else None
    if seat is None:
        membership = Membership.objects.filter(
            trust_id=assessment.trust_id, user=respondent, role=Role.BOARD_MEMBER
        ).first()
        if membership is None:
            raise AssessmentError("Only the trust's board members answer the questionnaire.")
        seat = membership.seat_group
    return Response.objects.create(assessment=assessment, respondent=respondent, seat_group=seat)


def _check_answers(assessment: Assessment, answers: dict[Question, AnswerInput]) -> None:
    for question, answer in answers.items():
        if question.framework_id != assessment.cycle.framework_id:
            raise AssessmentError(f"Question {question.key} is not part of this questionnaire.")
        if answer.score is not None and (answer.dont_know or answer.score not in scoring.LEVELS):
            raise AssessmentError(f"Question {question.key}: choose one level from 1 to 5.")
        if len(answer.comment) > COMMENT_MAX_LENGTH:
            raise AssessmentError(
                f"Question {question.key}: comments are {COMMENT_MAX_LENGTH} characters at most."
            )


@transaction.atomic
def response_submit(*, response: Response, by: User) -> Response:
    """Submits a complete response. Submitting again changes nothing (a double click)."""
    assessment = _locked(response.assessment)
    response = Response.objects.select_for_update().get(pk=response.pk)
    if not assessment.is_open:
        raise AssessmentNotOpen("This assessment is closed, so responses can no longer change.")
    if response.is_submitted:
        return response
    missing = unanswered_questions(response)
    if missing:
        raise AssessmentError(f"{len(missing)} questions still need an answer.")
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = timezone.now()
    response.save(update_fields=["status", "submitted_at", "updated_at"])
    audit(
        action="response.submitted",
        by=by,
        trust=assessment.trust,
        target=response,
        detail={"quarter": assessment.cycle.label},  # never an answer
    )
    return response


def unanswered_questions(response: Response) -> list[Question]:
    answered = Answer.objects.filter(response=response).filter(
        Q(dont_know=True) | Q(score__isnull=False)
    )
    return list(
        Question.objects.filter(framework_id=response.assessment.cycle.framework_id)
        .exclude(pk__in=answered.values("question_id"))
        .order_by("principle__number", "order")
    )


# The summary table


@transaction.atomic
def results_publish(*, assessment: Assessment, by) -> Release | None:
    """Publishes the assessment's results as a new release, if the disclosure rule allows
    (assessments.disclosure), and writes the summary rows from it. Otherwise the last
    release stays published, and the audit trail says why."""
    release, decision = disclosure.release_make(assessment=assessment)
    if release is None:
        audit(
            action="results.held",
            by=by,
            trust=assessment.trust,
            target=assessment,
            detail={"reason": decision.reason},
        )
        return None
    results_write(release=release)
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
    return results_write(release=release)


def results_write(*, release: Release) -> list[PrincipleResult]:
    """The per-principle results of one release, for the whole board and, where the
    release may show them, for each seat group. Callers hold the transaction."""
    assessment = release.assessment
    questions = Question.objects.filter(framework_id=assessment.cycle.framework_id).values_list(
        "pk", "key", "principle_id"
    )
    everyone = _SubmittedAnswers()
    groups = {group: _SubmittedAnswers() for group in SeatGroup.values}
    for response_id, seat_group, question_id, score, dont_know, _comment in release.rows:
        for collected in (everyone, groups[seat_group]):
            collected.add(response_id, question_id, score if (score or dont_know) else _UNANSWERED)
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
    OverallResult.objects.update_or_create(
        assessment=assessment,
        defaults={
            "respondents": release.respondents,
            "score": overall,
            "score_order": None if overall is None else float(overall),
        },
    )
    return PrincipleResult.objects.bulk_create(
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


def _locked(assessment: Assessment) -> Assessment:
    """The caller's assessment, re-read in place under a row lock, so that a save and a
    close cannot interleave and the caller never holds a stale status afterwards."""
    assessment.refresh_from_db(
        from_queryset=Assessment.objects.select_for_update(of=("self",)).select_related(
            "cycle__framework", "trust"
        )
    )
    return assessment


# Erasure


ERASED_NAME = "Erased person"


@transaction.atomic
def person_erase(*, user: User, by) -> int:
    """A right-to-erasure request: deletes the person's answers in every quarter, their
    roles, invitations and emails, removes their address from the audit trail, and leaves
    an account with no name, address or password (so audit rows keep an actor), and none of
    what signing in kept (accounts.erasure). Results
    already published stay as they were; each paper's page then says its figures would now
    differ. Returns how many responses were erased."""
    email = user.email
    responses = Response.objects.filter(respondent=user)
    trusts = {m.trust for m in user.memberships.select_related("trust")} | {
        r.assessment.trust for r in responses.select_related("assessment__trust")
    }
    erased = responses.count()
    responses.delete()  # their answers go with them
    user.memberships.all().delete()
    Invitation.objects.filter(email__iexact=email).delete()
    Email.objects.filter(to__iexact=email).delete()
    sign_in_records_erase(user=user, email=email)
    _scrub_address_from_audit(email)
    AuditEvent.objects.filter(actor=user).update(actor_name=ERASED_NAME)
    user.email = f"erased-{user.pk}@erased.invalid"
    user.full_name = ERASED_NAME
    user.is_active = False
    user.is_programme_staff = False
    user.set_unusable_password()
    user.save()
    for trust in sorted(trusts, key=lambda t: t.ods_code):
        audit(action="person.erased", by=by, trust=trust, detail={"responses": erased})
    if not trusts:
        audit(action="person.erased", by=by, detail={"responses": erased})
    return erased


def _scrub_address_from_audit(email: str) -> None:
    for event in AuditEvent.objects.filter(detail__icontains=email):
        event.detail = {
            key: "(erased)" if isinstance(value, str) and value.lower() == email.lower() else value
            for key, value in event.detail.items()
        }
        event.save(update_fields=["detail"])
