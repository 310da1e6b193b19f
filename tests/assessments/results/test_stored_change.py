"""Each quarter's change since the one before, kept with its overall result when its results
are published: the same change, interval and quarter compared with as the board paper
shows, whatever happens after (a reopen, an erasure, a rebuild)."""

from io import StringIO

import pytest
from django.core.management import call_command

from assessments.models import OverallResult, Release
from assessments.privacy.erasure import person_erase
from assessments.quarter.actions import assessment_close, assessment_open, assessment_reopen
from assessments.results import change, rules
from assessments.results.disclosure import latest_release
from reports.national.queries import Filters
from reports.national.warning import early_warnings
from reports.paper.change import changes_of as paper_changes
from reports.paper.selectors import comparison_quarter, paper_inputs
from tests.factories import SETUP
from tests.helpers import answer_everything, new_board_member, quarter_of_year

LEVEL = {1: 4, 2: 3, 3: 2}  # each quarter's usual level: the board's view falls a level a quarter


def scores(quarter: int, index: int):
    """Member ``index``'s answers in 2026/27 Q``quarter``: the quarter's level, a member's
    own leaning, questions apart; principle 2 stays where it was, and a "don't know" on
    principle 8 from the first member."""

    def score(question):
        if question.principle.number == 8 and index == 0:
            return None
        level = 3 if question.principle.number == 2 else LEVEL[quarter]
        return max(1, min(5, level + (index % 3) - 1 + (question.order == 2) * (index % 2)))

    return score


def falling_quarters(framework, trust, coordinator) -> tuple[list, list]:
    """Three closed quarters of one trust, 2026/27 Q1 to Q3, five members answering: its
    quarters and its members."""
    members = [new_board_member(trust) for _ in range(5)]
    quarters = []
    for quarter in (1, 2, 3):
        cycle = quarter_of_year(framework, 2026, quarter)
        assessment = assessment_open(trust=trust, cycle=cycle, by=coordinator)
        for index, member in enumerate(members):
            answer_everything(assessment, member, scores(quarter, index))
        quarters.append(assessment_close(assessment=assessment, by=coordinator))
    return quarters, members


@pytest.fixture
def falling(framework, trust, coordinator, settings):
    settings.MIN_RESPONSES = 3
    return falling_quarters(framework, trust, coordinator)


def kept(assessment) -> change.StoredChanges | None:
    return change.stored(OverallResult.objects.get(assessment=assessment).changes)


def as_paper_shows(assessment) -> tuple[str | None, dict]:
    """The quarter compared with and each change, as the board paper works them out."""
    inputs = paper_inputs(assessment)
    previous = comparison_quarter(inputs.history)
    if previous is None:
        return None, {}
    return previous.label, {
        key: (found.value, found.interval) for key, found in paper_changes(inputs, previous).items()
    }


def as_kept(assessment) -> tuple[str | None, dict]:
    found = kept(assessment)
    return found.since, {
        key: (stored.value, stored.interval) for key, stored in found.changes.items()
    }


def test_stored_change_agrees_with_the_board_paper(falling):
    (_, second, third), _ = falling
    for assessment in (second, third):
        assert as_kept(assessment) == as_paper_shows(assessment)
    since, changes = as_kept(third)
    assert since == "2026/27 Q2"
    assert kept(third).since_assessment == second.pk
    assert set(changes) == {*range(1, 9), "overall"}
    assert all(interval is not None for _, interval in changes.values())


def test_stored_change_reads_down_where_the_board_paper_says_down(falling):
    (_, second, third), _ = falling
    for assessment in (second, third):
        found = kept(assessment).changes
        assert found["overall"].direction == rules.Direction.DOWN
        assert found[1].direction == rules.Direction.DOWN
        assert found[2].direction == rules.Direction.NONE  # the level stayed put
        assert found[2].value == 0


def test_stored_change_of_a_first_quarter_names_nothing_to_compare(falling):
    (first, _, _), _ = falling
    assert kept(first) == change.StoredChanges(None, None, {})


def test_stored_change_is_empty_where_too_few_answered(framework, trust, coordinator, settings):
    settings.MIN_RESPONSES = 3
    members = [new_board_member(trust) for _ in range(3)]
    for quarter, answering in ((1, 3), (2, 2)):
        assessment = assessment_open(
            trust=trust, cycle=quarter_of_year(framework, 2026, quarter), by=coordinator
        )
        for index, member in enumerate(members[:answering]):
            answer_everything(assessment, member, scores(quarter, index))
        assessment_close(assessment=assessment, by=coordinator)
    assert kept(assessment) == change.StoredChanges(None, None, {})


def test_stored_change_skips_a_quarter_published_without_figures(
    framework, trust, coordinator, settings
):
    settings.MIN_RESPONSES = 3
    members = [new_board_member(trust) for _ in range(4)]
    for quarter, answering in ((1, 4), (2, 2), (3, 4)):
        assessment = assessment_open(
            trust=trust, cycle=quarter_of_year(framework, 2026, quarter), by=coordinator
        )
        for index, member in enumerate(members[:answering]):
            answer_everything(assessment, member, scores(quarter, index))
        assessment_close(assessment=assessment, by=coordinator)
    assert kept(assessment).since == "2026/27 Q1"
    assert as_kept(assessment) == as_paper_shows(assessment)


