"""Reads for the questionnaire: its pages, and a board member's own answers (no one
else's), always through an assessment reached through a trust the caller may see."""

from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404

from assessments.models import (
    Answer,
    Assessment,
    Response,
)
from principles.content import framework_content
from principles.models import Principle, Question


def principles_with_questions(assessment: Assessment) -> tuple[Principle, ...]:
    """The assessment's principles with their questions and level descriptors (cached)."""
    return framework_content(assessment.cycle.framework).principles


def principle_page(assessment: Assessment, number: int) -> Principle:
    principle = framework_content(assessment.cycle.framework).principle(number)
    if principle is None:
        raise Http404("No such principle.")
    return principle


def principle_count(assessment: Assessment) -> int:
    return len(principles_with_questions(assessment))


def response_of(assessment: Assessment, user) -> Response | None:
    """The user's own response, if they have started one. Only ever the caller's own."""
    return Response.objects.filter(assessment=assessment, respondent=user).order_by().first()


def own_answers(assessment: Assessment, user) -> tuple[Response | None, dict[int, Answer]]:
    """The user's own response and its answers by question id: one query once started."""
    answers = list(
        Answer.objects.filter(response__assessment=assessment, response__respondent=user)
        .select_related("response")
        .order_by()
    )
    if not answers:
        return response_of(assessment, user), {}
    return answers[0].response, {answer.question_id: answer for answer in answers}


def page_answers(assessment: Assessment, user, questions: list[Question]) -> dict[int, Answer]:
    """The user's own answers to one page's questions, by question id (one query)."""
    return {
        answer.question_id: answer
        for answer in Answer.objects.filter(
            response__assessment=assessment, response__respondent=user, question__in=questions
        ).order_by()
    }


def responses_by_member(assessment: Assessment) -> dict[int, Response]:
    """Status and timing of every response, without a single answer: ``last_activity`` is
    when it was started, submitted or last saved (its answers' latest change; a save
    stamps only the answers it writes)."""
    latest_answer = Max("answers__updated_at")
    return {
        response.respondent_id: response
        for response in assessment.responses.only(
            "respondent_id", "status", "updated_at", "submitted_at"
        ).annotate(last_activity=Greatest("updated_at", Coalesce(latest_answer, "updated_at")))
    }
