"""The coordinator running the quarter: open, watch completion, set targets, close."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessments.access import with_assessment
from assessments.errors import AssessmentError
from assessments.models import Assessment, QuarterState, ResponseStatus
from assessments.quarter.actions import (
    assessment_close,
    assessment_open,
    assessment_reopen,
    board_remind,
    targets_set,
)
from assessments.quarter.checklist import QuarterFacts, next_task, quarter_checklist
from assessments.quarter.forms import ReopenForm, TargetsForm
from assessments.quarter.presenters import MemberStatus, member_statuses, status_counts
from assessments.quarter.roadmap import previous_closed_roadmap, roadmap_shown
from assessments.quarter.selectors import (
    action_counts,
    board_members,
    has_cover_sheet,
    positions_of,
    reminded_today,
    targets_of,
    targets_to_start_from,
)
from assessments.questionnaire.selectors import (
    principle_count,
    principles_with_questions,
    responses_by_member,
)
from assessments.results.disclosure import counted
from assessments.results.presenters import BoardResults, board_results
from assessments.results.selectors import publication, results_of, submissions
from assessments.selectors import cycle_by_slug
from core.kept import typed
from core.mail import emails_about
from core.models import Email
from trusts.models import Trust
from trusts.permissions import Permission, requires_on_trust


def assessment_url(assessment: Assessment) -> str:
    return reverse(
        "quarter:assessment-detail",
        kwargs={"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug},
    )


def members_of(assessment: Assessment) -> list[MemberStatus]:
    """Each board member's progress (never their answers)."""
    return member_statuses(list(board_members(assessment.trust)), responses_by_member(assessment))


def not_submitted(members: list[MemberStatus]) -> list[MemberStatus]:
    return [m for m in members if m.status != ResponseStatus.SUBMITTED.label]


def results_for(assessment: Assessment, *, targets=None, positions=None, live=None) -> BoardResults:
    """The board's results as far as they may be shown, for the coordinator's pages, with
    how many have submitted in the words every output uses (``live``: the counts as they
    stand, where the caller has them)."""
    published = publication(assessment)
    return board_results(
        principles=principles_with_questions(assessment),
        results=results_of(assessment),
        targets=targets_of(assessment) if targets is None else targets,
        positions=positions_of(assessment) if positions is None else positions,
        publication=published,
        submissions=submissions(assessment, published, live=live),
    )


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET"])
def assessment_detail(request, assessment: Assessment):
    responses = responses_by_member(assessment)
    members = member_statuses(list(board_members(assessment.trust)), responses)
    live = counted(
        members=[member.user_id for member in members],
        submitted=[
            response.respondent_id
            for response in responses.values()
            if response.status == ResponseStatus.SUBMITTED
        ],
    )
    targets, positions = targets_of(assessment), positions_of(assessment)
    results = results_for(assessment, targets=targets, positions=positions, live=live)
    counts = status_counts(members)
    waiting = not_submitted(members)
    reminded = reminded_today(assessment)
    actions = action_counts(assessment.trust)
    stages = quarter_checklist(
        assessment,
        QuarterFacts(
            members=len(members),
            waiting=len(waiting),
            to_remind=sum(m.user_id not in reminded for m in waiting),
            targets=len(targets),
            positions=len(positions),
            principles=principle_count(assessment),
            open_actions=actions.open,
            overdue_actions=actions.overdue,
            cover_sheet=has_cover_sheet(assessment),
            answered=results.submissions,
            today=timezone.localdate(),
            roadmap_to_review=previous_closed_roadmap(assessment) is not None,
        ),
    )
    return render(
        request,
        "quarter/assessment_detail.html",
        {
            "assessment": assessment,
            "members": members,
            "counts": counts,
            # Counted in "N of M submitted" above, but no longer listed on the board.
            "left_after_submitting": live[0] - counts.submitted,
            "stages": stages,
            "next_task": next_task(stages),
            "undelivered": emails_about(assessment).filter(status=Email.Status.FAILED),
            "results": results,
            # Made once closed; kept in view while the quarter is open again.
            "roadmap": roadmap_shown(assessment, results)
            if assessment.state in (QuarterState.CLOSED, QuarterState.REOPENED)
            else None,
        },
    )


def nobody_to_remind(assessment: Assessment, *, members, waiting, to_remind) -> str:
    """The sentence saying why a reminder would email nobody, or "" if it would."""
    if assessment.is_closed:
        return "Nobody can be reminded: the questionnaire is closed."
    if not assessment.is_open:
        return "Nobody can be reminded yet: open the questionnaire first."
    if not members:
        return "Nobody needed a reminder: the board has no members yet."
    if not waiting:
        return "Nobody needed a reminder: everyone has submitted."
    if not to_remind:
        return "Nobody needed a reminder: each who has not answered had one today."
    return ""


