"""Board members' evidence once published: in a release's rows beside the comments, under
the same disclosure rule; listed in the paper's appendix, its Word file and the meeting's
pages in alphabetical order and without names; withdrawn with the comments when answers
must go; and in the member's own data file."""

import io

import docx
import pytest
from django.urls import reverse

from assessments.models import Release
from assessments.privacy.erasure import person_erase
from assessments.quarter.actions import assessment_close, assessment_reopen
from assessments.questionnaire.actions import AnswerInput, answers_save
from assessments.results.disclosure import fingerprints
from assessments.results.released import released
from principles.models import Question
from reports.paper.presenters import board_paper
from reports.paper.versions import changes_since, parts_of
from tests.assessments.privacy.test_subject_access import download
from tests.factories import SETUP
from tests.helpers import answer_everything, new_board_member

AUDIT = ("audit report", "https://trust.example/audit")  # lower case: sorted ignoring case
STRATEGY = ("Strategy", "https://trust.example/strategy")
BOARD = ("Board minutes", "https://trust.example/minutes")


def add_evidence(assessment, member, evidence: tuple[str, str], score: int = 3) -> None:
    question = Question.objects.get(framework=assessment.cycle.framework, key="p1.user-needs")
    answers_save(
        assessment=assessment,
        respondent=member,
        answers={
            question: AnswerInput(score=score, evidence_title=evidence[0], evidence_url=evidence[1])
        },
        by=member,
    )


def board_with_evidence(assessment, *evidence):
    """A member for each piece of evidence, each adding it to the first question."""
    members = []
    for item in evidence:
        member = new_board_member(assessment.trust)
        answer_everything(assessment, member)
        add_evidence(assessment, member, item)
        members.append(member)
    return members


def first_question(paper):
    return paper.appendix[0].questions[0]


def as_pairs(question):
    return [(item.title, item.url) for item in question.evidence]


def test_a_release_made_before_evidence_keeps_its_fingerprints():
    """Six columns, or seven with no evidence: the same digest, so no old response reads
    as changed; evidence makes a different one."""
    old = [[1, "executive", 10, 3, False, "A view"]]
    assert fingerprints(old) == fingerprints([old[0] + [None]])
    assert fingerprints(old) != fingerprints([old[0] + [list(AUDIT)]])
    assert released(old)[0].evidence is None
    assert released([old[0] + [list(AUDIT)]])[0].evidence == AUDIT


def test_evidence_is_published_at_close_in_alphabetical_order_without_names(
    assessment, coordinator, signed_in
):
    members = board_with_evidence(assessment, STRATEGY, AUDIT, BOARD)
    assert board_paper(assessment).appendix == ()  # open: nothing shown
    closed = assessment_close(assessment=assessment, by=coordinator)
    assert all(len(row) == 7 for row in Release.objects.get(assessment=closed).rows)
    paper = board_paper(closed)
    assert as_pairs(first_question(paper)) == [AUDIT, BOARD, STRATEGY]
    content = signed_in(coordinator).get(paper_url(closed)).content.decode()
    assert f'<a href="{AUDIT[1]}" rel="noopener noreferrer">{AUDIT[0]}</a>' in content
    assert f'<span class="qd-url">({AUDIT[1]})</span>' in content
    for member in members:
        assert member.full_name not in content.split("Appendix: every question")[1]


def test_below_the_minimum_no_evidence_is_shown(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 3
    board_with_evidence(assessment, AUDIT, BOARD)
    closed = assessment_close(assessment=assessment, by=coordinator)
    assert board_paper(closed).appendix == ()


def test_after_a_reopen_one_members_changed_evidence_is_not_published(
    assessment, coordinator, settings
):
    settings.MIN_RESPONSES = 3
    members = board_with_evidence(assessment, AUDIT, BOARD, STRATEGY)
    closed = assessment_close(assessment=assessment, by=coordinator)
    reopened = assessment_reopen(assessment=closed, reason="A correction", by=coordinator)
    add_evidence(reopened, members[0], ("Another report", "https://trust.example/other"))
    closed_again = assessment_close(assessment=reopened, by=coordinator)
    assert closed_again.releases.count() == 1  # one change: the first release stands
    assert as_pairs(first_question(board_paper(closed_again))) == [AUDIT, BOARD, STRATEGY]


def test_the_word_file_and_the_meetings_page_list_the_evidence_with_its_address(
    assessment, coordinator, signed_in
):
    board_with_evidence(assessment, AUDIT, STRATEGY, BOARD)
    closed = assessment_close(assessment=assessment, by=coordinator)
    client = signed_in(coordinator)
    word = client.get(reverse("paper:paper-docx", args=[closed.trust.ods_code, closed.cycle.slug]))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert f"{AUDIT[0]} ({AUDIT[1]})" in text
    page = client.get(
        reverse("meeting:present-principle", args=[closed.trust.ods_code, closed.cycle.slug, 1])
    ).content.decode()
    assert page.index(AUDIT[0]) < page.index(STRATEGY[0])
    assert f"({STRATEGY[1]})" in page


def test_a_change_of_evidence_makes_a_new_version_saying_so(assessment, coordinator):
    members = board_with_evidence(assessment, AUDIT, BOARD, STRATEGY)
    closed = assessment_close(assessment=assessment, by=coordinator)
    before = parts_of(board_paper(closed))
    reopened = assessment_reopen(assessment=closed, reason="Corrections", by=coordinator)
    for n, member in enumerate(members):
        add_evidence(reopened, member, (f"Report {n}", f"https://trust.example/{n}"))
    paper = board_paper(assessment_close(assessment=reopened, by=coordinator))
    after = parts_of(paper)
    assert {name for name in after if after[name] != before[name]} == {"comments"}
    assert changes_since(before, paper, after) == [
        "comments or evidence changed after the quarter was reopened"
    ]


@pytest.mark.parametrize("comment", ["", "A view"])
def test_an_erasure_withdraws_every_piece_of_evidence_and_the_paper_says_so(
    assessment, coordinator, comment
):
    members = board_with_evidence(assessment, AUDIT, BOARD, STRATEGY)
    if comment:
        question = Question.objects.get(framework=assessment.cycle.framework, key="p1.user-needs")
        answers_save(
            assessment=assessment,
            respondent=members[1],
            answers={
                question: AnswerInput(
                    score=3, comment=comment, evidence_title=BOARD[0], evidence_url=BOARD[1]
                )
            },
            by=members[1],
        )
    closed = assessment_close(assessment=assessment, by=coordinator)
    person_erase(user=members[0], by=SETUP)
    paper = board_paper(closed)
    assert all(not q.evidence and not q.comments for s in paper.appendix for q in s.questions)
    words = "1 comment and 3 pieces of evidence were" if comment else "3 pieces of evidence were"
    assert paper.withdrawn_note.startswith(f"{words} withdrawn from this paper when")
    assert "Every comment and piece of evidence goes" in paper.withdrawn_note


def test_a_members_data_file_holds_their_evidence_as_saved_and_as_published(
    client, assessment, coordinator
):
    member = board_with_evidence(assessment, AUDIT)[0]
    assessment_close(assessment=assessment, by=coordinator)
    data = download(client, member)
    (response,) = data["responses"]
    saved = [answer["evidence"] for answer in response["answers"] if answer["evidence"]]
    published = [
        answer["evidence"]
        for copy in response["as_published"]
        for answer in copy["answers"]
        if answer["evidence"]
    ]
    assert saved == published == [{"title": AUDIT[0], "link": AUDIT[1]}]


def paper_url(assessment):
    return reverse("paper:paper", args=[assessment.trust.ods_code, assessment.cycle.slug])
