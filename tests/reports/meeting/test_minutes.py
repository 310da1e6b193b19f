"""The extract from the minutes, for the company secretary: the meeting, attendance as
counts by role, each principle's score (the paper's), the board's decision, its room vote
(once closed) and any dissent minuted, and the actions agreed with owners and dates; the
same in the page, the PDF and the Word file; a closed quarter's only, and the digital
lead's. Attendance is recorded as counts (0 to 99), whoever Quarterdeck knows of."""

import datetime
import io
from decimal import Decimal

import docx
import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments.errors import AssessmentError
from assessments.models import MeetingAttendance
from assessments.quarter.actions import assessment_close, assessment_open, assessment_reopen
from assessments.quarter.decisions import (
    ActionInput,
    PositionInput,
    board_action_save,
    positions_record,
)
from core.models import AuditEvent
from principles.models import Principle
from reports.meeting.actions import attendance_record, vote_cast, vote_close, vote_open
from reports.meeting.minutes import minutes_of
from reports.meeting.presenters import meeting_of
from reports.paper.actions import cover_sheet_save
from reports.paper.presenters import board_paper
from tests.factories import MeetingAttendanceFactory, MembershipFactory
from tests.helpers import (
    answer_everything,
    new_board_member,
    on_day,
    quarter_of_year,
    submitted_board,
)
from tests.pages import forbidden, not_found
from tests.reports.paper.test_counts_and_lists import pdf_text, word_text
from tests.reports.paper.test_counts_and_lists import squash as flat
from trusts.models import Role, SeatGroup

PUBLISHED_ON = datetime.date(2026, 11, 20)
MEETING = datetime.date(2026, 11, 26)
RATIONALE = "Most teams test with users."
DISSENT = "One director asked that their doubt about the pace be minuted."
VOTE_WORDS = "Room vote: 3 voted. 1 chose level 2 (emerging), 2 chose level 3 (developing)."
# session, user, memberships with their trusts, assessment (4); the paper's inputs, read in
# a fixed number of queries, its room votes among them (10); the actions added for the
# meeting, bounded by this quarter's first release and the next quarter's (1); the
# attendance (1).
# The roadmap to the targets among the paper's inputs (one more).
# The evidence behind the agreed positions among the paper's inputs (one more).
QUERIES = 18


def url(assessment, name="minutes"):
    return reverse(f"meeting:{name}", args=[assessment.trust.ods_code, assessment.cycle.slug])


def counts(executives="2", non_executives="3", in_attendance="1"):
    return {
        "executives": executives,
        "non_executives": non_executives,
        "in_attendance": in_attendance,
    }


@pytest.fixture
def closed(assessment, coordinator, settings):
    """Three non-executives and two executives on the board, three answered; closed on
    PUBLISHED_ON; the meeting on the cover sheet."""
    settings.MIN_RESPONSES = 3
    submitted_board(assessment, 3, score=3)
    for _ in range(2):
        new_board_member(assessment.trust, SeatGroup.EXECUTIVE)
    with on_day(PUBLISHED_ON):
        assessment_close(assessment=assessment, by=coordinator)
    cover_sheet_save(
        assessment=assessment,
        values={
            "meeting": "Trust board, in public",
            "meeting_date": MEETING,
            "purpose": "assurance",
        },
        by=coordinator,
    )
    return assessment


@pytest.fixture
def after_the_meeting(closed, coordinator):
    """The meeting decided principle 2 with a room vote and dissent, added an action, and
    its attendance is recorded."""
    principle = Principle.objects.get(framework=closed.cycle.framework, number=2)
    with on_day(MEETING):
        positions_record(
            assessment=closed,
            positions={principle: PositionInput(Decimal("3.5"), RATIONALE, DISSENT)},
            by=coordinator,
        )
    vote = vote_open(assessment=closed, principle=principle, by=coordinator)
    voters = closed.trust.memberships.filter(role=Role.BOARD_MEMBER)[:3]
    for member, level in zip(voters, (2, 3, 3), strict=True):
        vote_cast(vote=vote, level=level, by=member.user)
    vote_close(vote=vote, by=coordinator)
    board_action_save(
        trust=closed.trust,
        action=None,
        values=ActionInput(
            2,
            "Publish the user research plan",
            "Chief Digital Officer",
            datetime.date(2027, 3, 31),
            "not_started",
            "",
        ),
        by=coordinator,
    )
    MeetingAttendanceFactory(assessment=closed, executives=2, non_executives=3, in_attendance=1)
    return closed