@requires_on_trust(Permission.ASSESSMENT_RUN)
@require_http_methods(["GET", "POST"])
def assessment_open_view(request, trust: Trust, cycle: str):
    found = cycle_by_slug(cycle)
    already = Assessment.objects.filter(trust=trust, cycle=found).first()
    if already and already.status != "draft":
        # Opening again would do nothing: say so, on either method, and change nothing.
        messages.error(
            request, f"The {found.label} questionnaire is already {already.state.label.lower()}."
        )
        return redirect(assessment_url(already))
    if request.method == "GET":
        members = [m.user.full_name for m in board_members(trust)]
        return render(
            request,
            "confirm.html",
            {
                "caption": trust.name,
                "heading": f"Open the {found.label} questionnaire?",
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
                "cancel_url": reverse("quarter:trust-detail", kwargs={"ods_code": trust.ods_code}),
            },
        )
    try:
        assessment = assessment_open(trust=trust, cycle=found, by=request.user)
    except AssessmentError as problem:
        messages.error(request, str(problem))
        return redirect("quarter:trust-detail", ods_code=trust.ods_code)
    messages.success(request, f"The {found.label} questionnaire is open for the board.")
    return redirect(assessment_url(assessment))


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def assessment_remind_view(request, assessment: Assessment):
    """Asks first, naming who will be emailed; then emails each of them once today."""
    members = members_of(assessment)
    reminded = reminded_today(assessment)
    waiting = not_submitted(members)
    to_remind = [m.name for m in waiting if m.user_id not in reminded]
    why_not = nobody_to_remind(assessment, members=members, waiting=waiting, to_remind=to_remind)
    if why_not:
        # Nothing to send: say why, on either method, and change nothing.
        messages.info(request, why_not)
        return redirect(assessment_url(assessment))
    if request.method == "GET":
        already = len(waiting) - len(to_remind)
        return render(
            request,
            "confirm.html",
            {
                "caption": assessment.trust.name,
                "heading": "Remind those who have not answered?",
                "paragraphs": [
                    f"We will email the {len(to_remind)} board member"
                    f"{'s' if len(to_remind) != 1 else ''} below a link to the "
                    f"questionnaire, reminding them to answer by "
                    f"{assessment.cycle.closes_on:%A %-d %B %Y}. The email never says who "
                    "else has or has not answered.",
                    *(
                        [f"{already} other{'s' if already != 1 else ''} had a reminder today."]
                        if already
                        else []
                    ),
                ],
                "people_heading": "Who will be emailed",
                "people": to_remind,
                "button": "Send the reminders",
                "cancel_url": assessment_url(assessment),
            },
        )
    try:
        sent = board_remind(assessment=assessment, by=request.user)
    except AssessmentError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request,
            f"We emailed a reminder to {len(sent)} board member{'s' if len(sent) != 1 else ''}."
            if sent
            else "Nobody needed a reminder: each has had one today or has submitted.",
        )
    return redirect(assessment_url(assessment))


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def assessment_close_view(request, assessment: Assessment):
    if not assessment.is_open:
        messages.error(
            request,
            "Only an open questionnaire can be closed: this one is already closed."
            if assessment.is_closed
            else "Only an open questionnaire can be closed: this one is not open yet.",
        )
        return redirect(assessment_url(assessment))
    if request.method == "GET":
        members = members_of(assessment)
        waiting = [m.name for m in not_submitted(members)]
        return render(
            request,
            "confirm.html",
            {
                "caption": assessment.trust.name,
                "heading": f"Close the {assessment.cycle.label} questionnaire?",
                "paragraphs": [
                    "Nobody can change their answers after this, and the results are fixed "
                    "for the board paper. You can reopen it if you need to.",
                    f"{len(members) - len(waiting)} of {len(members)} board members have "
                    "submitted.",
                ],
                "people_heading": "Not submitted yet",
                "people": waiting,
                "button": "Close the questionnaire",
                "warning": True,
                "cancel_url": assessment_url(assessment),
            },
        )
    try:
        assessment = assessment_close(assessment=assessment, by=request.user)
    except AssessmentError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"The {assessment.cycle.label} questionnaire is closed.")
    return redirect(assessment_url(assessment))


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def assessment_reopen_view(request, assessment: Assessment):
    if not assessment.is_closed:
        messages.error(request, "Only a closed questionnaire can be reopened.")
        return redirect(assessment_url(assessment))
    form = ReopenForm(typed(request))
    if request.method == "POST" and form.is_valid():
        assessment_reopen(
            assessment=assessment, reason=form.cleaned_data["reason"], by=request.user
        )
        messages.success(request, f"The {assessment.cycle.label} questionnaire is open again.")
        return redirect(assessment_url(assessment))
    return render(
        request, "quarter/assessment_reopen.html", {"assessment": assessment, "form": form}
    )


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def targets_edit(request, assessment: Assessment):
    if assessment.is_closed and request.method == "GET":
        messages.error(
            request, "The questionnaire is closed, so the targets are fixed: reopen it first."
        )
        return redirect(assessment_url(assessment))
    principles = list(principles_with_questions(assessment))
    targets, carried_from = targets_to_start_from(assessment)
    form = TargetsForm(typed(request), principles=principles, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            targets_set(assessment=assessment, levels=form.levels(), by=request.user)
        except AssessmentError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "The board's targets are saved.")
            return redirect(assessment_url(assessment))
    return render(
        request,
        "quarter/targets_edit.html",
        {"assessment": assessment, "form": form, "carried_from": carried_from},
    )
