"""The board member's questionnaire: start, one page per principle, check, submit."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.keeping import typed
from assessments.actions import (
    AnswersIncomplete,
    AssessmentError,
    AssessmentNotOpen,
    answers_save,
    response_submit,
)
from assessments.disclosure import rule_in_words
from assessments.forms import PrinciplePageForm, field_prefix
from assessments.models import Assessment, AssessmentStatus
from assessments.selectors import (
    own_answers,
    principle_count,
    principle_page,
    principles_with_questions,
    response_of,
)
from assessments.views import with_assessment
from trusts.permissions import Permission, requires_on_trust


def questionnaire_url(assessment: Assessment, name: str, **kwargs) -> str:
    return reverse(
        f"questionnaire-{name}",
        kwargs={"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug, **kwargs},
    )


def _visible(assessment: Assessment) -> None:
    if assessment.status == AssessmentStatus.DRAFT:
        raise Http404("This assessment has not been opened.")


def _closed(request, assessment: Assessment, typed_answers=(), status=200):
    return render(
        request,
        "assessments/questionnaire_closed.html",
        {"assessment": assessment, "typed_answers": typed_answers},
        status=status,
    )


@requires_on_trust(Permission.QUESTIONNAIRE_ANSWER)
@with_assessment
@require_http_methods(["GET"])
def questionnaire_start(request, assessment: Assessment):
    _visible(assessment)
    response, answers = own_answers(assessment, request.user)
    unfinished = first_unfinished_principle(assessment, answers)
    return render(
        request,
        "assessments/questionnaire_start.html",
        {
            "assessment": assessment,
            "response": response,
            "principle_count": principle_count(assessment),
            "disclosure_rule": rule_in_words(),
            "first_url": questionnaire_url(assessment, "page", number=1),
            # After a break, "Continue" goes where they stopped: the first principle with
            # a question unanswered, or checking the answers once every one has one.
            "continue_url": questionnaire_url(assessment, "page", number=unfinished)
            if unfinished
            else questionnaire_url(assessment, "check"),
            "check_url": questionnaire_url(assessment, "check"),
        },
    )


def first_unfinished_principle(assessment: Assessment, answers: dict) -> int | None:
    """The number of the first principle with a question not yet answered (a level or
    "don't know"); None when every question has an answer."""
    for principle in principles_with_questions(assessment):
        for question in principle.questions.all():
            answer = answers.get(question.pk)
            if answer is None or (answer.score is None and not answer.dont_know):
                return principle.number
    return None


@requires_on_trust(Permission.QUESTIONNAIRE_ANSWER)
@with_assessment
@require_http_methods(["GET", "POST"])
def questionnaire_page(request, assessment: Assessment, number: int):
    _visible(assessment)
    principle = principle_page(assessment, number)
    total = principle_count(assessment)
    # A bound form shows what was posted (or kept when the session ended), so it reads no
    # earlier answers.
    data = typed(request)
    answers = own_answers(assessment, request.user)[1] if data is None else {}
    form = PrinciplePageForm(data, questions=list(principle.questions.all()), answers=answers)
    if request.method == "POST":
        if assessment.is_closed:
            return _closed(request, assessment, form.typed_answers(), status=409)
        if form.is_valid():
            try:
                answers_save(
                    assessment=assessment,
                    respondent=request.user,
                    answers=form.answer_inputs(),
                    by=request.user,
                )
            except AssessmentNotOpen:
                return _closed(request, assessment, form.typed_answers(), status=409)
            except AnswersIncomplete as incomplete:
                form.add_missing_errors(incomplete.questions)
            else:
                return _after_save(request, assessment, number, total)
    elif assessment.is_closed:
        return _closed(request, assessment)
    back_url = (
        questionnaire_url(assessment, "page", number=number - 1)
        if number > 1
        else questionnaire_url(assessment, "start")
    )
    return render(
        request,
        "assessments/questionnaire_page.html",
        {
            "assessment": assessment,
            "principle": principle,
            "form": form,
            "number": number,
            "total": total,
            "back_url": back_url,
        },
    )


def _after_save(request, assessment: Assessment, number: int, total: int):
    if request.POST.get("action") == "later":
        messages.success(
            request,
            "Your answers are saved. Come back to them at any time before the assessment closes.",
        )
        return redirect(questionnaire_url(assessment, "start"))
    if number < total:
        return redirect(questionnaire_url(assessment, "page", number=number + 1))
    return redirect(questionnaire_url(assessment, "check"))


@requires_on_trust(Permission.QUESTIONNAIRE_ANSWER)
@with_assessment
@require_http_methods(["GET", "POST"])
def questionnaire_check(request, assessment: Assessment):
    _visible(assessment)
    response, answers = own_answers(assessment, request.user)
    sections = []
    missing = []
    for principle in principles_with_questions(assessment):
        page_url = questionnaire_url(assessment, "page", number=principle.number)
        rows = []
        for question in principle.questions.all():
            answer = answers.get(question.pk)
            change_url = f"{page_url}#id_{field_prefix(question)}-level_0"
            rows.append((question, answer, change_url))
            if answer is None or not answer.is_answered:
                missing.append((question, change_url))
        sections.append((principle, rows))
    error = ""
    if request.method == "POST":
        if assessment.is_closed:
            return _closed(request, assessment, status=409)
        if response is None or missing:
            error = "Answer every question, or choose Don't know, before you submit"
        else:
            try:
                response_submit(response=response, by=request.user)
            except AssessmentNotOpen:
                return _closed(request, assessment, status=409)
            except AssessmentError as problem:
                error = str(problem)
            else:
                return redirect(questionnaire_url(assessment, "submitted"))
    return render(
        request,
        "assessments/questionnaire_check.html",
        {
            "assessment": assessment,
            "response": response,
            "sections": sections,
            "missing": missing,
            "error": error,
        },
    )


@requires_on_trust(Permission.QUESTIONNAIRE_ANSWER)
@with_assessment
@require_http_methods(["GET"])
def questionnaire_submitted(request, assessment: Assessment):
    _visible(assessment)
    response = response_of(assessment, request.user)
    if response is None or not response.is_submitted:
        return redirect(questionnaire_url(assessment, "check"))
    return render(
        request,
        "assessments/questionnaire_submitted.html",
        {"assessment": assessment, "response": response},
    )
