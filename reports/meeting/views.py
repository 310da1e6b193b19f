"""The board meeting's pages: presenting a closed quarter one page at a time (the next and
the previous a link away, and a key away with the page's script) and recording decisions
from them; the room vote on members' phones; attendance and the extract from the minutes."""

import re
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from assessments.access import with_assessment
from assessments.errors import AssessmentError
from assessments.models import Assessment, MeetingAttendance
from assessments.quarter.decisions import (
    board_action_save,
    meeting_date_of,
    positions_meeting_problem,
    positions_record,
)
from assessments.questionnaire.selectors import principles_with_questions
from assessments.results.rules import minimum_group
from core.kept import never_kept, typed, typed_back
from reports.exports import download
from reports.meeting.actions import (
    attendance_record,
    vote_cast,
    vote_open,
    votes_close,
    votes_expire,
)
from reports.meeting.forms import (
    FORMS,
    WHICH,
    AttendanceForm,
    BallotForm,
    DecisionForm,
    MeetingActionForm,
)
from reports.meeting.minutes import (
    TITLE,
    board_seats,
    minutes_docx,
    minutes_filename,
    minutes_of,
    minutes_pdf,
)
from reports.meeting.presenters import meeting_of
from reports.meeting.selectors import open_votes_for, voted_in
from reports.paper.votes import room_votes_of
from trusts.permissions import Permission, requires, requires_on_trust


@dataclass(frozen=True)
class Pages:
    """Where this page sits among the meeting's pages: links for the keys and buttons."""

    number: int  # this page's place, from 1
    count: int
    first: str
    previous: str
    next: str
    last: str
    previous_title: str
    next_title: str
    stop: str  # back to the quarter's page


def _urls(assessment: Assessment, meeting) -> list[tuple[str, str]]:
    """Every page of the meeting in order: (address, title)."""
    args = [assessment.trust.ods_code, assessment.cycle.slug]
    return [
        (reverse("meeting:present", args=args), "Overview"),
        *(
            (
                reverse("meeting:present-principle", args=[*args, page.row.number]),
                f"{page.row.number}. {page.row.title}",
            )
            for page in meeting.principles
        ),
        (reverse("meeting:present-actions", args=args), "Actions"),
    ]


def _pages(assessment: Assessment, urls: list[tuple[str, str]], index: int, vote) -> Pages:
    """The links from the page at ``index``. On a page whose room vote is open, each link
    away says so (``?closing=``): the page it leads to closes the vote, as the meeting has
    moved on. Reading a page any other way changes nothing."""
    leaving = f"?{CLOSING}={vote.pk}" if vote and vote.open else ""

    def away(place: int) -> tuple[str, str]:
        if not 0 <= place < len(urls):
            return "", ""
        url, title = urls[place]
        return f"{url}{leaving}", title

    (previous, previous_title), (after, next_title) = away(index - 1), away(index + 1)
    args = [assessment.trust.ods_code, assessment.cycle.slug]
    return Pages(
        number=index + 1,
        count=len(urls),
        first=away(0)[0],
        previous=previous,
        next=after,
        last=away(len(urls) - 1)[0],
        previous_title=previous_title,
        next_title=next_title,
        stop=f"{reverse('meeting:stop', args=args)}{leaving}",
    )


CLOSING = "closing"


def _closing(request) -> int | None:
    """The vote a link away from its page asks to close, if any (an id, nothing else)."""
    closing = request.GET.get(CLOSING, "")
    return int(closing) if re.fullmatch(r"[0-9]{1,18}", closing) else None


