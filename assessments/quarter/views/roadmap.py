"""The coordinator building the roadmap to the targets after the quarter closes, and
reviewing last quarter's roadmap at the start of the next."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from assessments.access import with_assessment
from assessments.errors import AssessmentError
from assessments.models import Assessment
from assessments.quarter.decisions import roadmap_mark_reviewed, roadmap_save
from assessments.quarter.forms import RoadmapForm
from assessments.quarter.roadmap import (
    actions_of,
    previous_closed_roadmap,
    published_scores,
    quarters_after,
    roadmap_shown,
    roadmap_to_start_from,
    targets_by_number,
)
from assessments.quarter.views.running import assessment_url, results_for
from assessments.questionnaire.selectors import principles_with_questions
from core.kept import typed
from trusts.permissions import Permission, requires_on_trust


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def roadmap_edit(request, assessment: Assessment):
    if not assessment.is_closed:
        messages.error(request, "The roadmap is made once the questionnaire has closed.")
        return redirect(assessment_url(assessment))
    principles = list(principles_with_questions(assessment))
    results = results_for(assessment)
    targets = targets_by_number(assessment)
    start, carried_from = roadmap_to_start_from(
        assessment,
        scores={row.number: row.score_value for row in results.rows},
        targets=targets,
    )
    form = RoadmapForm(
        typed(request),
        principles=principles,
        quarters=quarters_after(assessment.cycle),
        start=start,
    )
    if request.method == "POST" and form.is_valid():
        try:
            roadmap_save(assessment=assessment, roadmap=form.roadmap(), by=request.user)
        except AssessmentError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "The roadmap is saved.")
            return redirect(f"{assessment_url(assessment)}#roadmap")
    scores = published_scores(results)
    return render(
        request,
        "quarter/roadmap_edit.html",
        {
            "assessment": assessment,
            "form": form,
            "carried_from": carried_from,
            "saved": roadmap_shown(assessment, results),
            "rows": [
                (principle, fields, scores.get(principle.number), targets.get(principle.number))
                for principle, fields in form.fields_by_principle()
            ],
        },
    )


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def roadmap_review(request, assessment: Assessment):
    """Last quarter's roadmap beside what has happened since: the level it planned for
    this quarter, and every action due in its quarters with its status."""
    reviewed = previous_closed_roadmap(assessment)
    if reviewed is None:  # a bookmark, or a link from before: say so rather than send away
        return render(request, "quarter/roadmap_review.html", {"assessment": assessment})
    if request.method == "POST":
        roadmap_mark_reviewed(assessment=assessment, reviewed=reviewed, by=request.user)
        messages.success(request, f"The roadmap from {reviewed.cycle.label} is marked as reviewed.")
        return redirect(assessment_url(assessment))
    roadmap = roadmap_shown(
        reviewed, results_for(reviewed), actions=actions_of(assessment.trust_id)
    )
    this_quarter = assessment.cycle.label
    return render(
        request,
        "quarter/roadmap_review.html",
        {
            "assessment": assessment,
            "reviewed": reviewed,
            "roadmap": roadmap,
            "rows": [(row, row.level_for(this_quarter)) for row in roadmap.rows],
        },
    )