# Attendance


def test_attendance_is_recorded_as_counts_by_role_and_audited(signed_in, coordinator, closed):
    client = signed_in(coordinator)
    response = client.post(url(closed, "attendance"), counts())
    assert response.status_code == 302
    assert response.url == url(closed)
    attendance = MeetingAttendance.objects.get(assessment=closed)
    assert (attendance.executives, attendance.non_executives, attendance.in_attendance) == (2, 3, 1)
    event = AuditEvent.objects.get(action="meeting.attendance_recorded")
    assert event.detail == {
        "executives": 2,
        "non_executives": 3,
        "in_attendance": 1,
        "created": True,
    }
    page = client.get(url(closed)).content.decode()
    assert "Attendance is saved." in page
    assert '<th scope="row">Executive directors present</th><td>2</td>' in page
    # Changed later, the form starts from what was recorded.
    form = client.get(url(closed, "attendance")).content.decode()
    assert 'name="non_executives" value="3"' in form


def test_directors_not_in_quarterdeck_count_and_the_page_gives_its_seats_as_a_guide(
    signed_in, coordinator, closed
):
    """Two executives and three non-executives in Quarterdeck; the meeting had more (one
    never accepted an invitation, one has left since): attendance is not capped by them."""
    client = signed_in(coordinator)
    form = flat(client.get(url(closed, "attendance")).content.decode())
    assert (
        "As a guide, the board has 2 executive directors and 3 non-executive directors in "
        "Quarterdeck; count everyone who attended, including directors who have not joined "
        "Quarterdeck or have left the board since."
    ) in form
    response = client.post(url(closed, "attendance"), counts(executives="4", non_executives="5"))
    assert response.status_code == 302
    attendance = MeetingAttendance.objects.get(assessment=closed)
    assert (attendance.executives, attendance.non_executives) == (4, 5)
    attendance_record(
        assessment=closed, executives=7, non_executives=9, in_attendance=0, by=coordinator
    )
    assert MeetingAttendance.objects.get(assessment=closed).non_executives == 9


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter how many others (not board members) were present, or 0"),
        ("two", "Enter how many others (not board members) were present as a whole number"),
        ("-1", "In attendance (not board members) cannot be fewer than 0"),
        ("100", "In attendance (not board members): enter 99 or fewer"),
    ],
)
def test_a_count_that_is_not_a_number_of_people_is_refused(
    signed_in, coordinator, closed, typed, message
):
    response = signed_in(coordinator).post(url(closed, "attendance"), counts(in_attendance=typed))
    assert escape(message) in response.content.decode()
    assert not MeetingAttendance.objects.exists()


def test_the_action_refuses_what_the_form_would_and_an_open_quarter(coordinator, closed):
    with pytest.raises(AssessmentError, match="Non-executive directors present: enter 99"):
        attendance_record(
            assessment=closed, executives=0, non_executives=100, in_attendance=0, by=coordinator
        )
    reopened = assessment_reopen(assessment=closed, reason="A late answer", by=coordinator)
    with pytest.raises(AssessmentError, match="after the quarter closes"):
        attendance_record(
            assessment=reopened, executives=0, non_executives=0, in_attendance=0, by=coordinator
        )
    assert not MeetingAttendance.objects.exists()


def test_only_the_digital_lead_records_attendance_and_another_trusts_is_a_404(
    signed_in, board_member, closed, other_trust
):
    forbidden(signed_in(board_member).post(url(closed, "attendance"), counts()))
    other_lead = MembershipFactory(trust=other_trust, role=Role.COORDINATOR, seat_group="").user
    not_found(signed_in(other_lead).post(url(closed, "attendance"), counts()))
    not_found(signed_in(other_lead).get(url(closed, "attendance")))
    assert not MeetingAttendance.objects.exists()


# The extract