def _present(request, assessment: Assessment, template: str, place, typed=(), principle=None):
    """The page, or, before the quarter has closed, a page saying when it can be shown (and
    showing back anything ``typed`` there). ``place`` finds the page among the meeting's:
    (its index, what else it shows). Arriving from a page with a vote open closes it."""
    if not assessment.is_closed:
        context = {"assessment": assessment, "typed": typed}
        return render(request, "meeting/not_yet.html", context)
    closing = _closing(request)
    if closing is not None:
        votes_close(assessment=assessment, by=request.user, only=closing, keep=principle)
    meeting = meeting_of(assessment)
    urls = _urls(assessment, meeting)
    index, context = place(meeting, urls)
    return render(
        request,
        template,
        {
            "assessment": assessment,
            "meeting": meeting,
            "pages": _pages(assessment, urls, index, context.get("vote")),
            **context,
        },
    )


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET"])
def present(request, assessment: Assessment):
    votes_expire(votes=assessment.room_votes.all())  # any left open since the last meeting
    return _present(request, assessment, "meeting/overview.html", lambda meeting, urls: (0, {}))


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def present_principle(request, assessment: Assessment, number: int):
    """A principle's page; the board's decision and new actions are recorded from it as the
    meeting takes them, each saved when sent (and kept if the session ended meanwhile)."""
    sent = typed(request)
    which = sent.get(WHICH) if sent else None
    if not assessment.is_closed:  # reopened mid-meeting, say: what was sent comes back
        return _present(
            request,
            assessment,
            "meeting/principle.html",
            None,
            typed=typed_back(sent) if sent else (),
        )
    principle = next((p for p in principles_with_questions(assessment) if p.number == number), None)
    if principle is None:
        raise Http404("No such principle.")
    if request.method == "POST" and which not in FORMS:
        messages.error(request, "What was sent is not one of this page's forms: nothing was saved.")
        return redirect(request.path)
    if request.method == "POST" and which in ("vote-open", "vote-close"):
        return _vote_switch(request, assessment, principle, opening=which == "vote-open")
    position = assessment.positions.filter(principle=principle).first()
    decision = DecisionForm(
        sent if which == "decision" else None,
        position=position,
        meeting_problem=positions_meeting_problem(assessment, meeting_date_of(assessment)),
    )
    action = MeetingActionForm(sent if which == "action" else None)
    if request.method == "POST" and which == "decision" and decision.is_valid():
        chosen = decision.position()
        if chosen is None and position is None:
            messages.info(request, f"Nothing was recorded for principle {number}.")
            return redirect(f"{request.path}#decision")
        try:
            positions_record(assessment=assessment, positions={principle: chosen}, by=request.user)
        except AssessmentError as problem:
            decision.add_error(None, str(problem))
        else:
            done = "saved" if chosen else "cleared"
            messages.success(request, f"The board's decision on principle {number} is {done}.")
            return redirect(f"{request.path}#decision")
    if request.method == "POST" and which == "action" and action.is_valid():
        board_action_save(
            trust=assessment.trust, action=None, values=action.values(number), by=request.user
        )
        messages.success(request, f"The action is added to the log, against principle {number}.")
        return redirect(f"{request.path}#new-action")
    failed = next((form for form in (decision, action) if form.is_bound and form.errors), None)

    def place(meeting, urls):
        page = meeting.page(number)
        if page is None:
            raise Http404("No such principle.")
        return 1 + meeting.principles.index(page), {
            "principle": page,
            "position": position,
            "decision": decision,
            "action": action,
            "failed": failed,
            "vote": room_votes_of(assessment).get(number),
            "vote_address": request.build_absolute_uri(reverse("meeting:vote")),
        }

    return _present(request, assessment, "meeting/principle.html", place, principle=principle)


def _vote_switch(request, assessment: Assessment, principle, *, opening: bool):
    """Opens the room vote on this page's principle, or closes it (and shows the result)."""
    back = f"{request.path}#room-vote"
    if not opening:
        if votes_close(assessment=assessment, by=request.user, principle=principle):
            messages.success(request, f"The room vote on principle {principle.number} is closed.")
        else:
            messages.info(request, f"No room vote is open on principle {principle.number}.")
        return redirect(back)
    try:
        vote_open(assessment=assessment, principle=principle, by=request.user)
    except AssessmentError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"The room vote on principle {principle.number} is open.")
    return redirect(back)


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET"])
def present_actions(request, assessment: Assessment):
    return _present(
        request, assessment, "meeting/actions.html", lambda meeting, urls: (len(urls) - 1, {})
    )


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET"])
def present_stop(request, assessment: Assessment):
    """*Stop presenting*: closes the vote left open on the page it came from, if any."""
    closing = _closing(request)
    if closing is not None:
        votes_close(assessment=assessment, by=request.user, only=closing)
    args = [assessment.trust.ods_code, assessment.cycle.slug]
    return redirect("quarter:assessment-detail", *args)


