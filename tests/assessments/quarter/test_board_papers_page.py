"""Every board paper a member's boards have published stays one click from their home
page after the next quarter opens, and the papers page lists them all."""

from django.urls import reverse

from assessments.quarter.actions import assessment_close, assessment_open
from tests.factories import MembershipFactory
from tests.helpers import quarter_of_year, submitted_board
from tests.pages import page_headed, to_sign_in
from trusts.models import Role


def close_and_open_next(assessment, coordinator, framework):
    submitted_board(assessment, 3)
    closed = assessment_close(assessment=assessment, by=coordinator)
    following = quarter_of_year(framework, 2026, 4)
    return closed, assessment_open(trust=assessment.trust, cycle=following, by=coordinator)


def test_after_the_next_quarter_opens_the_home_page_links_last_quarters_paper(
    signed_in, board_member, assessment, coordinator, framework
):
    closed, _ = close_and_open_next(assessment, coordinator, framework)
    home = signed_in(board_member).get(reverse("quarter:home")).content.decode()
    paper = reverse("paper:paper", args=[closed.trust.ods_code, closed.cycle.slug])
    assert f'<a href="{paper}">Read the 2026/27 Q3 board paper</a>' in home
    assert "Answer the 2026/27 Q4 questionnaire" in home
    assert f'href="{reverse("quarter:board-papers")}"' in home


def test_the_papers_page_lists_each_published_paper_of_the_members_boards_newest_first(
    signed_in, board_member, assessment, coordinator, framework, other_assessment
):
    closed, _ = close_and_open_next(assessment, coordinator, framework)
    other_coordinator = other_assessment.trust.memberships.get(role=Role.COORDINATOR).user
    submitted_board(other_assessment, 3)
    assessment_close(assessment=other_assessment, by=other_coordinator)  # not their board
    content = page_headed(
        signed_in(board_member).get(reverse("quarter:board-papers")), "Board papers"
    )
    text = content.content.decode()
    assert "Read the 2026/27 Q3 board paper" in text
    assert reverse("paper:paper-pdf", args=[closed.trust.ods_code, closed.cycle.slug]) in text
    assert "2026/27 Q4" not in text  # open: not published yet
    assert other_assessment.trust.name not in text


def test_the_papers_page_reads_the_same_number_of_queries_however_many_papers(
    signed_in, board_member, assessment, coordinator, framework, django_assert_num_queries
):
    client = signed_in(board_member)
    client.get(reverse("quarter:board-papers"))
    with django_assert_num_queries(4):
        empty = client.get(reverse("quarter:board-papers"))
    assert "No board paper has been published for your boards yet" in empty.content.decode()
    close_and_open_next(assessment, coordinator, framework)
    second_board = MembershipFactory(user=board_member, role=Role.BOARD_MEMBER).trust
    second = assessment_open(
        trust=second_board,
        cycle=assessment.cycle,
        by=MembershipFactory(trust=second_board, role=Role.COORDINATOR, seat_group="").user,
    )
    submitted_board(second, 3)
    assessment_close(assessment=second, by=second.trust.memberships.get(role=Role.COORDINATOR).user)
    with django_assert_num_queries(4):
        listed = client.get(reverse("quarter:board-papers")).content.decode()
    assert listed.count("Read the 2026/27 Q3 board paper") == 2


def test_the_papers_page_needs_signing_in(client, db):
    to_sign_in(client.get(reverse("quarter:board-papers")), reverse("quarter:board-papers"))
