"""The board's agreed position, the action log, executive and non-executive views, the
audit trail, and trends across framework versions."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments.errors import AssessmentError
from assessments.models import ActionStatus, AgreedPosition, BoardAction, PrincipleResult
from assessments.quarter.actions import assessment_close, assessment_open, assessment_reopen
from assessments.quarter.decisions import (
    ActionInput,
    PositionInput,
    board_action_save,
    positions_record,
)
from core.models import AuditEvent
from principles.actions import framework_load
from principles.loader import read_framework, shipped_framework_files
from reports.paper.actions import cover_sheet_save, paper_file
from reports.paper.presenters import board_paper
from tests.factories import SETUP, MembershipFactory
from tests.helpers import (
    answer_everything,
    new_board_member,
    on_day,
    quarter_of_year,
    submitted_board,
)
from tests.pages import forbidden
from trusts.models import Role, SeatGroup


def url(assessment, name):
    return reverse(name, args=[assessment.trust.ods_code, assessment.cycle.slug])


def positions_data(**levels):
    data = {}
    for number in range(1, 9):
        level, reason = levels.get(f"p{number}", ("", ""))
        data[f"level-{number}"] = level
        data[f"rationale-{number}"] = reason
    return data


# The results are published when the quarter closes on 20 November 2026; the board meets
# on the 26th, the date on the paper's cover sheet.
PUBLISHED_ON = datetime.date(2026, 11, 20)
MEETING = datetime.date(2026, 11, 26)


def meeting_on(assessment, day, by):
    """The board meeting, dated once, on the paper's cover sheet."""
    values = {
        "meeting": "Trust board (held in public)",
        "meeting_date": day,
        "purpose": "assurance",
    }
    cover_sheet_save(assessment=assessment, values=values, by=by)


@pytest.fixture
def discussed(assessment, coordinator, settings):
    """Closed with one member's results on PUBLISHED_ON, discussed at the MEETING."""
    settings.MIN_RESPONSES = 1
    submitted_board(assessment, 1, score=3)
    with on_day(PUBLISHED_ON):
        assessment_close(assessment=assessment, by=coordinator)
    meeting_on(assessment, MEETING, coordinator)
    return assessment


# Agreed position


def test_positions_recorded_and_shown_beside_the_members_score(signed_in, coordinator, discussed):
    assessment = discussed
    client = signed_in(coordinator)
    response = client.post(
        url(assessment, "quarter:assessment-positions"),
        positions_data(p1=("3.5", "Better than members think"), p2=("2.0", "Agreed")),
    )
    assert response.status_code == 302
    positions = {p.principle.number: (p.level, p.rationale) for p in AgreedPosition.objects.all()}
    assert positions == {
        1: (Decimal("3.5"), "Better than members think"),
        2: (Decimal("2.0"), "Agreed"),
    }
    first = client.get(url(assessment, "quarter:assessment-detail")).context["results"].rows[0]
    assert (first.score, first.agreed) == ("3.0", "3.5")
    paper = board_paper(assessment)
    assert paper.positions_recorded
    assert paper.meeting_date == "26 November 2026"
    assert (paper.rows[0].agreed, paper.rows[0].agreed_rationale) == (
        "3.5",
        "Better than members think",
    )
    assert AuditEvent.objects.get(action="positions.recorded").detail["principles"] == [1, 2]


def test_positions_can_be_recorded_after_closing_and_the_paper_is_remade(
    signed_in, coordinator, discussed
):
    assessment = discussed
    first = paper_file(assessment=assessment, by=coordinator)
    signed_in(coordinator).post(
        url(assessment, "quarter:assessment-positions"), positions_data(p1=("4.0", "Yes"))
    )
    second = paper_file(assessment=assessment, by=coordinator)
    assert second.made_now
    assert second.content != first.content


