"""The early warning for programme staff: which trusts, for which reasons, in which words;
filtered, by name, in a fixed number of queries; its page and its file, for programme staff
only."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from assessments.models import ActionStatus, AssessmentStatus, Cycle
from assessments.quarter.actions import assessment_close, assessment_open
from assessments.quarter.decisions import ActionInput, board_action_save
from assessments.results import rules
from principles.models import Principle
from reports.national.exports import WARNING_COLUMNS
from reports.national.queries import Filters
from reports.national.warning import (
    OVERDUE_ACTIONS,
    RESPONSE_RATE,
    SCORE_FELL,
    early_warnings,
    early_warnings_read,
)
from reports.paper.change import change_words
from reports.paper.change import changes_of as paper_changes
from reports.paper.selectors import comparison_quarter, paper_inputs
from seeders.demo import CARRIED_ACTIONS, SLIPPING, seed_demo
from tests.assessments.results.test_stored_change import falling_quarters
from tests.factories import SETUP, AssessmentFactory, OverallResultFactory, TrustFactory
from tests.helpers import answer_everything, new_board_member, on_day, quarter_of_year
from tests.pages import forbidden, not_found, text, to_sign_in
from trusts.models import Region, TrustType

EVERYONE = Filters()


def kept(since, **changes) -> dict:
    """A quarter's changes as results_write keeps them: by principle number ("3") or
    "overall", (change, low, high) as fractions' text."""
    return {
        "since": since.cycle.label if since is not None else None,
        "assessment": since.pk if since is not None else None,
        "changes": {
            key.removeprefix("p"): {"change": value, "interval": [low, high]}
            for key, (value, low, high) in changes.items()
        },
    }


DOWN_04 = ("-2/5", "-3/5", "-1/5")  # down 0.4, beyond chance
DOWN_03 = ("-3/10", "-1/2", "-1/10")  # down 0.3, beyond chance
DOWN_BY_CHANCE = ("-2/5", "-3/5", "1/10")  # down 0.4, but zero inside the interval
UP_03 = ("3/10", "1/10", "1/2")


def quarters_of(trust, framework, changes: dict[int, dict], *, respondents=5):
    """Closed quarters of ``trust`` in 2026/27 (by number) with summary rows as published:
    ``changes`` gives each quarter's kept changes as kept(...) arguments, the quarter
    compared with being the one before it in the dict."""
    made = {}
    previous = None
    for quarter, found in changes.items():
        assessment = AssessmentFactory(
            trust=trust, cycle=quarter_of_year(framework, 2026, quarter), status="closed"
        )
        OverallResultFactory(
            assessment=assessment, respondents=respondents, changes=kept(previous, **found)
        )
        made[quarter] = previous = assessment
    return made


@pytest.fixture
def q3(framework):
    return quarter_of_year(framework, 2026, 3)


def reasons(cycle, filters=EVERYONE) -> dict[str, list[tuple[str, str]]]:
    return {
        found.trust.ods_code: [(reason.kind, reason.words) for reason in found.reasons]
        for found in early_warnings(cycle, filters)
    }


# Scores that fell beyond chance, two quarters running


def test_an_overall_score_down_beyond_chance_two_quarters_running_warns_in_words(
    framework, q3, trust
):
    quarters_of(trust, framework, {1: {}, 2: {"overall": DOWN_04}, 3: {"overall": DOWN_03}})
    assert reasons(q3) == {
        "QAA": [
            (
                SCORE_FELL,
                "Overall score down 0.3 since 2026/27 Q2 and down 0.4 the quarter before, "
                "each more than chance",
            )
        ]
    }


def test_a_principle_that_fell_twice_is_named_by_its_number_and_title(framework, q3, trust):
    quarters_of(
        trust,
        framework,
        {1: {}, 2: {"p3": DOWN_04, "overall": DOWN_BY_CHANCE}, 3: {"p3": DOWN_03, "p5": DOWN_04}},
    )
    title = Principle.objects.get(framework=framework, number=3).title
    assert reasons(q3)["QAA"] == [
        (
            SCORE_FELL,
            f"Principle 3, {title}, down 0.3 since 2026/27 Q2 and down 0.4 the quarter "
            "before, each more than chance",
        )
    ]


