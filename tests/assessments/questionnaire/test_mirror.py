"""A board member's own mirror: once the quarter has closed, each of their answers beside
the board's published score, question by question and principle by principle. Only they
see theirs; the board's figures are the paper's, under the same disclosure rule."""

import datetime
import re

import pytest

from assessments.privacy.retention import retention_apply
from assessments.quarter.actions import assessment_close, assessment_reopen
from reports.paper.presenters import board_paper
from tests.helpers import answer_everything, new_board_member, on_day, submitted_board
from tests.helpers import questionnaire_url as url
from tests.pages import forbidden, not_found

HEADING = "Your answers beside the board's"


def mirror_of(client, assessment) -> str:
    response = client.get(url(assessment, "mirror"))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"<h1>{HEADING}</h1>" in content
    return content


def cells(content: str) -> list[tuple[str, str, str]]:
    """Each question's row: its text, the member's answer, the board's score."""
    rows = re.findall(r'<tr class="nhsuk-table__row" role="row">(.*?)</tr>', content, re.S)
    found = []
    for row in rows:
        values = re.findall(r"</span>(.*?)</td>", row, re.S)
        if values:
            found.append(tuple(value.strip() for value in values) + ("",) * (3 - len(values)))
    return found


@pytest.fixture
def closed(assessment, board_member, coordinator):
    """Bea answered 5 on every question; four others answered 2; the quarter closed."""
    answer_everything(assessment, board_member, 5)
    submitted_board(assessment, 4, score=2)
    assessment_close(assessment=assessment, by=coordinator)
    return assessment


def test_each_answer_stands_beside_the_boards_published_score(signed_in, board_member, closed):
    content = mirror_of(signed_in(board_member), closed)
    paper = board_paper(closed)
    rows = cells(content)
    assert len(rows) == 24
    assert {yours for _, yours, _ in rows} == {"5 – Leading"}
    # The board's figures are the paper's, printed by the same rounding: (5 + 4 × 2) / 5.
    appendix = [question.mean for section in paper.appendix for question in section.questions]
    assert [board for _, _, board in rows] == appendix == ["2.6"] * 24
    scores = re.findall(r"The board's score: <strong>([^<]+)</strong>", content)
    assert scores == [row.score for row in paper.rows] == ["2.6"] * 8
    assert "Only you can see this page" in content


def test_each_member_sees_their_own_answers_and_nobody_elses(
    signed_in, board_member, closed, trust
):
    other = new_board_member(trust)  # on the board, but answered nothing
    theirs = cells(mirror_of(signed_in(other), closed))
    assert {yours for _, yours, _ in theirs} == {"Not answered"}
    assert "5 – Leading" not in mirror_of(signed_in(other), closed)


def test_a_member_who_had_not_submitted_is_told_the_scores_do_not_include_them(
    signed_in, board_member, assessment, coordinator
):
    submitted_board(assessment, 3, score=4)
    answer_everything(assessment, board_member, 1, submit=False)
    assessment_close(assessment=assessment, by=coordinator)
    content = mirror_of(signed_in(board_member), assessment)
    assert "so the board&#x27;s scores do not include them" in content
    assert {(yours, board) for _, yours, board in cells(content)} == {("1 – Not started", "4.0")}


def test_below_the_minimum_only_the_members_own_answers_are_shown(
    signed_in, board_member, assessment, coordinator
):
    answer_everything(assessment, board_member, 3)
    submitted_board(assessment, 1, score=5)
    assessment_close(assessment=assessment, by=coordinator)
    content = mirror_of(signed_in(board_member), assessment)
    assert "Too few board members submitted" in content
    assert "The board's score" not in content
    assert {row[1:] for row in cells(content)} == {("3 – Developing", "")}