@never_kept  # a ballot sent after the session ended is not kept against the member's name
@requires(Permission.SERVICE_USE)
@require_http_methods(["GET", "POST"])
def vote(request):
    """The short link members open on their phones in the meeting: the vote open on their
    board, if any, to choose a level in; once they have voted, or while none is open, a
    page that looks again by itself (or on a link) for the next."""
    votes_expire()  # the phones waiting in the room look every few seconds: none lingers
    votes = open_votes_for(request.user)
    sent = typed(request)
    form = BallotForm(sent, votes=votes) if sent else None
    if form is not None and not form.is_valid() and "vote" in form.errors:
        messages.error(request, f"{form.errors['vote'][0]}: your choice was not counted.")
        return redirect("meeting:vote")
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            vote_cast(
                vote=form.cleaned_data["vote"], level=form.cleaned_data["level"], by=request.user
            )
        except AssessmentError as problem:
            messages.error(request, str(problem))
        else:
            messages.success(request, "Your vote is counted.")
        return redirect("meeting:vote")
    voted = voted_in(request.user, votes)
    ballots = [
        (
            vote,
            form
            if form is not None and form.data.get("vote") == str(vote.pk)
            else BallotForm(initial={"vote": vote.pk}, votes=votes, auto_id=f"vote-{vote.pk}-%s"),
        )
        for vote in votes
        if vote.pk not in voted
    ]
    return render(
        request,
        "meeting/vote.html",
        {
            "ballots": ballots,
            "voted": [vote for vote in votes if vote.pk in voted],
            "failed": form if form is not None and form.errors else None,
            "minimum": minimum_group(),
        },
    )


FILES = {"pdf": minutes_pdf, "docx": minutes_docx}


def _not_yet(request, assessment: Assessment, heading: str, status: int = 200):
    """Before the quarter has closed (or while it is open again), the page says when."""
    context = {"assessment": assessment, "heading": heading}
    return render(request, "meeting/minutes_not_yet.html", context, status=status)


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET"])
def minutes(request, assessment: Assessment):
    if not assessment.is_closed:
        return _not_yet(request, assessment, TITLE)
    return render(request, "meeting/minutes.html", {"minutes": minutes_of(assessment)})


def _file(request, assessment: Assessment, extension: str):
    if not assessment.is_closed:
        return _not_yet(request, assessment, TITLE, status=409)
    extract = minutes_of(assessment)
    return download(FILES[extension](extract), minutes_filename(extract, extension), extension)


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET"])
def minutes_pdf_download(request, assessment: Assessment):
    return _file(request, assessment, "pdf")


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET"])
def minutes_docx_download(request, assessment: Assessment):
    """The same extract as a Word file, for the company secretary's minutes."""
    return _file(request, assessment, "docx")


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def attendance(request, assessment: Assessment):
    """Who attended the meeting, as counts by role: directors of each seat group and others
    in attendance (the page gives the seats Quarterdeck knows of as a guide)."""
    if not assessment.is_closed:
        return _not_yet(request, assessment, "Who attended the board meeting")
    seats = board_seats(assessment.trust)
    recorded = MeetingAttendance.objects.filter(assessment=assessment).first()
    initial = (
        {name: getattr(recorded, name) for name in AttendanceForm.base_fields} if recorded else {}
    )
    form = AttendanceForm(typed(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            attendance_record(assessment=assessment, **form.cleaned_data, by=request.user)
        except AssessmentError as problem:  # the quarter was reopened meanwhile
            form.add_error(None, str(problem))
        else:
            messages.success(request, "Attendance is saved. The extract from the minutes shows it.")
            return redirect(
                "meeting:minutes", ods_code=assessment.trust.ods_code, cycle=assessment.cycle.slug
            )
    return render(
        request, "meeting/attendance.html", {"assessment": assessment, "form": form, "seats": seats}
    )