@pytest.mark.parametrize(
    ("before", "now"),
    [
        (DOWN_04, DOWN_BY_CHANCE),  # this quarter's fall is within chance
        (DOWN_BY_CHANCE, DOWN_04),  # the quarter before's was
        (UP_03, DOWN_04),  # it went up before it went down
        (DOWN_04, ("-1/25", "-1/10", "-1/50")),  # beyond chance, but prints as 0.0
    ],
)
def test_a_score_that_did_not_fall_beyond_chance_twice_is_no_warning(
    framework, q3, trust, before, now
):
    quarters_of(trust, framework, {1: {}, 2: {"overall": before}, 3: {"overall": now}})
    assert reasons(q3) == {}


def test_a_fall_measured_across_a_skipped_quarter_names_both_quarters(framework, q3, trust):
    earlier = AssessmentFactory(
        trust=trust, cycle=quarter_of_year(framework, 2025, 4), status="closed"
    )
    OverallResultFactory(assessment=earlier, changes=kept(None))
    q2 = AssessmentFactory(trust=trust, cycle=quarter_of_year(framework, 2026, 2), status="closed")
    OverallResultFactory(assessment=q2, changes=kept(earlier, overall=DOWN_04))
    OverallResultFactory(
        assessment=AssessmentFactory(trust=trust, cycle=q3, status="closed"),
        changes=kept(q2, overall=DOWN_03),
    )
    assert reasons(q3)["QAA"] == [
        (
            SCORE_FELL,
            "Overall score down 0.3 since 2026/27 Q2 and down 0.4 in 2026/27 Q2 (since "
            "2025/26 Q4), each more than chance",
        )
    ]


def test_a_first_quarter_compared_with_nothing_is_no_warning(framework, q3, trust):
    quarters_of(trust, framework, {2: {}, 3: {"overall": DOWN_04}})
    assert reasons(q3) == {}


def test_a_quarter_below_the_minimum_gives_no_score_warning(framework, q3, trust, settings):
    settings.MIN_RESPONSES = 3
    quarters_of(
        trust,
        framework,
        {1: {}, 2: {"overall": DOWN_04}, 3: {"overall": DOWN_03}},
        respondents=2,
    )
    assert reasons(q3) == {}


def test_changes_never_worked_out_are_counted_not_guessed(framework, q3, trust):
    made = quarters_of(trust, framework, {1: {}, 2: {"overall": DOWN_04}, 3: {}})
    made[3].overall_result.changes = None
    made[3].overall_result.save()
    found = early_warnings_read(q3, EVERYONE)
    assert (found.warnings, found.not_worked_out) == ([], 1)


def test_an_earlier_change_never_worked_out_is_counted_not_passed_over(framework, q3, trust):
    """Q3 fell since Q2, but Q2's own change was published before changes were kept: whether
    it fell twice cannot be told, so it is counted with those not worked out."""
    made = quarters_of(trust, framework, {1: {}, 2: {"overall": DOWN_04}, 3: {"overall": DOWN_03}})
    assert reasons(q3)
    made[2].overall_result.changes = None
    made[2].overall_result.save()
    found = early_warnings_read(q3, EVERYONE)
    assert (found.warnings, found.not_worked_out) == ([], 1)


def test_the_warning_says_what_the_board_paper_says(framework, trust, coordinator, settings):
    """Through the actions: a board whose view fell a level a quarter; the warning's words
    are the paper's own for the same change."""
    settings.MIN_RESPONSES = 3
    (_, _, third), _ = falling_quarters(framework, trust, coordinator)
    inputs = paper_inputs(third)
    previous = comparison_quarter(inputs.history)
    paper = change_words(paper_changes(inputs, previous)["overall"], previous, lower=True)
    words = reasons(third.cycle)["QAA"][0][1]  # overall first, then each principle
    assert words.startswith(f"Overall score {paper} and down ")
    assert paper.startswith("down ")