def test_positions_clear_when_the_level_is_removed(signed_in, coordinator, discussed):
    client = signed_in(coordinator)
    client.post(url(discussed, "quarter:assessment-positions"), positions_data(p1=("3.0", "Why")))
    assert AgreedPosition.objects.exists()
    client.post(url(discussed, "quarter:assessment-positions"), positions_data())
    assert not AgreedPosition.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (positions_data(p1=("3.0", "")), "Give the reason for the level agreed for principle 1"),
        (positions_data(p1=("", "A reason")), "Choose the level agreed for principle 1"),
        (positions_data(p1=("3.3", "Why")), "Choose a level from 1 to 5, in halves"),
    ],
)
def test_positions_bad_input_is_an_error_and_saves_nothing(
    signed_in, coordinator, discussed, data, message
):
    response = signed_in(coordinator).post(url(discussed, "quarter:assessment-positions"), data)
    assert message in response.content.decode()
    assert "nhsuk-error-summary" in response.content.decode()
    assert not AgreedPosition.objects.exists()


def test_positions_board_member_is_403(signed_in, board_member, assessment):
    response = signed_in(board_member).post(
        url(assessment, "quarter:assessment-positions"), positions_data()
    )
    forbidden(response)


# One meeting: dated once, on the cover sheet; the positions page and the paper read it


def pdf_and_word_text(assessment, by) -> tuple[str, str]:
    import docx

    pdf = PdfReader(io.BytesIO(paper_file(assessment=assessment, by=by).content))
    pdf_text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    word = docx.Document(
        io.BytesIO(paper_file(assessment=assessment, by=by, extension="docx").content)
    )
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return pdf_text, " ".join(" ".join([p.text for p in word.paragraphs] + cells).split())


def test_the_meeting_is_dated_once_and_read_by_the_positions_page_and_every_format(
    signed_in, coordinator, discussed
):
    client = signed_in(coordinator)
    page = client.get(url(discussed, "quarter:assessment-positions")).content.decode()
    assert "at its meeting on 26 November 2026, as the paper's cover sheet says" in page
    assert f'href="{url(discussed, "paper:cover-sheet")}">Change the meeting date' in page
    assert 'name="meeting_date' not in page  # typed once, on the cover sheet
    client.post(
        url(discussed, "quarter:assessment-positions"), positions_data(p1=("3.5", "Agreed"))
    )
    assert AuditEvent.objects.get(action="positions.recorded").detail["meeting_date"] == (
        "2026-11-26"
    )
    paper = client.get(url(discussed, "paper:paper")).content.decode()
    pdf_text, word_text = pdf_and_word_text(discussed, coordinator)
    for text in (paper, pdf_text, word_text):
        assert "Position agreed at the meeting on 26 November 2026" in text
        assert "Date of meeting" in text
        assert "26 November 2026" in text
    # Moved on the cover sheet, it moves everywhere.
    meeting_on(discussed, datetime.date(2026, 11, 27), coordinator)
    assert board_paper(discussed).meeting_date == "27 November 2026"
    assert board_paper(discussed).cover.meeting_date == "27 November 2026"
    page = client.get(url(discussed, "quarter:assessment-positions")).content.decode()
    assert "at its meeting on 27 November 2026" in page


def test_positions_need_the_meeting_date_from_the_cover_sheet(
    signed_in, coordinator, assessment, settings
):
    settings.MIN_RESPONSES = 1
    submitted_board(assessment, 1)
    assessment_close(assessment=assessment, by=coordinator)
    client = signed_in(coordinator)
    page = client.get(url(assessment, "quarter:assessment-positions")).content.decode()
    assert "does not give the date of the board meeting yet" in page
    assert (
        f'href="{url(assessment, "paper:cover-sheet")}">Enter the meeting date on the cover sheet'
        in page
    )
    response = client.post(
        url(assessment, "quarter:assessment-positions"), positions_data(p1=("3.0", "Typed reason"))
    )
    content = response.content.decode()
    message = (
        "Enter the date of the board meeting on the paper&#x27;s cover sheet before recording "
        "the board&#x27;s agreed position"
    )
    assert '<h2 class="nhsuk-error-summary__heading">There is a problem</h2>' in content
    assert f'<li><a href="#meeting">{message}</a></li>' in content  # to the meeting, on the page
    assert 'id="meeting"' in content
    assert "nhsuk-error-message" in content
    assert "Typed reason" in content  # nothing typed is lost
    assert not AgreedPosition.objects.exists()


