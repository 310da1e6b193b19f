"""A board member's answers: saving a page, submitting, what is still unanswered.

Keyword-only arguments, the acting user as ``by``, one transaction, an audit record."""

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import DateTimeField, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from assessments.errors import AnswersChanged, AnswersIncomplete, AssessmentError, AssessmentNotOpen
from assessments.locking import lock_assessment
from assessments.models import (
    COMMENT_MAX_LENGTH,
    EVIDENCE_TITLE_MAX_LENGTH,
    EVIDENCE_URL_MAX_LENGTH,
    Answer,
    Assessment,
    Response,
    ResponseStatus,
)
from assessments.results import scoring
from core.audit import audit
from core.fields import HTTPS_ONLY_MESSAGE, https_only
from principles.models import Question
from trusts.models import Membership, Role, User
from trusts.permissions import memberships_read


@dataclass(frozen=True)
class AnswerInput:
    score: int | None = None
    dont_know: bool = False
    comment: str = ""
    # Evidence behind the answer: a title and an https link, both or neither.
    evidence_title: str = ""
    evidence_url: str = ""

    @property
    def is_answered(self) -> bool:
        return self.score is not None or self.dont_know

    @property
    def is_blank(self) -> bool:
        return not self.is_answered and not self.comment and not self.has_evidence

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_title or self.evidence_url)

    @property
    def saved_as(self) -> tuple:
        """What a save keeps of it, to compare with an answer saved (``saved_as``)."""
        return (self.score, self.dont_know, self.comment, self.evidence_title, self.evidence_url)


def saved_as(answer: Answer | None) -> tuple:
    """An answer as saved, in the order AnswerInput.saved_as gives; none is a blank one."""
    if answer is None:
        return AnswerInput().saved_as
    return (
        answer.score,
        answer.dont_know,
        answer.comment,
        answer.evidence_title,
        answer.evidence_url,
    )


def page_version(answers) -> str:
    """A page's version: how many answers it has saved and when the last one changed. Any
    save, edit or removal on the page changes it; saves on other pages do not."""
    times = [answer.updated_at for answer in answers]
    return _version(len(times), max(times, default=None))


def _version(count: int, changed) -> str:
    return f"{count}/{changed.isoformat() if changed else ''}"


def _same(answer: Answer | None, typed: AnswerInput) -> bool:
    return saved_as(answer) == typed.saved_as


def _only_the_respondent(respondent_id: int | None, by: User) -> None:
    if by.pk != respondent_id:
        raise AssessmentError("Only the board member who answers can save their answers.")


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
    unless what was typed matches what is saved. Only the respondent saves their own
    answers (``by`` must be them): nobody else, whatever their role, writes them.
    """
    _only_the_respondent(respondent.pk, by)
    response = _locked_with_response(assessment, respondent, list(answers))
    if not assessment.is_open:
        raise AssessmentNotOpen("This questionnaire is closed, so answers can no longer change.")
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
                evidence_title=answer.evidence_title,
                evidence_url=answer.evidence_url,
            )
            for question, answer in answers.items()
            if clears or not answer.is_blank
        ],
        update_conflicts=True,
        unique_fields=["response", "question"],
        update_fields=[
            *Answer.CONTENT,
            "updated_at",
        ],
    )
    # The response itself is not touched: its last activity is its answers' latest change
    # (selectors.responses_by_member), so a save is one statement fewer.
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
        problem = evidence_problem(answer.evidence_title, answer.evidence_url)
        if problem:
            raise AssessmentError(f"Question {question.key}: {problem}.")


def evidence_problem(title: str, url: str) -> str:
    """What is wrong with a piece of evidence, in words, or "" when nothing is (the form
    says the same, naming the question by its number)."""
    if len(title) > EVIDENCE_TITLE_MAX_LENGTH:
        return f"an evidence title is {EVIDENCE_TITLE_MAX_LENGTH} characters at most"
    if len(url) > EVIDENCE_URL_MAX_LENGTH:
        return f"an evidence link is {EVIDENCE_URL_MAX_LENGTH} characters at most"
    if bool(title) != bool(url):
        return "evidence needs both a title and a link"
    if url and not is_https(url):
        return HTTPS_ONLY_MESSAGE[0].lower() + HTTPS_ONLY_MESSAGE[1:]
    if url and is_personal(url):
        return f"the evidence link {PERSONAL_LINK}"
    return ""


def is_https(url: str) -> bool:
    """Whether a link is a web address that starts with https:// (core.fields.https_only)."""
    try:
        https_only(url)
    except ValidationError:
        return False
    return True


# What a member is told when their evidence link is to a space of their own (is_personal),
# after the words naming the link.
PERSONAL_LINK = (
    "is to a personal space, such as your OneDrive, and its address can show your name. "
    "Link to a copy on a team site or the trust's website instead"
)


# Consumer OneDrive, whose every address is someone's own space (their subdomains too).
PERSONAL_HOSTS = ("1drv.ms", "onedrive.live.com", "d.docs.live.net")


def is_personal(url: str) -> bool:
    """Whether an https link (is_https) is to a person's own space, whose address names them
    and which the paper would print in full: a personal OneDrive or SharePoint site
    (https://trust-my.sharepoint.com/personal/jo_bloggs_trust_nhs_uk/..., or on the trust's
    own servers a "personal" folder anywhere in the path, however it is written:
    https://mysite.trust.nhs.uk/:w:/g/personal/jo_bloggs/...), consumer OneDrive, or a
    Google link carrying the account it was opened with (?authuser=jo.bloggs@nhs.net)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    query = parse_qsl(parts.query, keep_blank_values=True)
    return (
        host.endswith("-my.sharepoint.com")
        or any(host == name or host.endswith(f".{name}") for name in PERSONAL_HOSTS)
        or "personal" in _path_segments(parts.path)
        or any(name.lower() == "authuser" for name, _ in query)
    )


def _path_segments(path: str) -> list[str]:
    """A link's path as a server reads it, in lower case: percent-encoding decoded
    (/%70ersonal/ is /personal/) and split at each slash (a backslash counts as one, as it
    does in a browser)."""
    return unquote(path).replace("\\", "/").lower().split("/")


@transaction.atomic
def response_submit(*, response: Response, by: User) -> Response:
    """Submits a complete response, by its respondent. Submitting again changes nothing
    (a double click)."""
    _only_the_respondent(response.respondent_id, by)
    assessment = lock_assessment(response.assessment)
    response = Response.objects.select_for_update().get(pk=response.pk)
    if not assessment.is_open:
        raise AssessmentNotOpen("This questionnaire is closed, so responses can no longer change.")
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
