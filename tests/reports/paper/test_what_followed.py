"""The paper's "Actions and what followed": each principle's completed actions beside the
change in its score, by the paper's own noise rule, never as cause and effect."""

import dataclasses
import datetime
import io

import docx
import pytest
import time_machine
from django.template.loader import render_to_string

from assessments.models import (
    ActionStatus,
    Assessment,
    OverallResult,
    PrincipleResult,
    Release,
)
from assessments.quarter.actions import assessment_close, assessment_open, assessment_reopen
from assessments.quarter.decisions import ActionInput, board_action_save
from reports.models import FrozenPaper, PaperVersion
from reports.paper.actions import paper_file
from reports.paper.followed import NOT_A_CAUSE
from reports.paper.presenters import board_paper
from reports.paper.word import paper_docx
from tests.helpers import answer_everything, new_board_member, quarter_of_year
from trusts.models import Role


def act(trust, coordinator, principle: int, title: str, status=ActionStatus.IN_PROGRESS):
    values = ActionInput(
        title=title,
        principle_number=principle,
        owner="Chief digital officer",
        due_date=datetime.date(2027, 3, 31),
        status=ActionStatus.IN_PROGRESS,
        rag="",
    )
    action = board_action_save(trust=trust, action=None, values=values, by=coordinator)
    if status != ActionStatus.IN_PROGRESS:
        finished = dataclasses.replace(values, status=status)
        board_action_save(trust=trust, action=action, values=finished, by=coordinator)
    return action


def at(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(f"{day}T10:00:00+00:00"))


@pytest.fixture
def two_quarters(assessment, coordinator):
    """A 2026/27 Q2 where every member scored 2, closed on 20 September 2026 (before Q3
    opened on 1 October), then ``assessment`` (2026/27 Q3), open, where principle 1 is
    scored 4 by all and the rest 2, by three members."""
    trust = assessment.trust
    members = [new_board_member(trust) for _ in range(3)]
    earlier = assessment_open(
        trust=trust, cycle=quarter_of_year(assessment.cycle.framework, 2026, 2), by=coordinator
    )
    for member in members:
        answer_everything(earlier, member, 2)
    with at("2026-09-20"):
        assessment_close(assessment=earlier, by=coordinator)
    for member in members:
        answer_everything(assessment, member, lambda q: 4 if q.principle.number == 1 else 2)
    return assessment


def followed(paper):
    return {principle.number: principle for principle in paper.what_followed.principles}


def test_completed_actions_sit_beside_each_principles_change_with_the_noise_rule(
    two_quarters, coordinator
):
    trust = two_quarters.trust
    with at("2026-11-03"):
        act(trust, coordinator, 1, "Publish the digital strategy", ActionStatus.DONE)
    act(trust, coordinator, 2, "Buy a new intranet", ActionStatus.DROPPED)
    act(trust, coordinator, 3, "Still going")
    assessment_close(assessment=two_quarters, by=coordinator)

    paper = board_paper(two_quarters)
    rows = {row.number: row for row in paper.rows}
    by_number = followed(paper)

    assert [(a.title, a.completed) for a in by_number[1].completed] == [
        ("Publish the digital strategy", "3 November 2026")
    ]
    assert by_number[1].change == rows[1].trend_text == "Up 2.0 since 2026/27 Q2"
    # Every principle is listed, with or without an action: the table picks nothing.
    assert sorted(by_number) == list(range(1, 9))
    assert by_number[2].completed == ()  # dropped is not completed
    assert by_number[3].completed == ()  # still open
    assert by_number[2].change == "No clear change since 2026/27 Q2"
    assert paper.what_followed.since == "20 September 2026"  # Q2's results were published


def test_an_action_completed_between_last_quarters_results_and_this_quarters_opening_is_counted(
    two_quarters, coordinator
):
    """The change is measured from 2026/27 Q2's results (20 September), so the actions are
    too, though this quarter opened on 1 October; the action log keeps to this quarter."""
    trust = two_quarters.trust
    with at("2026-09-25"):
        act(trust, coordinator, 1, "Hire a chief clinical information officer", ActionStatus.DONE)
    with at("2026-09-10"):  # before Q2's results: counted in Q2's paper, not here
        act(trust, coordinator, 1, "Write the business case", ActionStatus.DONE)
    with at("2026-12-10"):
        assessment_close(assessment=two_quarters, by=coordinator)
    paper = board_paper(two_quarters)
    assert [a.title for a in followed(paper)[1].completed] == [
        "Hire a chief clinical information officer"
    ]
    assert paper.actions.finished == ()  # done before this quarter opened