def test_a_reopened_quarter_published_again_moves_the_later_quarters_change(falling, coordinator):
    (_, second, third), members = falling
    before = kept(third)
    assessment_reopen(assessment=second, reason="Every member changed their view", by=coordinator)
    for member in members:
        answer_everything(second, member, 1)
    assessment_close(assessment=second, by=coordinator)
    assert kept(third) != before
    assert as_kept(third) == as_paper_shows(third)
    assert kept(third).changes["overall"].direction == rules.Direction.UP  # from all ones


def agree_with_the_board_paper(*quarters) -> bool:
    return all(as_kept(assessment) == as_paper_shows(assessment) for assessment in quarters)


def test_a_reopen_moves_the_later_quarters_change_to_the_one_before_as_its_paper(
    falling, coordinator
):
    """While a quarter is reopened, the next one's paper (reading closed quarters only)
    compares with the quarter before it; so does its kept change, and both come back when
    the reopened quarter closes, here unchanged (held: no new release)."""
    (first, second, third), _ = falling
    published = as_kept(third)
    assessment_reopen(assessment=second, reason="A member asked", by=coordinator)
    assert kept(third).since == "2026/27 Q1"
    assert kept(third).since_assessment == first.pk
    assert agree_with_the_board_paper(third)
    releases = Release.objects.filter(assessment=second).count()
    assessment_close(assessment=second, by=coordinator)
    assert Release.objects.filter(assessment=second).count() == releases  # held
    assert as_kept(third) == published
    assert agree_with_the_board_paper(second, third)


def test_an_earlier_quarter_published_again_while_a_later_is_reopened_moves_it_at_its_close(
    falling, coordinator
):
    """Q2 reopened, then Q1 reopened, changed and closed (a new release), then Q2 closed
    unchanged (held): Q2's kept change compares with Q1 as it now stands, as its paper
    does, and Q3 warns of no fall that Q2's paper does not show."""
    (first, second, third), members = falling
    assert early_warnings(third.cycle, Filters())  # down twice, as published
    assessment_reopen(assessment=second, reason="A member asked", by=coordinator)
    assessment_reopen(assessment=first, reason="Every member changed their view", by=coordinator)
    for member in members:
        answer_everything(first, member, 1)
    assessment_close(assessment=first, by=coordinator)
    releases = Release.objects.filter(assessment=second).count()
    assessment_close(assessment=second, by=coordinator)
    assert Release.objects.filter(assessment=second).count() == releases  # held
    assert agree_with_the_board_paper(second, third)
    assert kept(second).changes["overall"].direction == rules.Direction.UP  # from all ones
    assert early_warnings(third.cycle, Filters()) == []


def test_a_rebuild_during_a_reopen_then_an_unchanged_close_keeps_the_published_change(
    falling, coordinator
):
    """rebuild_results run while Q2 is reopened works Q3 out against Q1 (as Q3's paper
    says then); Q2 closed unchanged (held) brings Q3 back to Q2."""
    (_, second, third), _ = falling
    published = as_kept(third)
    assessment_reopen(assessment=second, reason="A member asked", by=coordinator)
    call_command("rebuild_results", stdout=StringIO())
    assert kept(third).since == "2026/27 Q1"
    assert agree_with_the_board_paper(third)
    assessment_close(assessment=second, by=coordinator)
    assert as_kept(third) == published
    assert agree_with_the_board_paper(second, third)


def test_results_published_out_of_order_still_agree_with_the_board_paper(
    framework, trust, coordinator, settings
):
    """A seeder may close the later quarter first: publishing the earlier one works the
    later one's change out again."""
    settings.MIN_RESPONSES = 3
    members = [new_board_member(trust) for _ in range(4)]
    later = assessment_open(trust=trust, cycle=quarter_of_year(framework, 2026, 2), by=coordinator)
    earlier = assessment_open(
        trust=trust, cycle=quarter_of_year(framework, 2026, 1), by=coordinator
    )
    for assessment, quarter in ((later, 2), (earlier, 1)):
        for index, member in enumerate(members):
            answer_everything(assessment, member, scores(quarter, index))
    assessment_close(assessment=later, by=coordinator)
    assert kept(later).since is None
    assessment_close(assessment=earlier, by=coordinator)
    assert kept(later).since == "2026/27 Q1"
    assert as_kept(later) == as_paper_shows(later)


def test_rebuild_results_fills_changes_never_worked_out(falling):
    quarters, _ = falling
    published = [kept(assessment) for assessment in quarters]
    OverallResult.objects.update(changes=None)
    call_command("rebuild_results", stdout=StringIO())
    assert [kept(assessment) for assessment in quarters] == published


def test_rebuild_results_works_changes_out_oldest_quarter_first(falling):
    quarters, _ = falling
    published = [kept(assessment) for assessment in quarters]
    OverallResult.objects.all().delete()
    call_command("rebuild_results", stdout=StringIO())
    assert [kept(assessment) for assessment in quarters] == published


def test_after_an_erasure_the_kept_change_is_still_what_the_paper_published(falling):
    """Erasing a member settles the papers that used their answers: the kept intervals, the
    paper's and a rebuild's are the ones published."""
    (_, second, third), members = falling
    published = [kept(second), kept(third)]
    person_erase(user=members[0], by=SETUP)
    assert latest_release(third).settled["changes"]  # kept as the paper published them
    call_command("rebuild_results", stdout=StringIO())
    assert [kept(second), kept(third)] == published
    for assessment in (second, third):
        assert as_kept(assessment) == as_paper_shows(assessment)
