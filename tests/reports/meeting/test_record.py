"""Recording the board's decisions as the meeting takes them, from each principle's page:
the level agreed and why, any dissent the board asks to minute, and new actions. Each is
saved when sent; a mistake is shown back with what was typed and saves nothing."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import AgreedPosition, BoardAction
from assessments.quarter.actions import assessment_close, assessment_reopen
from core.models import AuditEvent
from reports.paper.actions import cover_sheet_save
from tests.helpers import new_board_member, on_day, submitted_board
from tests.pages import forbidden, not_found

PUBLISHED_ON = datetime.date(2026, 11, 20)
MEETING = datetime.date(2026, 11, 26)


def page_url(assessment, number=2):
    args = [assessment.trust.ods_code, assessment.cycle.slug, number]
    return reverse("meeting:present-principle", args=args)


def decision(level="3.5", rationale="Most teams test with users.", dissent=""):
    return {
        "form": "decision",
        "decision-level": level,
        "decision-rationale": rationale,
        "decision-dissent": dissent,
    }


def new_action(title="Publish the user research plan", due=("31", "3", "2027")):
    day, month, year = due
    return {
        "form": "action",
        "action-title": title,
        "action-owner": "Chief Digital Officer",
        "action-due_date_day": day,
        "action-due_date_month": month,
        "action-due_date_year": year,
    }


@pytest.fixture
def in_the_meeting(assessment, coordinator):
    """Closed on PUBLISHED_ON with three members' results; the meeting on the cover sheet."""
    submitted_board(assessment, 3, score=3)
    with on_day(PUBLISHED_ON):
        assessment_close(assessment=assessment, by=coordinator)
    cover_sheet_save(
        assessment=assessment,
        values={"meeting": "Trust board", "meeting_date": MEETING, "purpose": "assurance"},
        by=coordinator,
    )
    return assessment


def test_the_decision_and_the_dissent_are_saved_from_the_principles_page(
    signed_in, coordinator, in_the_meeting
):
    client = signed_in(coordinator)
    sent = decision(dissent="One member asked that their doubt about the pace be minuted.")
    with on_day(MEETING):
        response = client.post(page_url(in_the_meeting), sent)
    assert response.status_code == 302
    assert response.url == f"{page_url(in_the_meeting)}#decision"
    position = AgreedPosition.objects.get(assessment=in_the_meeting, principle__number=2)
    assert (position.level, position.rationale, position.dissent) == (
        3.5,
        "Most teams test with users.",
        "One member asked that their doubt about the pace be minuted.",
    )
    assert AuditEvent.objects.get(action="positions.recorded").detail["principles"] == [2]
    page = client.get(page_url(in_the_meeting)).content.decode()
    assert "The board&#x27;s decision on principle 2 is saved." in page
    assert "Dissent minuted: One member asked" in page