def test_the_extract_shows_attendance_decisions_votes_dissent_and_actions(
    signed_in, coordinator, after_the_meeting
):
    page = signed_in(coordinator).get(url(after_the_meeting)).content.decode()
    paper = board_paper(after_the_meeting)
    assert '<h1 id="minutes-title">Extract from the minutes</h1>' in page
    assert "<td>Trust board, in public</td>" in page
    assert "<td>26 November 2026</td>" in page
    assert f"Board self-assessment against the digital delivery principles, {paper.quarter}" in page
    for role, count in (
        ("Executive directors present", 2),
        ("Non-executive directors present", 3),
        ("In attendance (not board members)", 1),
    ):
        assert f'<th scope="row">{role}</th><td>{count}</td>' in page
    for row in paper.rows:  # the paper's score, never worked out again
        assert (
            f"{row.number}. {escape(row.title)}</h3> <p>The board's score: {row.score} out of 5."
            in flat(page)
        )
    assert "the board agreed level 3.5. Most teams test with users." in page
    assert VOTE_WORDS in page
    assert escape(DISSENT) in page
    assert page.count("<strong>Decision:</strong> none recorded.") == 7
    assert (
        "<td>Publish the user research plan</td><td>2</td><td>Chief Digital Officer</td>"
        "<td>31 March 2027</td>" in page
    )
    assert "No action was open when the quarter closed." in page
    assert "Cora Ordinator" not in page.split("<main")[1]  # the digital lead is not minuted


def test_the_pdf_and_the_word_file_say_what_the_page_says(
    signed_in, coordinator, after_the_meeting
):
    client = signed_in(coordinator)
    pdf = client.get(url(after_the_meeting, "minutes-pdf"))
    word = client.get(url(after_the_meeting, "minutes-docx"))
    code = after_the_meeting.trust.ods_code.lower()
    assert pdf["Content-Disposition"].endswith(f'minutes-extract-{code}-202627-q3.pdf"')
    assert word["Content-Disposition"].endswith(f'minutes-extract-{code}-202627-q3.docx"')
    for text in (flat(pdf_text(pdf.content)), flat(word_text(word.content))):
        assert "Extract from the minutes" in text
        assert "26 November 2026" in text
        assert "Executive directors present" in text
        assert "the board agreed level 3.5. Most teams test with users." in text
        assert VOTE_WORDS in text
        assert DISSENT in text
        assert "Publish the user research plan" in text
        assert "Chief Digital Officer" in text
        assert "31 March 2027" in text
    document = docx.Document(io.BytesIO(word.content))
    assert document.core_properties.title.startswith("Extract from the minutes: ")
    assert "Extract from the minutes" in document.sections[0].header.paragraphs[0].text


def test_the_pdf_is_tagged_for_screen_readers_like_the_paper(
    signed_in, coordinator, after_the_meeting
):
    import pikepdf

    content = signed_in(coordinator).get(url(after_the_meeting, "minutes-pdf")).content
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "en-GB"
        assert "Extract from the minutes" in str(pdf.docinfo.get("/Title", ""))


def test_an_open_vote_is_not_in_the_extract_until_it_closes(signed_in, coordinator, closed):
    principle = Principle.objects.get(framework=closed.cycle.framework, number=4)
    vote = vote_open(assessment=closed, principle=principle, by=coordinator)
    for member in closed.trust.memberships.filter(role=Role.BOARD_MEMBER)[:3]:
        vote_cast(vote=vote, level=4, by=member.user)
    assert not any(p.room_vote for p in minutes_of(closed).principles)
    assert "Room vote" not in signed_in(coordinator).get(url(closed)).content.decode()
    vote_close(vote=vote, by=coordinator)
    (voted,) = [p for p in minutes_of(closed).principles if p.room_vote]
    assert (voted.number, voted.room_vote) == (
        4,
        "Room vote: 3 voted. 3 chose level 4 (established).",
    )


def action_added(assessment, coordinator, title: str, day: datetime.date) -> None:
    with on_day(day):
        board_action_save(
            trust=assessment.trust,
            action=None,
            values=ActionInput(
                3, title, "Chief Nurse", datetime.date(2027, 6, 30), "not_started", ""
            ),
            by=coordinator,
        )


def titles(actions) -> list[str]:
    return [action.title for action in actions]


def test_the_actions_agreed_stop_where_the_next_quarters_results_were_published(
    coordinator, closed
):
    action_added(closed, coordinator, "Agreed at the Q3 meeting", MEETING)
    following = assessment_open(
        trust=closed.trust, cycle=quarter_of_year(closed.cycle.framework, 2026, 4), by=coordinator
    )
    submitted_board(following, 3)
    with on_day(datetime.date(2027, 2, 19)):
        assessment_close(assessment=following, by=coordinator)
    action_added(closed, coordinator, "Agreed at the Q4 meeting", datetime.date(2027, 2, 26))
    assert titles(minutes_of(closed).agreed) == ["Agreed at the Q3 meeting"]
    assert titles(minutes_of(following).agreed) == ["Agreed at the Q4 meeting"]


