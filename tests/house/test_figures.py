"""Figures a board can defend: each case an independent recomputation found, with the
expected cells worked out by hand (literal values, never by calling the scoring module)."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assessments.quarter.actions import assessment_close, assessment_open
from assessments.questionnaire.actions import AnswerInput, answers_save, response_submit
from assessments.results.actions import results_write
from assessments.results.disclosure import latest_release
from principles.models import Question
from reports.paper.exports import principle_rows
from reports.paper.presenters import board_paper
from tests.helpers import new_board_member, quarter_of_year, set_targets


def keys_of(assessment, number):
    return list(
        Question.objects.filter(framework=assessment.cycle.framework, principle__number=number)
        .order_by("order")
        .values_list("key", flat=True)
    )


def answer(assessment, member, scores: dict, *, default=3, comments=None):
    """Every question answered: ``default``, or ``scores[key]`` (None: "don't know")."""
    answers_save(
        assessment=assessment,
        respondent=member,
        answers={
            q: AnswerInput(
                score=scores.get(q.key, default),
                dont_know=scores.get(q.key, default) is None,
                comment=(comments or {}).get(q.key, ""),
            )
            for q in Question.objects.filter(framework=assessment.cycle.framework)
        },
        by=member,
    )
    response = member.responses.get(assessment=assessment)
    response_submit(response=response, by=member)


def close(assessment, coordinator):
    return assessment_close(assessment=assessment, by=coordinator)


@pytest.fixture
def exact_boundaries(assessment, coordinator, settings):
    """Fourteen members. Principle 1's questions have means 18/14 = 9/7, 58/14 = 29/7 and
    29/14, so its score is exactly 2.5 (a float makes it 2.5000000000000004). Principle 2
    scores 3.0, principle 3 2.0; every other principle 3.0."""
    settings.MIN_RESPONSES = 3
    q1, q2, q3 = keys_of(assessment, 1)
    p3 = keys_of(assessment, 3)
    first = [1] * 10 + [2] * 4  # sum 18
    second = [4] * 12 + [5] * 2  # sum 58
    third = [2] * 13 + [3]  # sum 29
    for index in range(14):
        member = new_board_member(assessment.trust)
        scores = {q1: first[index], q2: second[index], q3: third[index]}
        scores |= dict.fromkeys(p3, 2)
        answer(assessment, member, scores)
    # Gaps of exactly 0.5 (principles 1 and 2) and exactly 1.0 (principle 3).
    set_targets(assessment, coordinator, {1: "3.0", 2: "3.5", 3: "3.0"})
    return close(assessment, coordinator)


def test_a_score_of_exactly_two_and_a_half_is_stored_and_printed_exactly(exact_boundaries):
    row = board_paper(exact_boundaries).rows[0]
    assert (row.score, row.gap, row.rag) == ("2.5", "0.5", "Amber")
    assert str(exact_boundaries.results.get(principle__number=1).score) == "5/2"


def test_a_gap_of_exactly_one_is_red(exact_boundaries):
    row = board_paper(exact_boundaries).rows[2]
    assert (row.score, row.target, row.gap, row.rag) == ("2.0", "3.0", "1.0", "Red")


def test_equal_printed_gaps_put_the_lower_score_first(exact_boundaries):
    paper = board_paper(exact_boundaries)
    # Gaps: principle 3 1.0; principles 1 and 2 both 0.5, scores 2.5 and 3.0.
    assert [row.number for row in paper.priorities] == [3, 1, 2]


def test_rag_follows_the_printed_gap_not_the_exact_one(assessment, coordinator, settings):
    """Scores 3, 4 and 4 on one question and 4, 4, 4 on the others: 3.888... prints 3.9;
    against a target of 4.5 the printed gap is 0.6 (amber), as the cells beside it say."""
    settings.MIN_RESPONSES = 3
    q1, q2, q3 = keys_of(assessment, 1)
    for score in (3, 4, 4):
        answer(assessment, new_board_member(assessment.trust), {q1: score, q2: 4, q3: 4})
    set_targets(assessment, coordinator, {1: "4.5"})
    row = board_paper(close(assessment, coordinator)).rows[0]
    assert (row.score, row.target, row.gap, row.rag) == ("3.9", "4.5", "0.6", "Amber")


def test_halves_round_up_not_to_even(assessment, coordinator, settings):
    """Scores 2, 2, 3, 2 on every question: 2.25, printed 2.3."""
    settings.MIN_RESPONSES = 3
    for score in (2, 2, 3, 2):
        answer(assessment, new_board_member(assessment.trust), {}, default=score)
    paper = board_paper(close(assessment, coordinator))
    assert paper.rows[0].score == "2.3"
    assert paper.overall == "2.3"


def test_a_principle_with_no_score_but_a_target_says_so(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 3
    keys = keys_of(assessment, 4)
    for _ in range(3):
        answer(assessment, new_board_member(assessment.trust), dict.fromkeys(keys))
    set_targets(assessment, coordinator, {4: "3.0"})
    row = board_paper(close(assessment, coordinator)).rows[3]
    assert (row.score, row.target, row.gap, row.rag) == ("–", "3.0", "–", "")
    assert row.rag_label == "No score to compare with the target"


def test_two_responses_with_targets_make_a_paper_without_figures(
    assessment, coordinator, settings, signed_in, tmp_path
):
    settings.MIN_RESPONSES = 3
    for _ in range(2):
        answer(assessment, new_board_member(assessment.trust), {})
    set_targets(assessment, coordinator, {1: "4.0", 2: "4.0"})
    closed = close(assessment, coordinator)
    paper = board_paper(closed)
    assert (paper.shown, paper.priorities, paper.rows) == (False, (), ())
    page = signed_in(coordinator).get(reverse("paper:paper", args=["QAA", closed.cycle.slug]))
    assert page.status_code == 200
    message = "2 of 2 board members had submitted when the results were published on .*; figures"
    with pytest.raises(CommandError, match=message):
        call_command(
            "board_paper",
            "--trust",
            "QAA",
            "--cycle",
            "2026/27 Q3",
            "--output",
            str(tmp_path / "p.pdf"),
        )


def test_comments_are_sorted_as_a_reader_would(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 3
    key = keys_of(assessment, 1)[0]
    for text in ("banana", "Zulu", "apple"):
        answer(assessment, new_board_member(assessment.trust), {}, comments={key: text})
    paper = board_paper(close(assessment, coordinator))
    assert paper.appendix[0].questions[0].comments == ("apple", "banana", "Zulu")


def test_views_differ_needs_enough_scores(assessment, coordinator, settings):
    """One score of 1 and one of 5 (the rest "don't know"): too few to say either way."""
    settings.MIN_RESPONSES = 3
    q1 = keys_of(assessment, 1)[0]
    for score in (1, 5, None):
        answer(assessment, new_board_member(assessment.trust), {q1: score})
    paper = board_paper(close(assessment, coordinator))
    row, question = paper.rows[0], paper.appendix[0].questions[0]
    assert (row.views_differ, row.judged) == (False, False)
    assert question.agreement == "too few scores to say"
    assert question.mean == "3.0"
    assert row.scores == 8  # 2 on the first question, 3 on each of the others


# Change since the latest earlier quarter with results


@pytest.fixture
def three_quarters(framework, trust, coordinator, settings):
    """Q1: four members score 2 everywhere (results). Q2: one member answers (too few).
    Q3: the same four score 4 everywhere."""
    settings.MIN_RESPONSES = 3
    members = [new_board_member(trust) for _ in range(4)]
    quarters = []
    for number, answering, score in ((1, members, 2), (2, members[:1], 5), (3, members, 4)):
        assessment = assessment_open(
            trust=trust, cycle=quarter_of_year(framework, 2026, number), by=coordinator
        )
        for member in answering:
            answer(assessment, member, {}, default=score)
        quarters.append(close(assessment, coordinator))
    return quarters


def test_change_is_against_the_latest_earlier_quarter_with_results_and_names_it(three_quarters):
    paper = board_paper(three_quarters[2])
    assert paper.rows[0].trend == "+2.0"
    assert paper.rows[0].trend_text == "Up 2.0 since 2026/27 Q1"
    assert paper.overall_change == "up 2.0 since 2026/27 Q1"
    assert paper.trend_table == (("2026/27 Q1", "2.0"), ("2026/27 Q2", "–"), ("2026/27 Q3", "4.0"))


def test_exports_carry_exact_numbers_not_printed_text(exact_boundaries):
    row = principle_rows(board_paper(exact_boundaries))[0]
    # score, target, gap, rag, change, views differ, don't know share, peer median
    assert row[6:14] == [2.5, 3.0, 0.5, "Amber", "", "no", 0.0, ""]
    third = principle_rows(board_paper(exact_boundaries))[2]
    assert third[6:9] == [2.0, 3.0, 1.0]


def test_no_printed_or_exported_figure_is_minus_zero(three_quarters):
    paper = board_paper(three_quarters[2])
    text = repr(paper) + repr(principle_rows(paper))
    assert "-0.0" not in text


@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.randoms(use_true_random=False))
def test_property_results_rebuilt_from_answers_in_any_order_give_the_same_paper(
    exact_boundaries, order
):
    release = latest_release(exact_boundaries)
    before = board_paper(exact_boundaries).fingerprint()
    rows = list(release.rows)
    order.shuffle(rows)
    release.rows = rows
    results_write(release=release)
    assert board_paper(exact_boundaries).fingerprint() == before


def test_methodology_is_written_from_the_rules(exact_boundaries):
    methodology = dict(board_paper(exact_boundaries).methodology)
    assert "rounded once, to 1 decimal place, half up (2.25 becomes 2.3)" in methodology["Scores"]
    assert "population standard deviation of 1 level or more" in methodology["Views differ"]
    assert "fewer than 3 scores" in methodology["Views differ"]
    assert "25% or more is high" in methodology["Don't know"]
    assert "Red: 1.0 level or more below target" in methodology["Gap and RAG"]
    assert "95% of the changes found in 400 bootstrap resamples" in methodology["Change"]


# What a trust's figures rest on, in the national view: submitted of the board, the rate
# and the confidence its paper gives (worked out by hand from rules.confidence's words:
# High from three quarters answering with no principle high in "don't know" and views
# differing on at most one; Low below half answering or with three or more principles
# high in "don't know"; Moderate otherwise)


def quarter_resting_on(assessment, coordinator, *, board, submitted, split=(), dont_know=()):
    """``board`` members, of whom the first ``submitted`` score 2 everywhere except: on
    the first question of each principle in ``split`` half score 1 and half 3 (a
    population SD of exactly 1: views differ), and on the first question of each in
    ``dont_know`` everyone says "don't know" (1 answer in 3 on that principle: high)."""
    members = [new_board_member(assessment.trust) for _ in range(board)]
    for index, member in enumerate(members[:submitted]):
        scores = {keys_of(assessment, n)[0]: 1 if index % 2 else 3 for n in split}
        scores |= {keys_of(assessment, n)[0]: None for n in dont_know}
        answer(assessment, member, scores, default=2)
    return close(assessment, coordinator)


RESTING_ON = {
    # 6 of 8 is exactly three quarters, views differ on exactly one principle: High.
    "three quarters, one principle differs": (
        {"board": 8, "submitted": 6, "split": (1,)},
        ["6 of 8", "75%", "High"],
        [6, 8, 0.75, "High"],
    ),
    "three quarters, two principles differ": (
        {"board": 8, "submitted": 6, "split": (1, 2)},
        ["6 of 8", "75%", "Moderate"],
        [6, 8, 0.75, "Moderate"],
    ),
    # 4 of 8 is exactly half: not below it, so not Low.
    "exactly half": (
        {"board": 8, "submitted": 4},
        ["4 of 8", "50%", "Moderate"],
        [4, 8, 0.5, "Moderate"],
    ),
    # 3 of 8 is 37.5%: below half; the rate rounds half up.
    "below half": ({"board": 8, "submitted": 3}, ["3 of 8", "38%", "Low"], [3, 8, 0.375, "Low"]),
    # 7 of 9 is 77.8% (at least three quarters), but "don't know" is high on two: Moderate.
    "two principles high in don't know": (
        {"board": 9, "submitted": 7, "dont_know": (1, 2)},
        ["7 of 9", "78%", "Moderate"],
        [7, 9, 0.7778, "Moderate"],
    ),
    "three principles high in don't know": (
        {"board": 9, "submitted": 7, "dont_know": (1, 2, 3)},
        ["7 of 9", "78%", "Low"],
        [7, 9, 0.7778, "Low"],
    ),
}


@pytest.mark.parametrize("case", RESTING_ON)
def test_national_view_shows_what_the_figures_rest_on_as_the_paper_does(
    case, assessment, coordinator, programme_staff, signed_in, settings
):
    settings.MIN_RESPONSES = 3
    build, cells, exported = RESTING_ON[case]
    closed = quarter_resting_on(assessment, coordinator, **build)
    paper = board_paper(closed)
    submitted, board = build["submitted"], build["board"]
    assert (paper.submissions.submitted, paper.submissions.board_size) == (submitted, board)
    assert paper.cover.confidence == cells[2]
    client = signed_in(programme_staff)
    page = client.get(reverse("national:programme-comparison", args=[closed.cycle.slug]))
    ((trust, row),) = page.context["rows"]
    assert [cell.value for cell in row[9:]] == cells
    csv_text = client.get(
        reverse("national:programme-comparison-export", args=[closed.cycle.slug, "csv"])
    ).content.decode("utf-8-sig")
    assert csv_text.splitlines()[1].split(",")[-4:] == [str(value) for value in exported]
    quarters = client.get(reverse("national:programme-trust", args=[trust.ods_code])).context[
        "quarters"
    ]
    assert [quarters[0].rests_on.submitted, quarters[0].rests_on.rate] == cells[:2]
    assert quarters[0].rests_on.confidence == cells[2]
