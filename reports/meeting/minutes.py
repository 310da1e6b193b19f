"""The extract from the minutes, for the company secretary once the meeting is over: the
meeting, who attended (counts by role, never names), each principle's score, the board's
decision, its room vote and any dissent minuted, and the actions agreed. One presenter
feeds the page, the PDF and the Word file, all from one template
(meeting/minutes_content.html); every figure and word of the results is the paper's
(reports.meeting.presenters.meeting_of), so the extract never says what the paper does
not."""

from dataclasses import dataclass

from django.db.models import Count
from django.template.loader import render_to_string

from assessments.models import Assessment, MeetingAttendance
from reports.meeting.presenters import meeting_of
from reports.paper.documents import paper_filename
from reports.paper.pdf import render_pdf
from reports.paper.word import html_docx
from trusts.models import Membership, Role, SeatGroup

TITLE = "Extract from the minutes"
# The most anyone may be counted as present in one role: the model's own limit.
MOST = 99
# What each count of the attendance is, as the form asks and the extract prints it.
ROLES = {
    "executives": "Executive directors present",
    "non_executives": "Non-executive directors present",
    "in_attendance": "In attendance (not board members)",
}
SEATS = {"executives": SeatGroup.EXECUTIVE, "non_executives": SeatGroup.NON_EXECUTIVE}


def board_seats(trust) -> dict[str, int]:
    """How many board members the trust has in Quarterdeck in each seat group, by count's
    name: a guide for the attendance page, never a limit (a director who has not accepted
    an invitation, or has left since the meeting, attended all the same)."""
    counts = dict(
        Membership.objects.filter(trust=trust, role=Role.BOARD_MEMBER)
        .order_by()
        .values("seat_group")
        .annotate(n=Count("pk"))
        .values_list("seat_group", "n")
    )
    return {name: counts.get(group, 0) for name, group in SEATS.items()}


def attendance_problems(counts: dict[str, int]) -> dict[str, str]:
    """Why a count cannot stand, by its name: none below 0 or above 99. How many members
    Quarterdeck has in a seat group (board_seats) is no limit: it is not the board that
    met."""
    problems = {}
    for name, count in counts.items():
        if count < 0:
            problems[name] = f"{ROLES[name]} cannot be fewer than 0"
        elif count > MOST:
            problems[name] = f"{ROLES[name]}: enter {MOST} or fewer"
    return problems


@dataclass(frozen=True)
class MinutedPrinciple:
    number: int
    title: str
    score: str  # the paper's, "3.2", or "–" without one
    agreed: str  # the level the board agreed, "3.5", or "" when none was recorded
    rationale: str
    room_vote: str  # the closed vote in words (reports.paper.votes), or ""
    dissent: str


@dataclass(frozen=True)
class MinutedAction:
    title: str
    principle_number: int
    owner: str
    due: str  # "31 March 2027"


@dataclass(frozen=True)
class Minutes:
    trust_name: str
    ods_code: str
    quarter: str
    cycle_slug: str
    meeting: str  # as the cover sheet names it
    meeting_date: str  # "" until the cover sheet dates it
    shown: bool  # whether the paper showed figures
    not_shown: str  # the paper's words when it did not
    attendance: tuple[tuple[str, int], ...]  # (role, count); empty until recorded
    principles: tuple[MinutedPrinciple, ...]
    # Added to the log after the quarter's results were first published and before the
    # next quarter's were (reports.meeting.presenters.meeting_of).
    agreed: tuple[MinutedAction, ...]
    carried: tuple[MinutedAction, ...]  # open (or overdue) when it closed, less those agreed

    title: str = TITLE

    @property
    def document_title(self) -> str:
        return f"{TITLE}: {self.trust_name}, {self.quarter}"


def minutes_of(assessment: Assessment) -> Minutes:
    """The extract of a closed quarter's meeting, from the paper's presenter."""
    meeting = meeting_of(assessment)
    paper = meeting.paper
    attendance = MeetingAttendance.objects.filter(assessment=assessment).first()
    return Minutes(
        trust_name=paper.trust_name,
        ods_code=paper.ods_code,
        quarter=paper.quarter,
        cycle_slug=assessment.cycle.slug,
        meeting=paper.cover.meeting,
        meeting_date=paper.meeting_date,
        shown=paper.shown,
        not_shown="" if paper.shown else paper.submissions.published,
        attendance=tuple((words, getattr(attendance, name)) for name, words in ROLES.items())
        if attendance
        else (),
        principles=tuple(
            MinutedPrinciple(
                number=row.number,
                title=row.title,
                score=row.score,
                agreed=row.agreed if row.agreed != "–" else "",
                rationale=row.agreed_rationale,
                room_vote=row.room_vote,
                dissent=row.agreed_dissent,
            )
            for row in paper.rows
        ),
        agreed=tuple(
            MinutedAction(action.title, action.principle_number, action.owner, action.due)
            for action in meeting.proposed
        ),
        carried=tuple(
            MinutedAction(action.title, action.principle_number, action.owner, action.due)
            for action in meeting.open_actions
        ),
    )


def _content(minutes: Minutes) -> str:
    return render_to_string("meeting/minutes_content.html", {"minutes": minutes})


def minutes_pdf(minutes: Minutes) -> bytes:
    """Tagged as the board paper is (reports.paper.pdf), with its print stylesheet."""
    return render_pdf(render_to_string("meeting/minutes_document.html", {"minutes": minutes}))


def minutes_docx(minutes: Minutes) -> bytes:
    """Laid out as the board paper's Word file is (reports.paper.word)."""
    return html_docx(
        _content(minutes),
        title=minutes.document_title,
        author=minutes.trust_name,
        header=minutes.document_title,
    )


def minutes_filename(minutes: Minutes, extension: str) -> str:
    """Like minutes-extract-zza-202627-q3.pdf."""
    return paper_filename(
        ods_code=minutes.ods_code,
        quarter=minutes.quarter,
        draft=False,
        kind="minutes-extract",
        extension=extension,
    )