def test_before_close_it_says_when_it_will_be_there_and_shows_no_answer(
    signed_in, board_member, assessment
):
    answer_everything(assessment, board_member, 5)
    content = mirror_of(signed_in(board_member), assessment)
    assert "Once the questionnaire closes" in content
    assert "5 – Leading" not in content
    assert cells(content) == []


def test_reopened_it_waits_for_the_next_close(signed_in, board_member, closed, coordinator):
    assessment_reopen(assessment=closed, reason="A late answer", by=coordinator)
    content = mirror_of(signed_in(board_member), closed)
    assert "Once the questionnaire closes" in content
    assert cells(content) == []


def test_submitted_after_the_results_and_held_back_it_still_says_they_are_not_included(
    signed_in, board_member, assessment, coordinator
):
    """Not submitted at the first close; submitted once reopened; the release held (one
    response changed), so the scores are still without them."""
    submitted_board(assessment, 3, score=2)
    assessment_close(assessment=assessment, by=coordinator)
    assessment_reopen(assessment=assessment, reason="A late answer", by=coordinator)
    answer_everything(assessment, board_member, 5)
    assessment_close(assessment=assessment, by=coordinator)
    content = mirror_of(signed_in(board_member), assessment)
    assert "so the board&#x27;s scores do not include them" in content
    assert {(yours, board) for _, yours, board in cells(content)} == {("5 – Leading", "2.0")}


def test_changed_since_the_results_it_says_they_count_as_they_were(
    signed_in, board_member, closed, coordinator
):
    assessment_reopen(assessment=closed, reason="A second thought", by=coordinator)
    answer_everything(closed, board_member, 4)  # one response changed: the release is held
    assessment_close(assessment=closed, by=coordinator)
    content = mirror_of(signed_in(board_member), closed)
    assert "Your answers have changed since the results were published" in content
    assert {(yours, board) for _, yours, board in cells(content)} == {("4 – Established", "2.6")}


def test_answers_past_their_retention_are_said_to_be_no_longer_kept(
    signed_in, board_member, assessment, coordinator, settings
):
    closed_on = datetime.date(2026, 10, 1)
    with on_day(closed_on):
        answer_everything(assessment, board_member, 5)
        submitted_board(assessment, 3, score=2)
        assessment_close(assessment=assessment, by=coordinator)
    with on_day(closed_on.replace(year=2028) + datetime.timedelta(days=1)):
        retention_apply()
        content = mirror_of(signed_in(board_member), assessment)
    assert "Individual answers to this quarter are no longer kept" in content
    assert {(yours, board) for _, yours, board in cells(content)} == {("No longer kept", "2.8")}


def test_only_board_members_of_the_trust_see_a_mirror(
    signed_in, coordinator, programme_staff, closed, other_trust
):
    forbidden(signed_in(coordinator).get(url(closed, "mirror")))
    forbidden(signed_in(programme_staff).get(url(closed, "mirror")))
    outsider = new_board_member(other_trust)
    not_found(signed_in(outsider).get(url(closed, "mirror")))


def test_the_mirror_is_linked_from_the_closed_questionnaire_and_the_trust_page(
    signed_in, board_member, closed
):
    client = signed_in(board_member)
    link = f'href="{url(closed, "mirror")}"'
    assert link in client.get(url(closed, "start")).content.decode()
    trust_page = client.get(f"/trusts/{closed.trust.ods_code}/").content.decode()
    assert link in trust_page


@pytest.mark.parametrize(("answered", "queries"), [(True, 9), (False, 10)])
def test_the_mirror_reads_a_fixed_number_of_queries_however_many_answers(
    signed_in, trust, board_member, closed, answered, queries, django_assert_num_queries
):
    member = board_member if answered else new_board_member(trust)
    client = signed_in(member)
    client.get(url(closed, "mirror"))  # warm the framework's content
    # session, user, memberships, trust, assessment, own answers (and, with none, whether
    # a response was started), the release, its result rows, the release for the note
    with django_assert_num_queries(queries):
        client.get(url(closed, "mirror"))
