"""The coordinator running the quarter: open, watch completion, set targets, close."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.keeping import typed
from assessments.actions import (
    AssessmentError,
    assessment_close,
    assessment_open,
    assessment_reopen,
    targets_set,
)
from assessments.forms import ReopenForm, TargetsForm
from assessments.models import Assessment
from assessments.presenters import board_results, member_statuses, status_counts
from assessments.selectors import (
    board_members,
    cycle_by_slug,
    principles_with_questions,
    publication,
    responses_by_member,
    results_of,
    targets_of,
)
from assessments.views import with_assessment
from core.mail import emails_about
from core.models import Email
from reports.actions import paper_freeze_later
from trusts.models import Trust
from trusts.permissions import Permission, requires_on_trust


def assessment_url(assessment: Assessment) -> str:
    return reverse(
        "assessment-detail",
        kwargs={"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug},
    )


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET"])
def assessment_detail(request, assessment: Assessment):
    members = member_statuses(
        list(board_members(assessment.trust)), responses_by_member(assessment)
    )
    principles = principles_with_questions(assessment)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "members": members,
            "counts": status_counts(members),
            "undelivered": emails_about(assessment).filter(status=Email.Status.FAILED),
            "results": board_results(
                principles=principles,
                results=results_of(assessment),
                targets=targets_of(assessment),
                positions={p.principle_id: p for p in assessment.positions.all()},
                publication=publication(assessment),
            ),
        },
    )


@requires_on_trust(Permission.ASSESSMENT_RUN)
@require_http_methods(["GET", "POST"])
def assessment_open_view(request, trust: Trust, cycle: str):
    found = cycle_by_slug(cycle)
    if request.method == "GET":
        members = [m.user.full_name for m in board_members(trust)]
        return render(
            request,
            "confirm.html",
            {
                "caption": trust.name,
                "heading": f"Open the {found.label} assessment?",
                "paragraphs": [
                    f"We will email the {len(members)} board members below a link to the "
                    f"questionnaire, to answer by {found.closes_on:%A %-d %B %Y}."
                    if members
                    else "Nobody is on the board yet. People you invite later can answer "
                    "once they accept."
                ],
                "people_heading": "Who will be emailed",
                "people": members,
                "button": f"Open {found.label} and email the board",
                "cancel_url": reverse("trust-detail", kwargs={"ods_code": trust.ods_code}),
            },
        )
    try:
        assessment = assessment_open(trust=trust, cycle=found, by=request.user)
    except AssessmentError as problem:
        messages.error(request, str(problem))
        return redirect("trust-detail", ods_code=trust.ods_code)
    messages.success(request, f"The {found.label} assessment is open for the board.")
    return redirect(assessment_url(assessment))


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def assessment_close_view(request, assessment: Assessment):
    if request.method == "GET":
        members = member_statuses(
            list(board_members(assessment.trust)), responses_by_member(assessment)
        )
        waiting = [m.name for m in members if m.status != "Submitted"]
        return render(
            request,
            "confirm.html",
            {
                "caption": assessment.trust.name,
                "heading": f"Close the {assessment.cycle.label} assessment?",
                "paragraphs": [
                    "Nobody can change their answers after this, and the results are fixed "
                    "for the board paper. You can reopen it if you need to.",
                    f"{len(members) - len(waiting)} of {len(members)} board members have "
                    "submitted.",
                ],
                "people_heading": "Not submitted yet",
                "people": waiting,
                "button": "Close the assessment",
                "warning": True,
                "cancel_url": assessment_url(assessment),
            },
        )
    try:
        assessment = assessment_close(assessment=assessment, by=request.user)
    except AssessmentError as problem:
        messages.error(request, str(problem))
    else:
        # The published paper is frozen by a task once the close commits (reports depend
        # on assessments, never the other way, so the view brings the two together).
        paper_freeze_later(assessment=assessment)
        messages.success(request, f"The {assessment.cycle.label} assessment is closed.")
    return redirect(assessment_url(assessment))


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def assessment_reopen_view(request, assessment: Assessment):
    if not assessment.is_closed:
        messages.error(request, "Only a closed assessment can be reopened.")
        return redirect(assessment_url(assessment))
    form = ReopenForm(typed(request))
    if request.method == "POST" and form.is_valid():
        assessment_reopen(
            assessment=assessment, reason=form.cleaned_data["reason"], by=request.user
        )
        messages.success(request, f"The {assessment.cycle.label} assessment is open again.")
        return redirect(assessment_url(assessment))
    return render(
        request, "assessments/assessment_reopen.html", {"assessment": assessment, "form": form}
    )


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def targets_edit(request, assessment: Assessment):
    if assessment.is_closed and request.method == "GET":
        messages.error(request, "The quarter is closed, so its targets are fixed: reopen it first.")
        return redirect(assessment_url(assessment))
    principles = list(principles_with_questions(assessment))
    form = TargetsForm(typed(request), principles=principles, targets=targets_of(assessment))
    if request.method == "POST" and form.is_valid():
        try:
            targets_set(assessment=assessment, levels=form.levels(), by=request.user)
        except AssessmentError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "The board's targets are saved.")
            return redirect(assessment_url(assessment))
    return render(
        request, "assessments/targets_edit.html", {"assessment": assessment, "form": form}
    )