def test_positions_wait_for_the_results_to_be_published(signed_in, coordinator, assessment):
    meeting_on(assessment, datetime.date(2026, 11, 1), coordinator)  # the quarter is open
    response = signed_in(coordinator).post(
        url(assessment, "quarter:assessment-positions"), positions_data(p1=("3.0", "Why"))
    )
    assert "they are published when the quarter closes" in response.content.decode()
    assert not AgreedPosition.objects.exists()


def test_positions_refused_from_a_meeting_before_the_results_were_published(
    signed_in, coordinator, assessment, settings
):
    settings.MIN_RESPONSES = 1
    submitted_board(assessment, 1)
    meeting_on(assessment, datetime.date(2026, 11, 14), coordinator)  # planned while open
    with on_day(PUBLISHED_ON):
        assessment_close(assessment=assessment, by=coordinator)
    response = signed_in(coordinator).post(
        url(assessment, "quarter:assessment-positions"), positions_data(p1=("3.0", "Why"))
    )
    assert (
        "The board meeting on 14 November 2026 was before these results were published on "
        "20 November 2026: correct the meeting date on the cover sheet"
    ) in response.content.decode()
    assert not AgreedPosition.objects.exists()
    with pytest.raises(AssessmentError, match="was before these results were published"):
        positions_record(
            assessment=assessment,
            positions={
                assessment.cycle.framework.principles.get(number=1): PositionInput(
                    Decimal("3.0"), "Why"
                )
            },
            by=coordinator,
        )


def test_positions_refused_from_a_meeting_still_to_come(signed_in, coordinator, discussed):
    with on_day(datetime.date(2026, 11, 23)):
        response = signed_in(coordinator).post(
            url(discussed, "quarter:assessment-positions"), positions_data(p1=("3.0", "Why"))
        )
    assert "The board meeting on 26 November 2026 has not happened yet" in (
        response.content.decode()
    )
    assert not AgreedPosition.objects.exists()


def test_the_cover_sheet_refuses_a_meeting_before_the_results_were_published(
    signed_in, coordinator, discussed
):
    data = {"meeting": "Trust board", "purpose": "assurance", "meeting_date": "2026-11-19"}
    response = signed_in(coordinator).post(url(discussed, "paper:cover-sheet"), data)
    content = response.content.decode()
    assert (
        "The meeting must be on or after 20 November 2026, when the results it discusses "
        "were published"
    ) in content
    assert 'href="#id_meeting_date_day"' in content
    assert discussed.cover_sheet.meeting_date == MEETING  # unchanged
    with pytest.raises(AssessmentError, match="on or after 20 November 2026"):
        meeting_on(discussed, datetime.date(2026, 11, 19), coordinator)


def test_the_cover_sheet_keeps_the_meeting_the_position_was_agreed_at(
    signed_in, coordinator, discussed
):
    client = signed_in(coordinator)
    client.post(url(discussed, "quarter:assessment-positions"), positions_data(p1=("3.0", "Why")))
    for day, message in [
        ("", "Enter the date of the meeting: the board&#x27;s agreed position is recorded from it"),
        ("2099-01-01", "so its date cannot be in the future"),
    ]:
        data = {"meeting": "Trust board", "purpose": "assurance", "meeting_date": day}
        assert message in client.post(url(discussed, "paper:cover-sheet"), data).content.decode()
    discussed.cover_sheet.refresh_from_db()
    assert discussed.cover_sheet.meeting_date == MEETING


# Action log


def action_data(**overrides):
    return {
        "title": "Appoint a head of product",
        "principle_number": "5",
        "owner": "Chief Digital Officer",
        "due_date": "2027-02-28",
        "status": "in_progress",
        "rag": "amber",
        "notes": "",
        **overrides,
    }


