"""Presenting a closed quarter in the board meeting: an overview, a page per principle,
the actions; every figure the paper's, under the same disclosure rule; the digital lead's
to open; a link (and a key) from each page to the next."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments.quarter.actions import assessment_close, assessment_reopen
from assessments.quarter.decisions import ActionInput, board_action_save
from reports.paper.presenters import board_paper
from tests.factories import MembershipFactory
from tests.helpers import answer_everything, set_targets, submitted_board
from tests.pages import forbidden, not_found
from trusts.models import Role

# A principle's page, whatever the action log holds: session, user, memberships, trust and
# assessment (5); its recorded position, the meeting date and the release a decision needs
# (3); the paper's inputs, read in a fixed number of queries with its closed room votes,
# and the actions added for the meeting (9); the principle's room vote, open or not (1).
# The roadmap to the targets among the paper's inputs (one more).
# The evidence behind the agreed positions among the paper's inputs (one more).
QUERIES = 20


def present_url(assessment, name="present", *args):
    return reverse(
        f"meeting:{name}", args=[assessment.trust.ods_code, assessment.cycle.slug, *args]
    )


@pytest.fixture
def closed(assessment, coordinator, board_member):
    """Five answered: Bea 5 everywhere with a comment on each, four others 2; targets of 4."""
    set_targets(assessment, coordinator, dict.fromkeys(range(1, 9), "4"))
    answer_everything(assessment, board_member, 5)
    submitted_board(assessment, 4, score=2)
    assessment_close(assessment=assessment, by=coordinator)
    return assessment


def test_the_overview_shows_the_papers_overall_score_gaps_and_response(
    signed_in, coordinator, closed
):
    content = signed_in(coordinator).get(present_url(closed)).content.decode()
    paper = board_paper(closed)
    assert "<h1>The board's results</h1>" in content
    assert f"<strong>{paper.overall}</strong> out of 5" in content
    assert paper.submissions.words in content
    for row in paper.priorities:
        assert (
            f"{row.number}. {escape(row.title)}: {row.score} against a target of {row.target}"
            in content
        )
    assert "Page 1 of 10" in content


def test_each_principle_page_shows_the_papers_figures_for_it(signed_in, coordinator, closed):
    client = signed_in(coordinator)
    paper = board_paper(closed)
    for row, section in zip(paper.rows, paper.appendix, strict=True):
        content = client.get(present_url(closed, "present-principle", row.number)).content
        content = content.decode()
        assert f"<h1>{row.number}. {escape(row.title)}</h1>" in content
        assert f"<strong>{row.score}</strong> out of 5" in content
        means = re.findall(r'numeric">([\d.–]+)(?: \([^)]*\))?</td></tr>', content)
        assert means == [question.mean for question in section.questions]
        assert f"Page {row.number + 1} of 10" in content


def test_the_pages_link_in_order_for_the_keys_to_follow(signed_in, coordinator, closed):
    client = signed_in(coordinator)
    pages = [
        present_url(closed),
        *(present_url(closed, "present-principle", n) for n in range(1, 9)),
        present_url(closed, "present-actions"),
    ]
    for index, url in enumerate(pages):
        content = client.get(url).content.decode()
        assert "data-qd-present" in content
        nexts = re.findall(r'href="([^"]+)" rel="next"', content)
        assert nexts == ([pages[index + 1]] if index + 1 < len(pages) else [])
        previous = re.findall(r'href="([^"]+)" rel="prev"', content)
        assert previous == ([pages[index - 1]] if index else [])
        assert f'href="{pages[0]}" data-qd-key="first"' in content
        assert f'href="{pages[-1]}" data-qd-key="last"' in content


def test_the_actions_page_lists_the_open_actions_and_each_principle_its_own(
    signed_in, coordinator, trust, assessment, board_member
):
    board_action_save(
        trust=trust,
        action=None,
        values=ActionInput(
            title="Publish the digital strategy",
            principle_number=2,
            owner="Chief digital officer",
            due_date=datetime.date(2027, 3, 31),
            status="in_progress",
            rag="",
        ),
        by=coordinator,
    )
    answer_everything(assessment, board_member, 3)
    submitted_board(assessment, 2, score=3)
    assessment_close(assessment=assessment, by=coordinator)
    client = signed_in(coordinator)
    assert (
        "Publish the digital strategy"
        in client.get(present_url(assessment, "present-actions")).content.decode()
    )
    assert (
        "Publish the digital strategy"
        in client.get(present_url(assessment, "present-principle", 2)).content.decode()
    )
    assert (
        "No open action against this principle"
        in client.get(present_url(assessment, "present-principle", 3)).content.decode()
    )


def test_below_the_minimum_the_meeting_shows_no_figure(
    signed_in, coordinator, assessment, board_member
):
    answer_everything(assessment, board_member, 4)
    assessment_close(assessment=assessment, by=coordinator)
    content = signed_in(coordinator).get(present_url(assessment)).content.decode()
    assert "so there are no results to show" in content
    assert not re.search(r"\d\.\d", content.split("<main")[1])


def test_before_close_it_says_when_the_results_can_be_presented(
    signed_in, coordinator, assessment, board_member
):
    submitted_board(assessment, 3, score=4)
    content = signed_in(coordinator).get(present_url(assessment)).content.decode()
    assert "once the questionnaire has closed" in content
    assert not re.search(r"\d\.\d", content.split("<main")[1])


def test_reopened_it_waits_for_the_next_close(signed_in, coordinator, closed):
    assessment_reopen(assessment=closed, reason="A late answer", by=coordinator)
    client = signed_in(coordinator)
    for url in (present_url(closed), present_url(closed, "present-principle", 1)):
        content = client.get(url).content.decode()
        assert "once the questionnaire has closed" in content
        assert not re.search(r"\d\.\d", content.split("<main")[1])


@pytest.mark.parametrize("actions", [0, 6])
def test_a_meeting_page_reads_a_fixed_number_of_queries(
    signed_in, coordinator, trust, closed, actions, django_assert_num_queries
):
    for number in range(actions):
        board_action_save(
            trust=trust,
            action=None,
            values=ActionInput(
                title=f"Action {number}",
                principle_number=number % 8 + 1,
                owner="Chief digital officer",
                due_date=datetime.date(2027, 3, 31),
                status="in_progress",
                rag="",
            ),
            by=coordinator,
        )
    client = signed_in(coordinator)
    client.get(present_url(closed, "present-principle", 2))  # warm the framework's content
    with django_assert_num_queries(QUERIES):
        client.get(present_url(closed, "present-principle", 2))


def test_only_the_digital_lead_opens_it_and_another_trusts_is_a_404(
    signed_in, board_member, programme_staff, closed, other_trust
):
    forbidden(signed_in(board_member).get(present_url(closed)))
    forbidden(signed_in(programme_staff).get(present_url(closed)))
    other_lead = MembershipFactory(trust=other_trust, role=Role.COORDINATOR, seat_group="").user
    not_found(signed_in(other_lead).get(present_url(closed)))
    not_found(signed_in(other_lead).get(present_url(closed, "present-principle", 1)))


def test_a_principle_that_does_not_exist_is_a_404(signed_in, coordinator, closed):
    not_found(signed_in(coordinator).get(present_url(closed, "present-principle", 9)))


def test_the_quarters_page_offers_it_once_closed(signed_in, coordinator, closed):
    page = signed_in(coordinator).get(
        reverse("quarter:assessment-detail", args=[closed.trust.ods_code, closed.cycle.slug])
    )
    assert f'href="{present_url(closed)}"' in page.content.decode()