def test_after_a_reopen_and_a_reclose_the_meetings_actions_are_still_agreed_never_carried(
    signed_in, coordinator, closed
):
    action_added(closed, coordinator, "Publish the data strategy", MEETING)
    with on_day(datetime.date(2026, 12, 1)):
        reopened = assessment_reopen(assessment=closed, reason="A late answer", by=coordinator)
        answer_everything(reopened, new_board_member(closed.trust), 4)
    with on_day(datetime.date(2026, 12, 2)):
        reclosed = assessment_close(assessment=reopened, by=coordinator)
    # The re-close took the action log as it stood then, the meeting's action in it.
    assert "Publish the data strategy" in titles(board_paper(reclosed).actions.open)
    minutes = minutes_of(reclosed)
    assert titles(minutes.agreed) == ["Publish the data strategy"]
    assert titles(minutes.carried) == []
    page = flat(signed_in(coordinator).get(url(reclosed)).content.decode())
    assert page.count("Publish the data strategy") == 1
    assert "No action was open when the quarter closed." in page
    meeting = meeting_of(reclosed)
    assert titles(meeting.page(3).proposed) == ["Publish the data strategy"]
    assert titles(meeting.page(3).actions) == titles(meeting.open_actions) == []


def test_without_a_meeting_date_it_says_so_and_links_to_the_cover_sheet(
    signed_in, coordinator, assessment
):
    submitted_board(assessment, 3)
    assessment_close(assessment=assessment, by=coordinator)
    page = signed_in(coordinator).get(url(assessment)).content.decode()
    cover = reverse("paper:cover-sheet", args=[assessment.trust.ods_code, assessment.cycle.slug])
    assert "Not yet given on the paper's cover sheet" in page
    assert f'<a href="{cover}">give the meeting\'s date on the cover sheet</a>' in page
    assert "Not recorded yet." in page


def test_before_close_and_while_open_again_it_says_when_and_makes_no_file(
    signed_in, coordinator, closed
):
    assessment_reopen(assessment=closed, reason="A late answer", by=coordinator)
    client = signed_in(coordinator)
    for name in ("minutes", "attendance"):
        page = client.get(url(closed, name)).content.decode()
        assert "once the questionnaire has closed" in page
    for name in ("minutes-pdf", "minutes-docx"):
        response = client.get(url(closed, name))
        assert response.status_code == 409
        assert "once the questionnaire has closed" in response.content.decode()


def test_only_the_digital_lead_reads_it_and_another_trusts_is_a_404(
    signed_in, board_member, programme_staff, after_the_meeting, other_trust
):
    other_lead = MembershipFactory(trust=other_trust, role=Role.COORDINATOR, seat_group="").user
    for name in ("minutes", "minutes-pdf", "minutes-docx"):
        forbidden(signed_in(board_member).get(url(after_the_meeting, name)))
        forbidden(signed_in(programme_staff).get(url(after_the_meeting, name)))
        not_found(signed_in(other_lead).get(url(after_the_meeting, name)))


@pytest.mark.parametrize("actions", [0, 6])
def test_the_extract_reads_a_fixed_number_of_queries(
    signed_in, coordinator, after_the_meeting, actions, django_assert_num_queries
):
    for number in range(actions):
        board_action_save(
            trust=after_the_meeting.trust,
            action=None,
            values=ActionInput(
                number % 8 + 1,
                f"Action {number}",
                "Chief Digital Officer",
                datetime.date(2027, 3, 31),
                "in_progress",
                "",
            ),
            by=coordinator,
        )
    client = signed_in(coordinator)
    client.get(url(after_the_meeting))  # warm the framework's content
    with django_assert_num_queries(QUERIES):
        client.get(url(after_the_meeting))


def test_the_quarters_page_links_to_it_once_closed(signed_in, coordinator, closed):
    page = signed_in(coordinator).get(
        reverse("quarter:assessment-detail", args=[closed.trust.ods_code, closed.cycle.slug])
    )
    assert f'href="{url(closed)}"' in page.content.decode()