def test_action_added_and_changed_by_the_coordinator(signed_in, coordinator, trust, assessment):
    client = signed_in(coordinator)
    response = client.post(
        reverse("quarter:board-action-new", args=[trust.ods_code]), action_data()
    )
    assert response.url == reverse("quarter:board-actions", args=[trust.ods_code])
    action = BoardAction.objects.get()
    assert (action.principle_number, action.status, action.completed_on) == (5, "in_progress", None)
    with on_day(datetime.date(2027, 1, 5)):
        signed_in(coordinator).post(
            reverse("quarter:board-action-edit", args=[trust.ods_code, action.pk]),
            action_data(status="done"),
        )
    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("done", datetime.date(2027, 1, 5))
    client.post(
        reverse("quarter:board-action-edit", args=[trust.ods_code, action.pk]),
        action_data(status="in_progress"),
    )
    action.refresh_from_db()
    assert action.completed_on is None
    page = client.get(reverse("quarter:board-actions", args=[trust.ods_code])).content.decode()
    assert "Appoint a head of product" in page
    assert "5. Invest in a dedicated" in page
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="board_action")] == [
        "board_action.changed",
        "board_action.changed",
        "board_action.added",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter what the board agreed to do"),
        ({"owner": ""}, "Enter who owns the action"),
        ({"due_date": "2027-02-30"}, "Enter the due date as a real date"),
        ({"principle_number": "9"}, "Select a valid choice"),
        ({"status": "finished"}, "Select a valid choice"),
    ],
)
def test_action_bad_input_is_an_error_and_saves_nothing(
    signed_in, coordinator, trust, assessment, overrides, message
):
    response = signed_in(coordinator).post(
        reverse("quarter:board-action-new", args=[trust.ods_code]), action_data(**overrides)
    )
    assert message in response.content.decode()
    assert not BoardAction.objects.exists()