# Response rate


def board_of(trust, size: int) -> list:
    return [new_board_member(trust) for _ in range(size)]


@pytest.mark.parametrize(
    ("board", "submitted", "words"),
    [
        (7, 3, "3 of 7 board members answered (43%), below half"),
        (8, 4, None),  # exactly half is not below it
        (7, 4, None),
    ],
)
def test_a_closed_quarters_response_rate_below_half_warns_as_published(
    q3, trust, coordinator, settings, board, submitted, words
):
    settings.MIN_RESPONSES = 3
    members = board_of(trust, board)
    assessment = assessment_open(trust=trust, cycle=q3, by=coordinator)
    for member in members[:submitted]:
        answer_everything(assessment, member)
    assessment_close(assessment=assessment, by=coordinator)
    board_of(trust, 3)  # joined after the results were published: the rate stands
    assert reasons(q3) == ({"QAA": [(RESPONSE_RATE, words)]} if words else {})


@pytest.mark.parametrize(
    ("days_before_closing", "words"),
    [
        (15, None),  # answers are only starting to come in
        (
            14,
            "1 of 3 board members have submitted so far, below half, and the questionnaire "
            "closes on 31 December 2026",
        ),
        (
            -1,
            "1 of 3 board members have submitted so far, below half, and its closing date, "
            "31 December 2026, has passed",
        ),
    ],
)
def test_an_open_quarters_response_rate_warns_only_near_its_closing_date(
    q3, trust, coordinator, days_before_closing, words
):
    members = board_of(trust, 3)
    assessment = assessment_open(trust=trust, cycle=q3, by=coordinator)
    answer_everything(assessment, members[0])
    answer_everything(assessment, members[1], submit=False)  # started, not submitted
    with on_day(q3.closes_on - datetime.timedelta(days=days_before_closing)):
        found = reasons(q3)
    assert found == ({"QAA": [(RESPONSE_RATE, words)]} if words else {})


def test_a_quarter_not_opened_has_no_response_rate_to_warn_of(q3, trust):
    board_of(trust, 4)
    AssessmentFactory(trust=trust, cycle=q3, status=AssessmentStatus.DRAFT)
    with on_day(q3.closes_on):
        assert reasons(q3) == {}


# Overdue board actions


def action(trust, due: datetime.date, status=ActionStatus.IN_PROGRESS):
    board_action_save(
        trust=trust,
        action=None,
        values=ActionInput(2, "Write the business case", "Director of Finance", due, status, ""),
        by=SETUP,
    )


def test_three_board_actions_overdue_warn_with_the_oldest_due_date(q3, trust):
    for day in (3, 1, 20):
        action(trust, datetime.date(2026, 10, day), ActionStatus.NOT_STARTED)
    with on_day(datetime.date(2026, 11, 1)):
        assert reasons(q3) == {
            "QAA": [(OVERDUE_ACTIONS, "3 board actions overdue, the oldest due 1 October 2026")]
        }


def test_actions_done_dropped_or_not_yet_due_are_not_overdue(q3, trust):
    action(trust, datetime.date(2026, 10, 1))
    action(trust, datetime.date(2026, 10, 2))
    action(trust, datetime.date(2026, 10, 3), ActionStatus.DONE)
    action(trust, datetime.date(2026, 10, 4), ActionStatus.DROPPED)
    action(trust, datetime.date(2026, 11, 1))  # due today: not overdue yet
    with on_day(datetime.date(2026, 11, 1)):
        assert reasons(q3) == {}
    assert rules.WARNING_OVERDUE_ACTIONS == 3


# Filters, order, queries