def test_a_decision_without_its_reason_is_refused_and_shown_back(
    signed_in, coordinator, in_the_meeting
):
    client = signed_in(coordinator)
    with on_day(MEETING):
        response = client.post(
            page_url(in_the_meeting), decision(rationale="", dissent="Typed in the room.")
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page
    assert "Give the reason for the level the board agreed" in page
    assert "Typed in the room." in page
    assert "<title>Error: " in page
    assert not AgreedPosition.objects.exists()


def test_a_decision_needs_the_meeting_date_on_the_cover_sheet(signed_in, coordinator, assessment):
    submitted_board(assessment, 3, score=3)
    assessment_close(assessment=assessment, by=coordinator)
    response = signed_in(coordinator).post(page_url(assessment), decision())
    page = response.content.decode()
    assert "Enter the date of the board meeting on the paper&#x27;s cover sheet" in page
    assert not AgreedPosition.objects.exists()


def test_an_action_is_added_against_the_principle_and_shown_on_its_page(
    signed_in, coordinator, in_the_meeting
):
    client = signed_in(coordinator)
    with on_day(MEETING):
        response = client.post(page_url(in_the_meeting), new_action())
        assert response.url == f"{page_url(in_the_meeting)}#new-action"
        page = client.get(page_url(in_the_meeting)).content.decode()
    action = BoardAction.objects.get()
    assert (action.principle_number, action.owner, action.due_date) == (
        2,
        "Chief Digital Officer",
        datetime.date(2027, 3, 31),
    )
    assert "Publish the user research plan (Chief Digital Officer, due 31 March 2027)" in page
    # The last page of the meeting lists what it proposed.
    args = [in_the_meeting.trust.ods_code, in_the_meeting.cycle.slug]
    last = client.get(reverse("meeting:present-actions", args=args)).content.decode()
    assert "Publish the user research plan (principle 2; Chief Digital Officer" in last


def test_an_action_with_a_date_that_is_not_real_is_refused_and_adds_nothing(
    signed_in, coordinator, in_the_meeting
):
    response = signed_in(coordinator).post(
        page_url(in_the_meeting), new_action(due=("31", "2", "2027"))
    )
    page = response.content.decode()
    assert "Enter the due date as a real date" in page
    assert "Publish the user research plan" in page
    assert not BoardAction.objects.exists()


def test_only_the_digital_lead_records_and_another_trusts_page_is_a_404(
    signed_in, board_member, in_the_meeting, other_trust
):
    forbidden(signed_in(board_member).post(page_url(in_the_meeting), decision()))
    outsider = new_board_member(other_trust)
    not_found(signed_in(outsider).post(page_url(in_the_meeting), decision()))
    assert not AgreedPosition.objects.exists()


def test_saving_the_agreed_position_page_keeps_the_dissent_minuted(
    signed_in, coordinator, in_the_meeting
):
    client = signed_in(coordinator)
    with on_day(MEETING):
        client.post(page_url(in_the_meeting), decision(dissent="Minuted at the member's request."))
        positions = reverse(
            "quarter:assessment-positions",
            args=[in_the_meeting.trust.ods_code, in_the_meeting.cycle.slug],
        )
        client.post(positions, {"level-2": "4.0", "rationale-2": "Agreed again, higher."})
    position = AgreedPosition.objects.get(principle__number=2)
    assert (position.level, position.dissent) == (4, "Minuted at the member's request.")


def test_not_recorded_with_nothing_typed_clears_a_decision_and_says_so(
    signed_in, coordinator, in_the_meeting
):
    client = signed_in(coordinator)
    with on_day(MEETING):
        client.post(page_url(in_the_meeting), decision())
        client.post(page_url(in_the_meeting), decision(level="", rationale=""))
        page = client.get(page_url(in_the_meeting)).content.decode()
    assert not AgreedPosition.objects.exists()
    assert "The board&#x27;s decision on principle 2 is cleared." in page
    cleared = AuditEvent.objects.filter(action="positions.recorded").order_by("pk").last()
    assert cleared.detail["cleared"] == [2]


def test_not_recorded_when_nothing_was_changes_nothing_and_audits_nothing(
    signed_in, coordinator, in_the_meeting
):
    client = signed_in(coordinator)
    response = client.post(page_url(in_the_meeting), decision(level="", rationale=""))
    assert "Nothing was recorded for principle 2" in client.get(response.url).content.decode()
    assert not AuditEvent.objects.filter(action="positions.recorded").exists()


def test_a_form_the_page_does_not_have_saves_nothing_and_says_so(
    signed_in, coordinator, in_the_meeting
):
    client = signed_in(coordinator)
    response = client.post(page_url(in_the_meeting), {"form": "vote", "decision-level": "3.0"})
    assert (
        "not one of this page&#x27;s forms: nothing was saved"
        in client.get(response.url).content.decode()
    )
    assert not AgreedPosition.objects.exists()


def test_sent_after_the_quarter_was_reopened_what_was_typed_comes_back(
    signed_in, coordinator, in_the_meeting
):
    assessment_reopen(assessment=in_the_meeting, reason="A late answer", by=coordinator)
    sent = decision(rationale="The reason typed in the room.")
    page = signed_in(coordinator).post(page_url(in_the_meeting), sent).content.decode()
    assert "Nothing you sent was saved." in page
    assert "The reason typed in the room." in page
    assert not AgreedPosition.objects.exists()