def test_action_of_another_trust_is_404(signed_in, coordinator, other_trust, framework):
    other = board_action_save(
        trust=other_trust,
        action=None,
        values=ActionInput(5, "Theirs", "Them", datetime.date(2027, 1, 1), "not_started", "green"),
        by=SETUP,
    )
    response = signed_in(coordinator).post(
        reverse(
            "quarter:board-action-edit",
            args=[coordinator.memberships.get().trust.ods_code, other.pk],
        ),
        action_data(),
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.title == "Theirs"


def test_action_log_board_member_is_403(signed_in, board_member, trust):
    forbidden(signed_in(board_member).get(reverse("quarter:board-actions", args=[trust.ods_code])))


def add_action(trust, title, due, status=ActionStatus.NOT_STARTED, by=SETUP):
    return board_action_save(
        trust=trust,
        action=None,
        values=ActionInput(1, title, "Owner", due, status, "red"),
        by=by,
    )


def test_paper_lists_overdue_open_and_finished_actions_and_carries_them_forward(
    assessment, coordinator, settings
):
    settings.MIN_RESPONSES = 1
    submitted_board(assessment, 1)
    trust = assessment.trust
    with on_day(datetime.date(2026, 11, 1)):
        add_action(trust, "Late thing", datetime.date(2026, 10, 15))
        add_action(trust, "Coming thing", datetime.date(2027, 3, 1))
        add_action(trust, "Old finished thing", datetime.date(2026, 6, 1), ActionStatus.DONE)
    BoardAction.objects.filter(title="Old finished thing").update(
        completed_on=datetime.date(2026, 9, 1)
    )
    with on_day(datetime.date(2026, 11, 1)):
        add_action(trust, "Just finished thing", datetime.date(2026, 10, 1), ActionStatus.DONE)
        log = board_paper(assessment).actions
    assert [a.title for a in log.overdue] == ["Late thing"]
    assert [a.title for a in log.open] == ["Coming thing"]
    assert [a.title for a in log.finished] == ["Just finished thing"]  # not last quarter's

    # The next quarter: the open actions come with it, without being entered again.
    next_cycle = quarter_of_year(assessment.cycle.framework, 2026, 4)
    following = assessment_open(trust=trust, cycle=next_cycle, by=coordinator)
    with on_day(datetime.date(2027, 1, 10)):
        log = board_paper(following).actions
    assert [a.title for a in log.overdue] == ["Late thing"]
    assert [a.title for a in log.open] == ["Coming thing"]
    assert log.finished == ()


def test_closed_paper_keeps_the_action_log_as_it_was_at_closing(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 1
    submitted_board(assessment, 1)
    action = add_action(assessment.trust, "Before closing", datetime.date(2027, 3, 1))
    assessment_close(assessment=assessment, by=coordinator)
    board_action_save(
        trust=assessment.trust,
        action=action,
        values=ActionInput(
            1, "Renamed after closing", "Owner", datetime.date(2027, 3, 1), "in_progress", "red"
        ),
        by=coordinator,
    )
    add_action(assessment.trust, "Added after closing", datetime.date(2027, 3, 1))
    assert [a.title for a in board_paper(assessment).actions.open] == ["Before closing"]


def test_paper_pdf_shows_the_new_sections(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 1
    submitted_board(assessment, 1, score=3)
    add_action(assessment.trust, "Appoint a head of product", datetime.date(2027, 3, 1))
    principle = assessment.cycle.framework.principles.get(number=1)
    with on_day(PUBLISHED_ON):
        assessment_close(assessment=assessment, by=coordinator)
    meeting_on(assessment, MEETING, coordinator)
    positions_record(
        assessment=assessment,
        positions={principle: PositionInput(Decimal("3.5"), "The board sees more progress")},
        by=coordinator,
    )
    reader = PdfReader(io.BytesIO(paper_file(assessment=assessment, by=coordinator).content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "The board's agreed position" in text
    assert "The board sees more progress" in text
    assert "Action log" in text
    assert "Appoint a head of product" in text
    assert "Executive and non-executive views" in text
    assert "Not shown: each group's scores appear only once" in text


# Executive and non-executive views


def answer_as(assessment, group, score):
    answer_everything(assessment, new_board_member(assessment.trust, group), score)


def test_group_scores_not_shown_when_one_group_is_below_the_minimum(
    assessment, coordinator, settings
):
    settings.MIN_RESPONSES = 2
    for _ in range(2):
        answer_as(assessment, SeatGroup.EXECUTIVE, 4)
    answer_as(assessment, SeatGroup.NON_EXECUTIVE, 2)
    paper = board_paper(assessment_close(assessment=assessment, by=coordinator))
    assert not paper.groups_shown
    assert paper.rows[0].executive == ""  # not even computed into the paper
    assert PrincipleResult.objects.filter(assessment=assessment).first().group_scores == {}


def test_group_scores_shown_when_both_groups_reach_the_minimum(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 2
    for score in (4, 4):
        answer_as(assessment, SeatGroup.EXECUTIVE, score)
    for score in (2, 3):
        answer_as(assessment, SeatGroup.NON_EXECUTIVE, score)
    paper = board_paper(assessment_close(assessment=assessment, by=coordinator))
    assert paper.groups_shown
    assert (paper.rows[0].executive, paper.rows[0].non_executive) == ("4.0", "2.5")


def test_group_scores_withheld_when_a_reopened_quarter_changes_one_group_by_too_few(
    assessment, coordinator, settings
):
    """Three late answers (two executive, one non-executive) make a new release, but the
    non-executive figure would move by one member's answers alone: it is left out."""
    settings.MIN_RESPONSES = 3
    for group in (SeatGroup.EXECUTIVE,) * 3 + (SeatGroup.NON_EXECUTIVE,) * 3:
        answer_as(assessment, group, 3)
    assert board_paper(assessment_close(assessment=assessment, by=coordinator)).groups_shown
    assessment_reopen(assessment=assessment, reason="Late answers", by=coordinator)
    for group in (SeatGroup.EXECUTIVE, SeatGroup.EXECUTIVE, SeatGroup.NON_EXECUTIVE):
        answer_as(assessment, group, 5)
    paper = board_paper(assessment_close(assessment=assessment, by=coordinator))
    assert paper.publication.number == 2
    assert paper.submitted == 9
    assert not paper.groups_shown


def test_group_scores_on_the_coordinators_page(signed_in, coordinator, assessment, settings):
    settings.MIN_RESPONSES = 1
    answer_as(assessment, SeatGroup.EXECUTIVE, 5)
    answer_as(assessment, SeatGroup.NON_EXECUTIVE, 1)
    assessment_close(assessment=assessment, by=coordinator)
    response = signed_in(coordinator).get(url(assessment, "quarter:assessment-detail"))
    first = response.context["results"].rows[0]
    assert (first.score, first.executive, first.non_executive) == ("3.0", "5.0", "1.0")
    assert "Non-executive" in response.content.decode()


# Audit trail


def test_audit_trail_shows_who_did_what_but_never_an_answer(
    signed_in, coordinator, assessment, board_member
):
    from assessments.questionnaire.actions import AnswerInput, answers_save
    from principles.models import Question

    question = Question.objects.filter(framework=assessment.cycle.framework).first()
    answers_save(
        assessment=assessment,
        respondent=board_member,
        answers={question: AnswerInput(score=2, comment="A private worry about procurement")},
        by=board_member,
    )
    answer_everything(assessment, board_member, score=4)
    assessment_close(assessment=assessment, by=coordinator)
    assessment_reopen(assessment=assessment, reason="Two members were away", by=coordinator)
    content = (
        signed_in(coordinator)
        .get(reverse("trusts:audit-trail", args=[assessment.trust.ods_code]))
        .content.decode()
    )
    assert "reopened the questionnaire (2026/27 Q3)" in content
    assert "reason: Two members were away" in content
    assert "submitted a response" in content
    assert "A private worry about procurement" not in content
    for event in AuditEvent.objects.all():
        assert "private worry" not in str(event.detail)
        assert "score" not in event.detail


def test_audit_trail_programme_staff_can_see_any_trust(signed_in, programme_staff, assessment):
    response = signed_in(programme_staff).get(
        reverse("trusts:audit-trail", args=[assessment.trust.ods_code])
    )
    assert "opened the questionnaire" in response.content.decode()


def test_audit_trail_board_member_is_403(signed_in, board_member, trust):
    forbidden(signed_in(board_member).get(reverse("trusts:audit-trail", args=[trust.ods_code])))


# Trends across framework versions


def test_trend_follows_question_keys_across_a_framework_change(
    framework, trust, coordinator, settings
):
    settings.MIN_RESPONSES = 1
    version_two = framework_load(spec=read_framework(shipped_framework_files()[1])).framework
    member = MembershipFactory(trust=trust, role=Role.BOARD_MEMBER).user
    q2 = quarter_of_year(framework, 2026, 2)
    q3 = quarter_of_year(version_two, 2026, 3)
    earlier = assessment_open(trust=trust, cycle=q2, by=coordinator)
    # Last quarter: 2 everywhere, but 5 on the question that version 2 replaces.
    answer_everything(earlier, member, lambda q: 5 if q.key == "p8.reprioritising" else 2)
    assessment_close(assessment=earlier, by=coordinator)
    later = assessment_open(trust=trust, cycle=q3, by=coordinator)
    # This quarter: 3 everywhere, and 1 on the replacing question.
    answer_everything(later, member, lambda q: 1 if q.key == "p8.portfolio-review" else 3)
    paper = board_paper(assessment_close(assessment=later, by=coordinator))
    rows = {row.number: row for row in paper.rows}
    # P3's reworded question keeps its key, so all three questions compare: 3 - 2.
    assert rows[3].trend == "+1.0"
    # P8 compares only the two questions asked both times (3 - 2), not 1 against 5.
    assert rows[8].trend == "+1.0"
    assert rows[8].score == "2.3"  # (3 + 3 + 1) / 3, all of this quarter's questions
    assert paper.framework_changed
    assert len(paper.trend_chart.changes) == 1


@pytest.mark.parametrize(
    "name",
    [
        "quarter:board-actions",
        "quarter:board-action-new",
        "trusts:audit-trail",
        "trusts:board-people",
    ],
)
def test_trust_pages_anonymous_redirect_to_sign_in(client, trust, name):
    response = client.get(reverse(name, args=[trust.ods_code]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_positions_anonymous_redirects_to_sign_in(client, assessment):
    response = client.post(
        url(assessment, "quarter:assessment-positions"), positions_data(p1=("3.0", "x"))
    )
    assert response.status_code == 302
    assert not AgreedPosition.objects.exists()


def test_action_names_a_principle_the_published_framework_has(trust, coordinator, framework):
    values = ActionInput(
        9, "Beyond the eight", "Them", datetime.date(2027, 1, 1), "not_started", ""
    )
    with pytest.raises(AssessmentError, match="No published framework has a principle 9"):
        board_action_save(trust=trust, action=None, values=values, by=coordinator)
    assert not BoardAction.objects.exists()