def overdue_since(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def warned_trust(framework, code: str, name: str, **where):
    """A trust whose overall score fell twice and with three actions overdue."""
    trust = TrustFactory(ods_code=code, name=name, **where)
    quarters_of(trust, framework, {1: {}, 2: {"overall": DOWN_04}, 3: {"overall": DOWN_03}})
    for days in (30, 20, 10):
        action(trust, overdue_since(days))
    return trust


@pytest.fixture
def several(framework, q3):
    warned_trust(framework, "QW1", "Wyvern Hospitals", region=Region.LONDON, icb_code="QW")
    warned_trust(
        framework,
        "QW2",
        "Avon Community",
        region=Region.NORTH_WEST,
        icb_code="QX",
        trust_type=TrustType.COMMUNITY,
    )
    warned_trust(framework, "QW3", "Marsh Mental Health", region=Region.LONDON, icb_code="QX")
    return q3


def test_trusts_come_by_name_never_ranked(several):
    assert [found.trust.name for found in early_warnings(several, EVERYONE)] == [
        "Avon Community",
        "Marsh Mental Health",
        "Wyvern Hospitals",
    ]


@pytest.mark.parametrize(
    ("filters", "codes"),
    [
        (Filters(region=Region.LONDON), ["QW3", "QW1"]),
        (Filters(icb="QX"), ["QW2", "QW3"]),
        (Filters(trust_type=TrustType.COMMUNITY), ["QW2"]),
        (Filters(region=Region.LONDON, icb="QX"), ["QW3"]),
    ],
)
def test_warnings_follow_the_region_icb_and_type_filters(several, filters, codes):
    assert list(reasons(several, filters)) == codes
    assert all(len(found) == 2 for found in reasons(several, filters).values())


def test_each_warning_names_the_trust_as_the_api_needs_it(several):
    found = early_warnings(several, Filters(trust_type=TrustType.COMMUNITY))[0]
    trust = found.trust
    assert (trust.ods_code, trust.name, trust.region, trust.icb_code, trust.trust_type) == (
        "QW2",
        "Avon Community",
        Region.NORTH_WEST,
        "QX",
        TrustType.COMMUNITY,
    )
    assert [reason.kind for reason in found.reasons] == [SCORE_FELL, OVERDUE_ACTIONS]


def test_early_warning_queries_stay_constant(framework, several, django_assert_num_queries):
    # completion counts, the quarter's closed results, the quarters they compare with,
    # the principles' titles, the open actions
    with django_assert_num_queries(5):
        assert len(early_warnings(several, EVERYONE)) == 3
    for n in range(6):
        warned_trust(framework, f"QV{n}", f"Vale {n}")
    with django_assert_num_queries(5):
        assert len(early_warnings(several, EVERYONE)) == 9


# The page and its file


def warning_page(client, cycle, **query):
    return client.get(reverse("national:early-warning", args=[cycle.slug]), query)


def warning_csv(client, cycle, **query):
    return client.get(reverse("national:early-warning-export", args=[cycle.slug]), query)


def test_page_lists_each_trust_with_its_reasons_and_a_link_to_its_page(
    signed_in, programme_staff, several
):
    content = text(warning_page(signed_in(programme_staff), several, region=Region.LONDON))
    assert "2 trusts with a reason in 2026/27 Q3" in content
    assert f'href="{reverse("national:programme-trust", args=["QW3"])}"' in content
    assert (
        "<strong>Score fell.</strong> Overall score down 0.3 since 2026/27 Q2 and down 0.4 "
        "the quarter before, each more than chance." in content
    )
    assert "Avon Community" not in content  # another region
    csv_link = reverse("national:early-warning-export", args=[several.slug]) + "?region=Y56"
    assert f'href="{csv_link}"' in content


def test_page_explains_each_rule_in_plain_words(signed_in, programme_staff, q3):
    content = text(warning_page(signed_in(programme_staff), q3))
    assert "No trust has a reason for an early warning in 2026/27 Q3" in content
    assert "Fewer than half (50%) of the board submitted" in content
    assert "from 14 days before its closing date" in content
    assert "3 or more of the board&#x27;s actions are still open" in content
    assert "more than chance alone would explain" in content


def test_page_says_which_changes_are_not_worked_out_yet(signed_in, programme_staff, framework, q3):
    trust = TrustFactory(ods_code="QZ1")
    OverallResultFactory(assessment=AssessmentFactory(trust=trust, cycle=q3, status="closed"))
    content = text(warning_page(signed_in(programme_staff), q3))
    assert "1 closed trust in 2026/27 Q3 had results for this quarter or the one before" in content
    assert "python manage.py rebuild_results" in content


def test_page_is_a_tab_beside_completion_and_comparison(signed_in, programme_staff, q3):
    client = signed_in(programme_staff)
    href = reverse("national:early-warning", args=[q3.slug])
    completion = text(client.get(reverse("national:programme-completion", args=[q3.slug])))
    assert f'<a href="{href}">Early warning</a>' in completion
    assert f'<a href="{href}" aria-current="page">Early warning</a>' in text(
        warning_page(client, q3)
    )


def test_csv_has_one_row_a_reason_with_documented_columns(signed_in, programme_staff, several):
    response = warning_csv(signed_in(programme_staff), several, icb="QX")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="early-warning-2026-27-q3.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [column.name for column in WARNING_COLUMNS]
    assert [row[:6] for row in rows[1:]] == [
        ["QW2", "Avon Community", "North West", "QX", "Community", SCORE_FELL],
        ["QW2", "Avon Community", "North West", "QX", "Community", OVERDUE_ACTIONS],
        ["QW3", "Marsh Mental Health", "London", "QX", "Acute", SCORE_FELL],
        ["QW3", "Marsh Mental Health", "London", "QX", "Acute", OVERDUE_ACTIONS],
    ]
    oldest = dateformat.format(overdue_since(30), "j F Y")
    assert rows[2][6] == f"3 board actions overdue, the oldest due {oldest}"


def test_a_filter_not_understood_is_left_out_not_an_error(signed_in, programme_staff, several):
    response = warning_page(signed_in(programme_staff), several, region="NOPE", icb="x" * 50)
    assert response.status_code == 200
    assert len(response.context["warnings"]) == 3


@pytest.mark.parametrize("read", [warning_page, warning_csv])
def test_early_warning_of_no_such_quarter_is_404(signed_in, programme_staff, q3, read):
    missing = type(q3)(year=2031, quarter=1)
    not_found(read(signed_in(programme_staff), missing))


@pytest.mark.parametrize("role", ["board_member", "coordinator"])
@pytest.mark.parametrize("read", [warning_page, warning_csv])
def test_early_warning_is_for_programme_staff_only(signed_in, request, q3, role, read):
    forbidden(read(signed_in(request.getfixturevalue(role)), q3))


@pytest.mark.parametrize("name", ["national:early-warning", "national:early-warning-export"])
def test_early_warning_asks_a_stranger_to_sign_in(client, q3, name):
    url = reverse(name, args=[q3.slug])
    to_sign_in(client.get(url), url)


def test_nothing_a_trust_sees_leads_to_the_early_warning(
    signed_in, coordinator, board_member, trust, q3
):
    for user in (coordinator, board_member):
        client = signed_in(user)
        for url in (reverse("quarter:home"), reverse("quarter:trust-detail", args=["QAA"])):
            assert "early-warning" not in text(client.get(url))


def test_the_demo_shows_programme_staff_a_board_whose_actions_slipped(db):
    seed_demo()
    current = Cycle.objects.first()  # the quarter the national view opens at
    found = {warning.trust.ods_code: warning for warning in early_warnings(current, EVERYONE)}
    overdue = [reason for reason in found[SLIPPING].reasons if reason.kind == OVERDUE_ACTIONS]
    assert len(overdue) == 1
    count = int(overdue[0].words.split()[0])
    assert count >= len(CARRIED_ACTIONS)
