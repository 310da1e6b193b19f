"""The coordinator recording the board's decisions: agreed positions and the action log."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessments.access import with_assessment
from assessments.errors import AssessmentError
from assessments.models import OPEN_ACTION_STATUSES, Assessment
from assessments.quarter.decisions import (
    board_action_save,
    meeting_date_of,
    positions_meeting_problem,
    positions_record,
)
from assessments.quarter.forms import BoardActionForm, PositionsForm
from assessments.quarter.presenters import action_rag_shown
from assessments.quarter.views.running import assessment_url, results_for
from assessments.questionnaire.selectors import principles_with_questions
from assessments.results import rules
from assessments.selectors import current_assessments
from core.kept import typed
from principles.content import framework_content
from principles.models import Framework
from trusts.models import Trust
from trusts.permissions import Permission, requires_on_trust


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def positions_edit(request, assessment: Assessment):
    principles = principles_with_questions(assessment)
    results = results_for(assessment)
    # The meeting is the paper's, entered once on its cover sheet.
    meeting_date = meeting_date_of(assessment)
    meeting_problem = positions_meeting_problem(assessment, meeting_date)
    form = PositionsForm(
        typed(request),
        principles=principles,
        positions={p.principle_id: p for p in assessment.positions.all()},
        scores={row.number: row.score for row in results.rows if row.score_value is not None}
        if results.shown
        else {},
        meeting_problem=meeting_problem,
    )
    if request.method == "POST" and form.is_valid():
        try:
            positions_record(assessment=assessment, positions=form.positions(), by=request.user)
        except AssessmentError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "The board's agreed position is saved.")
            return redirect(assessment_url(assessment))
    return render(
        request,
        "quarter/positions_edit.html",
        {
            "assessment": assessment,
            "form": form,
            "results": results,
            "meeting_date": meeting_date,
            "meeting_problem": meeting_problem,
        },
    )


def _principles_for(trust: Trust):
    """The principles of the trust's newest opened quarter (or the newest framework):
    actions name a principle by number, which every version keeps."""
    current = current_assessments([trust.pk]).get(trust.pk)
    framework = current.cycle.framework if current else Framework.latest_published()
    return framework_content(framework).principles if framework else ()


@requires_on_trust(Permission.ASSESSMENT_RUN)
@require_http_methods(["GET"])
def board_actions(request, trust: Trust):
    actions = list(trust.board_actions.order_by("due_date", "pk"))
    titles = {p.number: p.title for p in _principles_for(trust)}
    today = timezone.localdate()
    for action in actions:
        action.principle_title = titles.get(action.principle_number, "")
        action.rag_shown = action_rag_shown(action, today)
        # As the quarter's checklist counts them.
        action.overdue = rules.action_overdue(
            status=action.status, due=action.due_date, today=today
        )
    return render(
        request,
        "quarter/board_actions.html",
        {
            "trust": trust,
            "today": today,
            "overdue": sum(action.overdue for action in actions),
            "open_actions": [a for a in actions if a.status in OPEN_ACTION_STATUSES],
            "finished_actions": [a for a in actions if a.status not in OPEN_ACTION_STATUSES],
        },
    )


@requires_on_trust(Permission.ASSESSMENT_RUN)
@require_http_methods(["GET", "POST"])
def board_action_edit(request, trust: Trust, pk: int | None = None):
    action = get_object_or_404(trust.board_actions, pk=pk) if pk else None
    initial = {}
    if action is not None:
        initial = {
            field: getattr(action, field)
            for field in (
                "title",
                "principle_number",
                "owner",
                "due_date",
                "status",
                "rag",
                "notes",
            )
        }
    form = BoardActionForm(typed(request), principles=_principles_for(trust), initial=initial)
    if request.method == "POST" and form.is_valid():
        board_action_save(trust=trust, action=action, values=form.values(), by=request.user)
        messages.success(request, "The action is saved.")
        return redirect("quarter:board-actions", ods_code=trust.ods_code)
    return render(
        request,
        "quarter/board_action_edit.html",
        {"trust": trust, "form": form, "action": action},
    )
