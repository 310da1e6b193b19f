"""Members' evidence in a release's rows: a seventh column beside the comment, read alike
from releases made before it (six columns), and counted as a change of the response only
when there is some."""

from assessments.models import Response
from assessments.quarter.actions import assessment_close, assessment_reopen
from assessments.questionnaire.actions import AnswerInput, answers_save
from assessments.results.disclosure import (
    Standing,
    fingerprints,
    latest_release,
    live_rows,
    standing_of,
)
from assessments.results.released import evidence_column, released
from principles.models import Question
from tests.helpers import answer_everything

AUDIT = ("Internal audit report", "https://trust.example/audit")
OLD_ROW = [7, "executive", 10, 3, False, "A view"]


def test_rows_of_six_and_seven_columns_read_alike():
    (old,) = released([OLD_ROW])
    (new,) = released([[*OLD_ROW, list(AUDIT)]])
    assert old[:6] == new[:6] == tuple(OLD_ROW)
    assert (old.evidence, new.evidence) == (None, AUDIT)
    assert evidence_column("", "") is None
    assert evidence_column(*AUDIT) == list(AUDIT)


def test_a_response_without_evidence_keeps_the_digest_it_had_before_evidence():
    assert fingerprints([OLD_ROW]) == fingerprints([[*OLD_ROW, None]])
    assert fingerprints([OLD_ROW]) != fingerprints([[*OLD_ROW, list(AUDIT)]])


def test_live_rows_hold_the_evidence_of_answered_questions(assessment, board_member):
    answer_everything(assessment, board_member)
    question = Question.objects.get(key="p1.user-needs")
    answers_save(
        assessment=assessment,
        respondent=board_member,
        answers={question: AnswerInput(score=4, evidence_title=AUDIT[0], evidence_url=AUDIT[1])},
        by=board_member,
    )
    rows = live_rows(assessment)
    assert all(len(row) == 7 for row in rows)
    assert [row[6] for row in rows if row[2] == question.pk] == [list(AUDIT)]
    assert sum(1 for row in rows if row[6]) == 1


def test_evidence_changed_after_the_release_makes_the_response_changed(
    assessment, board_member, coordinator
):
    answer_everything(assessment, board_member)
    closed = assessment_close(assessment=assessment, by=coordinator)
    reopened = assessment_reopen(assessment=closed, reason="Evidence to add", by=coordinator)
    question = Question.objects.get(key="p1.user-needs")
    answers_save(
        assessment=reopened,
        respondent=board_member,
        answers={question: AnswerInput(score=3, evidence_title=AUDIT[0], evidence_url=AUDIT[1])},
        by=board_member,
    )
    response = Response.objects.get(respondent=board_member)
    answers = list(response.answers.all())
    assert standing_of(reopened, latest_release(reopened), response, answers) == Standing.CHANGED