def test_a_skipped_quarter_moves_the_start_of_both_columns_back(two_quarters, coordinator):
    """With 2026/27 Q2 below the minimum, the change is since Q1, and so are the actions."""
    trust = two_quarters.trust
    q1 = assessment_open(
        trust=trust, cycle=quarter_of_year(two_quarters.cycle.framework, 2026, 1), by=coordinator
    )
    for membership in trust.memberships.filter(role=Role.BOARD_MEMBER):
        answer_everything(q1, membership.user, 2)
    with at("2026-06-30"):
        assessment_close(assessment=q1, by=coordinator)
    # Q2 (closed in the fixture) published figures; make it one that did not.
    q2 = {"assessment__trust": trust, "assessment__cycle__quarter": 2}
    PrincipleResult.objects.filter(**q2).update(respondents=1)
    OverallResult.objects.filter(**q2).update(respondents=1)
    Release.objects.filter(**q2).update(figures_shown=False)
    with at("2026-08-01"):
        act(trust, coordinator, 3, "Open the data platform", ActionStatus.DONE)
    with at("2026-12-10"):
        assessment_close(assessment=two_quarters, by=coordinator)
    paper = board_paper(two_quarters)
    assert followed(paper)[3].change.endswith("since 2026/27 Q1")
    assert [a.title for a in followed(paper)[3].completed] == ["Open the data platform"]
    assert paper.what_followed.since == "30 June 2026"  # Q1's results were published


def test_the_section_never_words_a_change_as_caused_by_an_action(two_quarters, coordinator):
    assessment_close(assessment=two_quarters, by=coordinator)
    paper = board_paper(two_quarters)
    assert paper.what_followed.not_a_cause == NOT_A_CAUSE
    assert "does not show that an action caused a change" in NOT_A_CAUSE
    html = render_to_string("paper/content.html", {"paper": paper, "on_screen": True})
    section = html[
        html.index('id="followed-title"') : html.index(
            "</section>", html.index('id="followed-title"')
        )
    ]
    assert NOT_A_CAUSE in section
    for claim in ("because", "due to", "led to", "thanks to", "as a result", "improved by"):
        assert claim not in section.replace(NOT_A_CAUSE, "").lower()


def test_a_draft_or_a_paper_without_figures_has_no_such_section(
    two_quarters, coordinator, settings
):
    assert board_paper(two_quarters).what_followed is None  # open: a draft
    trust = two_quarters.trust
    cycle = quarter_of_year(two_quarters.cycle.framework, 2026, 4)
    later = assessment_open(trust=trust, cycle=cycle, by=coordinator)
    member = trust.memberships.filter(role=Role.BOARD_MEMBER).first().user
    answer_everything(later, member, 3)  # one response: below the minimum
    assessment_close(assessment=later, by=coordinator)
    assert board_paper(later).what_followed is None


def test_the_page_pdf_and_word_file_show_it(two_quarters, coordinator):
    act(two_quarters.trust, coordinator, 4, "Train the board in data", ActionStatus.DONE)
    assessment_close(assessment=two_quarters, by=coordinator)
    paper = board_paper(two_quarters)
    html = render_to_string("paper/content.html", {"paper": paper, "on_screen": True})
    assert "Actions and what followed" in html
    assert "Train the board in data (Chief digital officer, completed" in html
    document = docx.Document(io.BytesIO(paper_docx(paper)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any(text.startswith("Train the board in data (Chief digital officer") for text in cells)
    assert "Change in score" in cells


def test_a_paper_versioned_before_the_section_was_kept_says_it_gained_it(two_quarters, coordinator):
    with at("2026-12-10"):
        assessment_close(assessment=two_quarters, by=coordinator)
    paper_file(assessment=two_quarters, by=coordinator)
    first = PaperVersion.objects.get()
    first.parts.pop("what_followed")
    first.fingerprint = "made before the section was kept"
    first.save()
    FrozenPaper.objects.update(fingerprint=first.fingerprint, inputs_key="")
    paper_file(assessment=two_quarters, by=coordinator)
    assert PaperVersion.objects.get(number=2).changes == [
        "the actions completed, beside what followed"
    ]


def test_the_start_is_kept_at_close_so_a_later_reclose_of_the_compared_quarter_moves_nothing(
    two_quarters, coordinator
):
    trust = two_quarters.trust
    with at("2026-09-25"):
        act(trust, coordinator, 1, "Hire a chief clinical information officer", ActionStatus.DONE)
    with at("2026-12-10"):
        assessment_close(assessment=two_quarters, by=coordinator)
    q2 = trust.assessments.get(cycle__quarter=2)
    with at("2026-12-16"):
        assessment_reopen(assessment=q2, reason="A late answer", by=coordinator)
        assessment_close(assessment=q2, by=coordinator)
    paper = board_paper(two_quarters)
    assert paper.what_followed.since == "20 September 2026"
    assert [a.title for a in followed(paper)[1].completed] == [
        "Hire a chief clinical information officer"
    ]


def test_a_quarter_closed_before_the_start_was_kept_counts_from_its_opening(
    two_quarters, coordinator
):
    """Its log was kept from the day it opened, so that is what the section says."""
    with at("2026-12-10"):
        assessment_close(assessment=two_quarters, by=coordinator)
    Assessment.objects.filter(pk=two_quarters.pk).update(action_log_since=None)
    two_quarters.refresh_from_db()
    assert board_paper(two_quarters).what_followed.since == "1 October 2026"
