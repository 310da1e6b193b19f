"""The coordinator's quarter as a checklist: reminders from the page, targets carried
forward, members' scores beside the agreed position, the NHS.UK date input and an
action's RAG worked out from its due date and status."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from assessments.models import ActionStatus, BoardAction, Reminder
from assessments.quarter.actions import assessment_close
from assessments.results import rules
from core.models import AuditEvent
from reports.models import CoverSheet
from tests.factories import AssessmentFactory, CycleFactory
from tests.helpers import answer_everything, new_board_member, set_targets, submitted_board


def url(assessment, name):
    return reverse(name, args=[assessment.trust.ods_code, assessment.cycle.slug])


def statuses(content: str) -> dict[str, str]:
    """Each task's heading and its status, from the quarter's task list."""
    found = re.findall(
        r'class="nhsuk-task-list__(?:link nhsuk-link|name-and-hint)"?[^>]*>\s*(?:<div>)?'
        r"([^<]+?)\s*</(?:a|div)>.*?id=\"quarter-[a-z]+-\d+-status\">\s*(?:<strong[^>]*>)?([^<]+?)\s*<",
        content,
        re.S,
    )
    return {html.unescape(heading): html.unescape(status) for heading, status in found}


def test_checklist_says_how_far_the_quarter_has_got(signed_in, coordinator, assessment):
    submitted_board(assessment, 2)
    new_board_member(assessment.trust)  # not started
    set_targets(assessment, coordinator, {1: "3.0", 2: "3.5"})
    content = (
        signed_in(coordinator).get(url(assessment, "quarter:assessment-detail")).content.decode()
    )
    tasks = statuses(content)
    assert tasks["Board members"] == "3 on the board"
    assert tasks["Set the board's targets"] == "2 of 8 set"
    assert tasks["Who has answered"] == "2 of 3 submitted"
    assert tasks["Remind those who have not answered"] == "1 not reminded today"
    assert tasks["Close the questionnaire"].startswith("Closes ")
    assert tasks["Record the board's agreed position"] == "Cannot start yet"
    assert tasks["See the draft board paper"] == "Draft until the questionnaire closes"
    assert f'href="{url(assessment, "quarter:assessment-remind")}"' in content
    assert f'href="{url(assessment, "quarter:assessment-positions")}"' not in content


def stages(content: str) -> list[str]:
    return [
        html.unescape(" ".join(re.sub("<[^>]+>", " ", h).split()))
        for h in re.findall(r"<h3>(.*?)</h3>", content, re.S)
    ]


def next_step(content: str) -> tuple[str, str] | None:
    found = re.search(r"What to do next: <a href=\"([^\"]+)\">([^<]+)</a>", content)
    return (html.unescape(found[2]), html.unescape(found[1])) if found else None


def test_checklist_after_close_asks_only_what_comes_next(signed_in, coordinator, assessment):
    submitted_board(assessment, 3)
    new_board_member(assessment.trust)  # never answered: nobody can remind them now
    assessment_close(assessment=assessment, by=coordinator)
    content = (
        signed_in(coordinator).get(url(assessment, "quarter:assessment-detail")).content.decode()
    )
    tasks = statuses(content)
    assert tasks["Close the questionnaire"].startswith("Closed ")
    assert tasks["Download the board paper"] == "Ready"
    assert "Remind those who have not answered" not in tasks
    assert f'href="{url(assessment, "quarter:assessment-remind")}"' not in content
    assert stages(content)[-1] == "After the questionnaire closes Now"
    after = content.split("After the questionnaire closes")[1]
    assert list(statuses(after)) == [
        "Fill in the paper's cover sheet",
        "Record the board's agreed position",
        "Update the action log",
        "Download the board paper",
    ]
    assert next_step(content) == (
        "Fill in the paper's cover sheet",
        url(assessment, "paper:cover-sheet"),
    )


def test_checklist_before_opening_offers_only_what_can_be_done(signed_in, coordinator):
    draft = AssessmentFactory(trust=coordinator.memberships.get().trust, status="draft")
    content = signed_in(coordinator).get(url(draft, "quarter:assessment-detail")).content.decode()
    tasks = statuses(content)
    assert stages(content)[0] == "Before the questionnaire opens Now"
    for waiting in ("Who has answered", "Remind those who have not answered"):
        assert tasks[waiting] == "Cannot start yet"
    for not_yet in (
        "quarter:assessment-remind",
        "quarter:assessment-close",
        "quarter:assessment-positions",
        "paper:paper",
    ):
        assert f'href="{url(draft, not_yet)}"' not in content
    # Nobody is on the board yet: that comes first.
    assert next_step(content) == ("Board members", reverse("trusts:board-people", args=["QAA"]))


def test_a_reopened_questionnaire_says_so_and_can_be_closed_again(
    signed_in, coordinator, assessment
):
    submitted_board(assessment, 3)
    assessment_close(assessment=assessment, by=coordinator)
    signed_in(coordinator).post(
        url(assessment, "quarter:assessment-reopen"), {"reason": "A late answer"}
    )
    content = (
        signed_in(coordinator).get(url(assessment, "quarter:assessment-detail")).content.decode()
    )
    assert "Open again" in content
    assert "Reopened: A late answer" in content
    assert "While the questionnaire is open again Now" in stages(content)
    assert f'href="{url(assessment, "quarter:assessment-close")}"' in content
    # Positions recorded after the first close are still there to see and change.
    assert f'href="{url(assessment, "quarter:assessment-positions")}"' in content


def test_closed_quarter_with_no_targets_does_not_call_them_done(signed_in, coordinator, assessment):
    submitted_board(assessment, 3)
    assessment_close(assessment=assessment, by=coordinator)
    content = (
        signed_in(coordinator).get(url(assessment, "quarter:assessment-detail")).content.decode()
    )
    assert statuses(content)["Set the board's targets"] == "0 of 8 set"
    assert '<strong class="nhsuk-tag nhsuk-tag--white">0 of 8 set</strong>' in content
    assert "Fixed once the questionnaire has closed." in content


# Reminders from the page


def test_remind_asks_first_naming_only_those_who_have_not_submitted(
    signed_in, coordinator, assessment
):
    submitted_board(assessment, 1)
    waiting = new_board_member(assessment.trust)
    started = new_board_member(assessment.trust)
    answer_everything(assessment, started, submit=False)
    page = signed_in(coordinator).get(url(assessment, "quarter:assessment-remind")).content.decode()
    assert "Remind those who have not answered?" in page
    names = re.findall(r"<li>([^<]+)</li>", page.split("Who will be emailed")[1])
    assert sorted(names) == sorted([waiting.full_name, started.full_name])
    assert mail.outbox == []


def test_remind_emails_each_once_a_day_and_audits_who_sent_it(
    signed_in, coordinator, assessment, django_capture_on_commit_callbacks
):
    submitted = submitted_board(assessment, 1)[0]
    waiting = [new_board_member(assessment.trust) for _ in range(2)]
    client = signed_in(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(assessment, "quarter:assessment-remind"), follow=True)
    assert "We emailed a reminder to 2 board members." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(w.email for w in waiting)
    assert submitted.email not in [m.to[0] for m in mail.outbox]
    events = AuditEvent.objects.filter(action="reminder.sent")
    assert {e.actor_id for e in events} == {coordinator.pk}
    assert events.count() == 2
    # Pressed again the same day: nobody is emailed twice.
    again = client.post(url(assessment, "quarter:assessment-remind"), follow=True)
    assert "Nobody needed a reminder" in again.content.decode()
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2
    assert client.get(url(assessment, "quarter:assessment-remind")).status_code == 302


def test_remind_a_closed_quarter_sends_nothing(signed_in, coordinator, assessment):
    new_board_member(assessment.trust)
    submitted_board(assessment, 3)
    assessment_close(assessment=assessment, by=coordinator)
    response = signed_in(coordinator).post(
        url(assessment, "quarter:assessment-remind"), follow=True
    )
    assert "Nobody can be reminded: the questionnaire is closed" in response.content.decode()
    assert mail.outbox == []


def test_remind_is_for_the_coordinator_of_that_trust_only(
    signed_in, coordinator, board_member, assessment, other_assessment
):
    assert (
        signed_in(coordinator).post(url(other_assessment, "quarter:assessment-remind")).status_code
        == 404
    )
    assert (
        signed_in(board_member).post(url(assessment, "quarter:assessment-remind")).status_code
        == 403
    )
    assert mail.outbox == []


# Targets carried forward


def test_targets_start_from_the_last_quarter_set(signed_in, coordinator, assessment, trust):
    earlier = AssessmentFactory(
        trust=trust,
        cycle=CycleFactory(year=2026, quarter=2, framework=assessment.cycle.framework),
    )
    set_targets(earlier, coordinator, {1: "3.5", 4: "4.0"})
    client = signed_in(coordinator)
    page = client.get(url(assessment, "quarter:assessment-targets")).content.decode()
    assert "starts from the board's targets for 2026/27 Q2" in page
    assert re.search(r'<option value="3.5" selected>', page)
    assert re.search(r'<option value="4.0" selected>', page)
    assert not assessment.targets.exists()  # nothing is set until the coordinator saves
    set_targets(assessment, coordinator, {1: "2.0"})
    page = client.get(url(assessment, "quarter:assessment-targets")).content.decode()
    assert "This page starts from" not in page
    assert re.search(r'<option value="2.0" selected>', page)
    assert not re.search(r'<option value="3.5" selected>', page)


def test_targets_of_a_later_quarter_are_never_carried_back(
    signed_in, coordinator, assessment, trust
):
    later = AssessmentFactory(
        trust=trust, cycle=CycleFactory(year=2026, quarter=4, framework=assessment.cycle.framework)
    )
    set_targets(later, coordinator, {1: "3.5"})
    page = (
        signed_in(coordinator).get(url(assessment, "quarter:assessment-targets")).content.decode()
    )
    assert "This page starts from" not in page


# Members' scores beside the agreed position


def test_positions_form_shows_the_members_score_beside_each_principle(
    signed_in, coordinator, assessment
):
    submitted_board(assessment, 3, score=4)
    assessment_close(assessment=assessment, by=coordinator)
    page = (
        signed_in(coordinator).get(url(assessment, "quarter:assessment-positions")).content.decode()
    )
    assert page.count("The board members&#x27; score: 4.0") == 8


def test_positions_form_shows_no_score_below_the_minimum(signed_in, coordinator, assessment):
    submitted_board(assessment, 2, score=4)
    assessment_close(assessment=assessment, by=coordinator)
    page = (
        signed_in(coordinator).get(url(assessment, "quarter:assessment-positions")).content.decode()
    )
    assert "The board members&#x27; score" not in page
    assert "2 of 2 board members had submitted when the results were published on " in page
    assert "figures are shown only from at least 3, so that no one&#x27;s answers" in page


# The NHS.UK date input


def test_meeting_date_typed_as_day_month_year_is_saved(signed_in, coordinator, assessment):
    # The one meeting date is typed on the cover sheet; the positions page reads it.
    client = signed_in(coordinator)
    page = client.get(url(assessment, "paper:cover-sheet")).content.decode()
    assert 'type="date"' not in page
    for part in ("day", "month", "year"):
        assert f'name="meeting_date_{part}"' in page
    data = {"meeting_date_day": "20", "meeting_date_month": "11", "meeting_date_year": "2026"}
    data |= {"meeting": "Trust board", "purpose": "assurance"}
    response = client.post(url(assessment, "paper:cover-sheet"), data)
    assert response.status_code == 302
    assert CoverSheet.objects.get().meeting_date == datetime.date(2026, 11, 20)
    positions = client.get(url(assessment, "quarter:assessment-positions")).content.decode()
    assert "at its meeting on 20 November 2026" in positions


@pytest.mark.parametrize(
    ("day", "month", "year"), [("31", "2", "2027"), ("20", "", "2026"), ("20", "11", "26")]
)
def test_a_date_that_is_not_whole_is_an_error_shown_back_as_typed(
    signed_in, coordinator, assessment, day, month, year
):
    data = {"meeting_date_day": day, "meeting_date_month": month, "meeting_date_year": year}
    data |= {"meeting": "Trust board", "purpose": "assurance"}
    response = signed_in(coordinator).post(url(assessment, "paper:cover-sheet"), data)
    content = response.content.decode()
    assert "Enter the date of the meeting as a real date" in content
    assert 'href="#id_meeting_date_day"' in content  # the summary links to the first box
    assert f'name="meeting_date_year" type="text" inputmode="numeric" value="{year}"' in content
    assert not CoverSheet.objects.exists()


# An action's RAG


TODAY = datetime.date(2027, 1, 10)


@pytest.mark.parametrize(
    ("status", "due", "chosen", "expected"),
    [
        (ActionStatus.IN_PROGRESS, datetime.date(2027, 1, 9), "", rules.Rag.RED),
        (ActionStatus.NOT_STARTED, datetime.date(2027, 2, 7), "", rules.Rag.AMBER),  # 28 days
        (ActionStatus.NOT_STARTED, datetime.date(2027, 2, 8), "", rules.Rag.GREEN),
        (ActionStatus.IN_PROGRESS, datetime.date(2027, 1, 10), "", rules.Rag.GREEN),
        (ActionStatus.DONE, datetime.date(2026, 1, 1), "", rules.Rag.GREEN),
        (ActionStatus.DROPPED, datetime.date(2026, 1, 1), "", None),
        (ActionStatus.IN_PROGRESS, datetime.date(2026, 1, 1), "green", rules.Rag.GREEN),
    ],
)
def test_action_rag_is_worked_out_unless_the_board_chose_one(status, due, chosen, expected):
    assert rules.action_rag(status=status, due=due, chosen=chosen, today=TODAY) == expected


def test_a_new_overdue_action_shows_red_not_green(signed_in, coordinator, trust, assessment):
    client = signed_in(coordinator)
    form = client.get(reverse("quarter:board-action-new", args=[trust.ods_code])).content.decode()
    assert re.search(r'value=""[^>]*checked', form)  # worked out, unless the board chooses
    data = {
        "title": "Publish the digital strategy",
        "principle_number": "2",
        "owner": "Chief Digital Officer",
        "due_date": "2020-01-31",
        "status": "in_progress",
        "rag": "",
    }
    assert (
        client.post(reverse("quarter:board-action-new", args=[trust.ods_code]), data).status_code
        == 302
    )
    assert BoardAction.objects.get().rag == ""
    page = client.get(reverse("quarter:board-actions", args=[trust.ods_code])).content.decode()
    assert re.search(r'nhsuk-tag--red">Red</strong><span[^>]*>from the due date', page)
    assert (
        statuses(client.get(url(assessment, "quarter:assessment-detail")).content.decode())[
            "Update the action log"
        ]
        == "1 overdue"
    )


def test_targets_carried_forward_keep_their_exact_levels(coordinator, assessment, trust):
    from assessments.quarter.selectors import targets_to_start_from

    earlier = AssessmentFactory(
        trust=trust, cycle=CycleFactory(year=2025, quarter=4, framework=assessment.cycle.framework)
    )
    set_targets(earlier, coordinator, {8: "4.5"})
    targets, carried_from = targets_to_start_from(assessment)
    assert carried_from == earlier.cycle
    assert [t.level for t in targets.values()] == [Decimal("4.5")]
