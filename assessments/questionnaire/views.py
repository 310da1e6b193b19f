"""The board member's questionnaire: start, one page per principle, check, submit; and,
once the quarter has closed, their own answers beside the board's."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from assessments.access import with_assessment
from assessments.errors import AnswersChanged, AnswersIncomplete, AssessmentError, AssessmentNotOpen
from assessments.models import Assessment, AssessmentStatus
from assessments.questionnaire.actions import answers_save, response_submit
from assessments.questionnaire.forms import PrinciplePageForm, field_prefix
from assessments.questionnaire.presenters import (
    PrincipleProgress,
    PrincipleStatus,
    first_unfinished,
    mirror,
    questionnaire_progress,
)
from assessments.questionnaire.selectors import (
    own_answers,
    page_answers,
    principle_count,
    principle_page,
    principles_with_questions,
    response_of,
)
from assessments.results.disclosure import latest_release, rule_in_words, standing_of
from assessments.results.selectors import publication, results_of
from core.kept import typed
from core.tasks import Task
from trusts.permissions import Permission, requires_on_trust


def questionnaire_url(assessment: Assessment, name: str, **kwargs) -> str:
    return reverse(
        f"questionnaire:questionnaire-{name}",
        kwargs={"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug, **kwargs},
    )


def _visible(assessment: Assessment) -> None:
    if assessment.status == AssessmentStatus.DRAFT:
        raise Http404("This questionnaire has not been opened.")


def _closed(request, assessment: Assessment, typed_answers=(), status=200):
    return render(
        request,
        "questionnaire/closed.html",
        {"assessment": assessment, "typed_answers": typed_answers},
        status=status,
    )


def _progress(assessment: Assessment, answers: dict) -> list[PrincipleProgress]:
    return questionnaire_progress(principles_with_questions(assessment), answers)


def _page_url(assessment: Assessment, number: int) -> str:
    return questionnaire_url(assessment, "page", number=number)


@requires_on_trust(Permission.QUESTIONNAIRE_ANSWER)
@with_assessment
@require_http_methods(["GET"])
def questionnaire_start(request, assessment: Assessment):
    _visible(assessment)
    response, answers = own_answers(assessment, request.user)
    progress = _progress(assessment, answers)
    unfinished = first_unfinished(progress)
    open_ = assessment.is_open
    return render(
        request,
        "questionnaire/start.html",
        {
            "assessment": assessment,
            "response": response,
            "principle_count": len(progress),
            "disclosure_rule": rule_in_words(),
            "tasks": [
                Task(
                    heading=f"{item.principle.number}. {item.principle.title}",
                    href=_page_url(assessment, item.principle.number) if open_ else "",
                    status=item.status,
                    done=item.status == PrincipleStatus.COMPLETED,
                    colour="blue" if item.started else "white",
                )
                for item in progress
            ],
            # After a break, "Continue" goes where they stopped: the first principle with
            # a question unanswered, or checking the answers once every one has one.
            "continue_url": _page_url(assessment, unfinished.principle.number)
            if unfinished
            else questionnaire_url(assessment, "check"),
            "check_url": questionnaire_url(assessment, "check"),
        },
    )


@requires_on_trust(Permission.QUESTIONNAIRE_ANSWER)
@with_assessment
@require_http_methods(["GET", "POST"])
def questionnaire_page(request, assessment: Assessment, number: int):
    _visible(assessment)
    principle = principle_page(assessment, number)
    questions = list(principle.questions.all())
    from_check = request.GET.get("return") == "check"
    # A bound form shows what was posted (or kept when the session ended), so it reads no
    # earlier answers.
    data = typed(request)
    answers = page_answers(assessment, request.user, questions) if data is None else {}
    form = PrinciplePageForm(data, questions=questions, answers=answers)
    if request.method == "POST":
        response, form, shown = _save_page(request, assessment, principle, form, from_check)
        if response is not None:
            return response
    elif assessment.is_closed:
        return _closed(request, assessment)
    else:
        shown = {"unanswered": questionnaire_progress([principle], answers)[0]}
    return render(
        request,
        "questionnaire/page.html",
        {
            "assessment": assessment,
            "principle": principle,
            "number": number,
            "form": form,
            "total": principle_count(assessment),
            "back_url": _back_url(assessment, number, from_check),
            "from_check": from_check,
            **shown,
        },
        status=409 if "changed" in shown else 200,
    )


def _save_page(request, assessment: Assessment, principle, form, from_check: bool):
    """A posted page saved: the response to send (the next page, or the quarter closed
    with what was typed), or none, with the form to show again and what to say above it
    (what another tab saved meanwhile)."""
    if assessment.is_closed:
        return _closed(request, assessment, form.typed_answers(), status=409), form, {}
    if not form.is_valid():
        return None, form, {}
    try:
        answers_save(
            assessment=assessment,
            respondent=request.user,
            answers=form.answer_inputs(),
            by=request.user,
            version=form.cleaned_data["version"] or None,
        )
    except AssessmentNotOpen:
        return _closed(request, assessment, form.typed_answers(), status=409), form, {}
    except AnswersChanged as changed:
        form = form.over_version(changed.version)
        return None, form, {"changed": form.changes_from(changed.saved)}
    except AnswersIncomplete as incomplete:
        form.add_missing_errors(incomplete.questions)
        return None, form, {}
    return _after_save(request, assessment, principle, form, from_check), form, {}


def _back_url(assessment: Assessment, number: int, from_check: bool) -> str:
    """Back to check answers when the page was opened from there, else the page before
    (the task list before the first)."""
    if from_check:
        return questionnaire_url(assessment, "check")
    if number > 1:
        return _page_url(assessment, number - 1)
    return questionnaire_url(assessment, "start")


def _after_save(request, assessment: Assessment, principle, form, from_check: bool):
    """Where a saved page goes, saying what on it still needs an answer."""
    saved = questionnaire_progress([principle], form.saved_answers())[0]
    name = f"principle {principle.number} ({principle.title})"
    if saved.unanswered:
        messages.warning(
            request,
            f"Saved. On {name}, {saved.unanswered_in_words} still "
            f"need{'s' if len(saved.unanswered) == 1 else ''} a level or Don't know "
            "before you submit.",
        )
    if from_check:
        messages.success(request, f"Your answers to {name} are changed.")
        return redirect(f"{questionnaire_url(assessment, 'check')}#principle-{principle.number}")
    if request.POST.get("action") == "later":
        messages.success(
            request,
            "Your answers are saved. Come back to them at any time before the questionnaire "
            "closes.",
        )
        return redirect(questionnaire_url(assessment, "start"))
    if principle.number < principle_count(assessment):
        return redirect(_page_url(assessment, principle.number + 1))
    return redirect(questionnaire_url(assessment, "check"))


@requires_on_trust(Permission.QUESTIONNAIRE_ANSWER)
@with_assessment
@require_http_methods(["GET", "POST"])
def questionnaire_check(request, assessment: Assessment):
    _visible(assessment)
    response, answers = own_answers(assessment, request.user)
    progress = _progress(assessment, answers)
    sections = []
    missing = []
    # The error summary: one entry a principle with questions unanswered, linking to that
    # principle's page (opened from here, so it saves back to here) at its first unanswered
    # question, where the answer is given. Not one link a question: 23 links are too many.
    gaps = []
    for item in progress:
        change_url = f"{_page_url(assessment, item.principle.number)}?return=check"
        rows = []
        first_gap = ""
        for question in item.principle.questions.all():
            question_url = f"{change_url}#id_{field_prefix(question)}-level_0"
            rows.append((question, answers.get(question.pk), question_url))
            if question in item.unanswered:
                missing.append((question, question_url))
                first_gap = first_gap or question_url
        if item.unanswered:
            count = len(item.unanswered)
            gaps.append(
                (
                    f"{item.principle.number}. {item.principle.title}: "
                    f"{count} question{'s' if count != 1 else ''} not answered",
                    first_gap,
                )
            )
        sections.append((item.principle, rows))
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
        "questionnaire/check.html",
        {
            "assessment": assessment,
            "response": response,
            "sections": sections,
            "missing": missing,
            "gaps": gaps,
            "error": error,
            "start_url": questionnaire_url(assessment, "start"),
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
        "questionnaire/submitted.html",
        {"assessment": assessment, "response": response},
    )


@requires_on_trust(Permission.QUESTIONNAIRE_ANSWER)
@with_assessment
@require_http_methods(["GET"])
def questionnaire_mirror(request, assessment: Assessment):
    """The member's own answers beside the board's published scores, once the quarter has
    closed; before then, a page saying when it will be there."""
    _visible(assessment)
    context = {"assessment": assessment, "start_url": questionnaire_url(assessment, "start")}
    if assessment.is_closed:
        response, answers = own_answers(assessment, request.user)
        context["mirror"] = mirror(
            principles_with_questions(assessment),
            answers,
            results_of(assessment),
            standing=standing_of(
                assessment, latest_release(assessment), response, answers.values()
            ),
        )
        context["publication"] = publication(assessment)
    return render(request, "questionnaire/mirror.html", context)
