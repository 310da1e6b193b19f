"""The per-principle summary table: written only when results are published (a release at
close), never while members answer, and rebuilt from the release to the same values."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from assessments.errors import AssessmentError, AssessmentNotOpen
from assessments.models import PrincipleResult, parse_quarter, quarter_dates, quarter_of
from assessments.quarter.actions import assessment_close, assessment_reopen
from assessments.questionnaire.actions import AnswerInput, answers_save
from principles.models import Question
from tests.factories import CycleFactory, FrameworkFactory
from tests.helpers import answer_everything, new_board_member


def results(assessment):
    return {
        r.principle.number: (r.respondents, r.score, r.views_differ, r.dont_know_share)
        for r in PrincipleResult.objects.filter(assessment=assessment).select_related("principle")
    }


def by_principle(question):
    """Scores that differ by principle, and "don't know" for every third question."""
    if question.order == 3:
        return None
    return min(5, question.principle.number % 5 + question.order)


def close(assessment, coordinator):
    return assessment_close(assessment=assessment, by=coordinator)


def test_results_not_written_while_members_submit(assessment, board_member):
    answer_everything(assessment, board_member, score=4)
    answer_everything(assessment, new_board_member(assessment.trust), score=2)
    assert results(assessment) == {}


def test_results_written_when_the_quarter_closes(assessment, board_member, coordinator):
    answer_everything(assessment, board_member, score=4)
    close(assessment, coordinator)
    assert results(assessment)[1] == (1, 4.0, False, 0.0)
    assert len(results(assessment)) == 8


def test_results_ignore_responses_in_progress(assessment, board_member, coordinator):
    answer_everything(assessment, board_member, score=2)
    answer_everything(assessment, new_board_member(assessment.trust), score=5, submit=False)
    close(assessment, coordinator)
    assert results(assessment)[1] == (1, 2.0, False, 0.0)


def test_results_follow_a_change_to_a_submitted_response(assessment, board_member, coordinator):
    answer_everything(assessment, board_member, score=2)
    answer_everything(assessment, new_board_member(assessment.trust), score=4)
    questions = Question.objects.filter(framework=assessment.cycle.framework, principle__number=1)
    answers_save(
        assessment=assessment,
        respondent=board_member,
        answers={q: AnswerInput(score=5) for q in questions},
        by=board_member,
    )
    close(assessment, coordinator)
    assert results(assessment)[1] == (2, 4.5, False, 0.0)  # 5 and 4: SD 0.5, views agree
    assert results(assessment)[2][1] == 3.0


def test_results_hand_computed_with_dont_know(assessment, board_member, coordinator):
    answer_everything(assessment, board_member, score=by_principle)
    answer_everything(assessment, new_board_member(assessment.trust), score=by_principle)
    close(assessment, coordinator)
    # principle 2: questions 1 and 2 score 3 and 4, question 3 is "don't know" from both
    assert results(assessment)[2] == (2, 3.5, False, pytest.approx(2 / 6))


def test_results_rebuilt_equal_the_incremental_ones(assessment, board_member, coordinator):
    answer_everything(assessment, board_member, score=by_principle)
    answer_everything(assessment, new_board_member(assessment.trust), score=2)
    answer_everything(assessment, new_board_member(assessment.trust), score=5, submit=False)
    assessment_close(assessment=assessment, by=coordinator)
    incremental = results(assessment)
    PrincipleResult.objects.all().delete()
    out = StringIO()
    call_command("rebuild_results", stdout=out)
    assert results(assessment) == incremental
    assert "Rebuilt results for 1 assessments" in out.getvalue()


def test_results_rebuild_leaves_unopened_assessments_alone(cycle, trust):
    call_command("rebuild_results", stdout=StringIO())
    assert not PrincipleResult.objects.exists()


def test_results_stay_as_published_when_reopened_and_answers_change(
    assessment, board_member, coordinator
):
    answer_everything(assessment, board_member, score=3)
    close(assessment, coordinator)
    published = results(assessment)
    assessment_reopen(assessment=assessment, reason="Late joiner", by=coordinator)
    answer_everything(assessment, new_board_member(assessment.trust), score=5)
    assert results(assessment) == published


# The rules the actions keep, whoever calls them


def test_answers_save_refuses_a_closed_assessment(assessment, board_member, coordinator):
    assessment_close(assessment=assessment, by=coordinator)
    question = Question.objects.filter(framework=assessment.cycle.framework).first()
    with pytest.raises(AssessmentNotOpen):
        answers_save(
            assessment=assessment,
            respondent=board_member,
            answers={question: AnswerInput(score=3)},
            by=board_member,
        )


def test_answers_save_refuses_a_question_from_another_framework(assessment, board_member):
    from tests.factories import QuestionFactory

    stranger = QuestionFactory()
    with pytest.raises(AssessmentError, match="not part of this questionnaire"):
        answers_save(
            assessment=assessment,
            respondent=board_member,
            answers={stranger: AnswerInput(score=3)},
            by=board_member,
        )
    assert not assessment.responses.exists()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (AnswerInput(score=6), "choose one level from 1 to 5"),
        (AnswerInput(score=0), "choose one level from 1 to 5"),
        (AnswerInput(score=3, dont_know=True), "choose one level from 1 to 5"),
        (AnswerInput(score=3, comment="x" * 2001), "2000 characters at most"),
    ],
)
def test_answers_save_refuses_bad_answers_and_saves_nothing(
    assessment, board_member, answer, message
):
    first, second = Question.objects.filter(framework=assessment.cycle.framework)[:2]
    with pytest.raises(AssessmentError, match=message):
        answers_save(
            assessment=assessment,
            respondent=board_member,
            answers={first: AnswerInput(score=2), second: answer},
            by=board_member,
        )
    assert not assessment.responses.exists()


# Quarters of the NHS financial year


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (datetime.date(2026, 4, 1), (2026, 1)),
        (datetime.date(2026, 9, 30), (2026, 2)),
        (datetime.date(2026, 11, 22), (2026, 3)),
        (datetime.date(2027, 3, 31), (2026, 4)),
    ],
)
def test_quarter_of_follows_the_financial_year(day, quarter):
    assert quarter_of(day) == quarter


@pytest.mark.parametrize(
    ("year", "quarter", "first", "last"),
    [
        (2026, 1, "2026-04-01", "2026-06-30"),
        (2026, 2, "2026-07-01", "2026-09-30"),
        (2026, 3, "2026-10-01", "2026-12-31"),
        (2026, 4, "2027-01-01", "2027-03-31"),
    ],
)
def test_quarter_dates(year, quarter, first, last):
    assert tuple(map(str, quarter_dates(year, quarter))) == (first, last)


def test_cycle_label_and_slug(db):
    cycle = CycleFactory(year=2026, quarter=3, framework=FrameworkFactory())
    assert (cycle.label, cycle.slug) == ("2026/27 Q3", "2026-27-q3")
    assert CycleFactory(year=2099, quarter=4, framework=cycle.framework).label == "2099/00 Q4"


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2026/27 Q3", (2026, 3)),
        (" 2026/27 q1 ", (2026, 1)),
        ("2026/28 Q3", None),
        ("26/27 Q3", None),
    ],
)
def test_parse_quarter(text, parsed):
    assert parse_quarter(text) == parsed
