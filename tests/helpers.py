"""Building answered questionnaires for tests, only through the actions layer."""

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pikepdf
import time_machine
from django.urls import reverse

from assessments.models import Assessment, Response
from assessments.questionnaire.actions import AnswerInput, answers_save, response_submit
from principles.models import Question
from reports.models import CoverSection
from reports.paper.forms import IMPACT_SECTIONS
from tests.factories import SETUP, MembershipFactory
from trusts.models import Role, SeatGroup

# The repository's root, wherever in the tree of tests a test sits.
ROOT = Path(__file__).resolve().parent.parent


def answer_everything(
    assessment: Assessment,
    member,
    score: int | Callable[[Question], int | None] | None = 3,
    *,
    submit: bool = True,
) -> Response:
    """Answers every question (``None`` meaning "don't know") and submits."""
    questions = Question.objects.filter(framework_id=assessment.cycle.framework_id)
    answers = {}
    for question in questions:
        value = score(question) if callable(score) else score
        answers[question] = AnswerInput(score=value, dont_know=value is None)
    response = answers_save(assessment=assessment, respondent=member, answers=answers, by=member)
    if submit:
        response = response_submit(response=response, by=member)
    return response


def new_board_member(trust, seat_group=SeatGroup.NON_EXECUTIVE):
    return MembershipFactory(trust=trust, role=Role.BOARD_MEMBER, seat_group=seat_group).user


def submitted_board(assessment: Assessment, count: int, score=3) -> list:
    members = [new_board_member(assessment.trust) for _ in range(count)]
    for member in members:
        answer_everything(assessment, member, score)
    return members


def quarter_of_year(framework, year: int = 2026, quarter: int = 3):
    """A quarter with its NHS financial-year dates, made through the action."""
    from assessments.quarter.actions import cycle_for_quarter

    return cycle_for_quarter(year=year, quarter=quarter, framework=framework, by=SETUP)


def run_waiting_tasks() -> int:
    """Runs every task waiting in the database here, as a db_worker process would (which,
    in a test, would close the test's own database connection); returns how many ran."""
    from django_tasks_db.models import DBTaskResult

    ran = 0
    for waiting in DBTaskResult.objects.ready():
        waiting.claim("tests")  # running, as a worker marks it before it starts
        result = waiting.task_result
        waiting.set_successful(waiting.task.call(*result.args, **result.kwargs))
        ran += 1
    return ran


def set_targets(assessment: Assessment, coordinator, levels: dict[int, str]) -> None:
    """Targets by principle number, as the coordinator sets them ("3.5")."""
    from decimal import Decimal

    from assessments.quarter.actions import targets_set
    from principles.models import Principle

    principles = {
        p.number: p for p in Principle.objects.filter(framework=assessment.cycle.framework)
    }
    targets_set(
        assessment=assessment,
        levels={principles[n]: Decimal(level) for n, level in levels.items()},
        by=coordinator,
    )


def questionnaire_url(assessment, name, **kwargs):
    return reverse(
        f"questionnaire:questionnaire-{name}",
        kwargs={"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug, **kwargs},
    )


def page_data(
    assessment, number, levels=("3", "4", "dont-know"), comments=("", "", ""), action="continue"
):
    questions = Question.objects.filter(
        framework_id=assessment.cycle.framework_id, principle__number=number
    ).order_by("order")
    data = {"action": action}
    for question, level, comment in zip(questions, levels, comments, strict=False):
        prefix = question.key.replace(".", "-")
        data[f"{prefix}-level"] = level
        data[f"{prefix}-comment"] = comment
    return data


LONG_COMMENT = " ".join(
    ["The board has started this work, but it is uneven across our services and sites."] * 4
)


def submit_spread_with_long_comments(assessment: Assessment, member, index: int, questions=None):
    """The ``index``-th member's answers: scores spread over every level with the other
    members', a long comment on a third of them; submitted."""
    if questions is None:
        questions = Question.objects.filter(framework=assessment.cycle.framework)
    answers = {
        question: AnswerInput(
            score=1 + (index + question.pk) % 5,
            comment=LONG_COMMENT if (index + question.pk) % 3 == 0 else "",
        )
        for question in questions
    }
    response = answers_save(assessment=assessment, respondent=member, answers=answers, by=member)
    return response_submit(response=response, by=member)


def board_with_long_comments(assessment: Assessment, coordinator, members: int) -> Assessment:
    """A board of ``members`` whose scores spread over every level, a long comment on a
    third of the answers and three targets, closed: the heaviest paper a board makes."""
    from assessments.quarter.actions import assessment_close

    questions = list(Question.objects.filter(framework=assessment.cycle.framework))
    for index in range(members):
        member = new_board_member(assessment.trust)
        submit_spread_with_long_comments(assessment, member, index, questions)
    set_targets(assessment, coordinator, {1: "4.0", 2: "3.5", 5: "4.5"})
    return assessment_close(assessment=assessment, by=coordinator)


def summary_rows(assessment: Assessment, scores: dict, respondents: int) -> None:
    """A closed assessment's summary table as a release would have written it: a score
    for each principle (by principle) and the overall score worked out from them."""
    from fractions import Fraction

    from assessments.results import scoring
    from tests.factories import OverallResultFactory, PrincipleResultFactory

    for principle, score in scores.items():
        PrincipleResultFactory(
            assessment=assessment, principle=principle, respondents=respondents, score=score
        )
    overall = scoring.overall_score(Fraction(score) for score in scores.values())
    OverallResultFactory(assessment=assessment, respondents=respondents, score=overall)


def on_day(day: datetime.date):
    """Every clock the code reads (dates, times, session expiry) stopped at noon, London
    time, on ``day``, for a ``with`` block. A signed-in client's session is as old as the
    real clock says, so a test that moves forward signs in within the block."""
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=ZoneInfo("Europe/London"))
    return time_machine.travel(noon, tick=False)


# Every optional section of the cover sheet switched on, as the page that chooses them posts it.
EVERY_COVER_SECTION = {
    "sections": [value for value in CoverSection.values if value not in IMPACT_SECTIONS],
    "impacts": list(IMPACT_SECTIONS),
}


def make_pdf(pages: int = 1, add_to=None, **save) -> bytes:
    """A PDF of blank pages, as pikepdf writes it; ``add_to`` adds what else it holds,
    ``save`` are pikepdf's save options."""
    document, out = pikepdf.new(), io.BytesIO()
    for _ in range(pages):
        document.add_blank_page()
    if add_to:
        add_to(document)
    document.save(out, **save)
    return out.getvalue()
