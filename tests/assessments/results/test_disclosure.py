"""The disclosure rule as pure functions (assessments.results.disclosure), and who the audit trail
names."""

from types import SimpleNamespace

from django.urls import reverse

from assessments.results.disclosure import changed, decide, rule_in_words
from tests.helpers import answer_everything

EXEC, NON = "executive", "non_executive"


def fingerprints(**members):
    """fingerprints(a=("executive", "v1"), ...) as a release stores them."""
    return members


def release(number, responses, *, figures=True, groups=False):
    return SimpleNamespace(
        number=number,
        responses_fingerprints=responses,
        figures_shown=figures,
        groups_shown=groups,
    )


FIRST = fingerprints(
    a=(EXEC, "1"), b=(EXEC, "1"), c=(EXEC, "1"), d=(NON, "1"), e=(NON, "1"), f=(NON, "1")
)


def test_changed_counts_new_changed_and_gone_responses():
    later = {**FIRST, "a": (EXEC, "2"), "g": (EXEC, "1")}
    del later["b"]
    assert changed(FIRST, later) == 3
    assert changed(FIRST, later, EXEC) == 3
    assert changed(FIRST, later, NON) == 0


def test_first_release_publishes_with_groups_when_each_group_reaches_the_minimum():
    decision = decide(FIRST, [], 3)
    assert (decision.publish, decision.figures_shown, decision.groups_shown) == (True, True, True)


def test_first_release_below_the_minimum_publishes_no_figures():
    decision = decide(fingerprints(a=(EXEC, "1"), d=(NON, "1")), [], 3)
    assert (decision.publish, decision.figures_shown, decision.groups_shown) == (
        True,
        False,
        False,
    )


def test_a_release_changed_by_fewer_than_the_minimum_is_held():
    later = {**FIRST, "g": (EXEC, "1"), "h": (NON, "1")}
    decision = decide(later, [release(1, FIRST, groups=True)], 3)
    assert not decision.publish
    assert "2 responses differ from release 1" in decision.reason


def test_an_unchanged_release_is_not_made_again():
    assert not decide(FIRST, [release(1, FIRST)], 3).publish


def test_every_earlier_release_counts_not_only_the_latest():
    second = {**FIRST, "g": (EXEC, "1"), "h": (NON, "1"), "i": (NON, "1")}
    # Back to the first release but for one answer: 3 from the second, 1 from the first.
    third = {**FIRST, "a": (EXEC, "2")}
    earlier = [release(2, second), release(1, FIRST)]
    assert not decide(third, earlier, 3).publish


def test_releases_that_showed_no_figures_do_not_hold_back_the_next():
    few = fingerprints(a=(EXEC, "1"), d=(NON, "1"))
    decision = decide({**few, "b": (EXEC, "1")}, [release(1, few, figures=False)], 3)
    assert (decision.publish, decision.figures_shown) == (True, True)


def test_group_figures_are_left_out_when_one_group_changed_by_too_few():
    later = {**FIRST, "g": (EXEC, "1"), "h": (EXEC, "1"), "i": (NON, "1")}
    decision = decide(later, [release(1, FIRST, groups=True)], 3)
    assert (decision.publish, decision.groups_shown) == (True, False)


def test_group_figures_stay_when_each_group_changed_by_none_or_enough():
    later = {**FIRST, "g": (EXEC, "1"), "h": (EXEC, "1"), "i": (EXEC, "1")}
    decision = decide(later, [release(1, FIRST, groups=True)], 3)
    assert (decision.publish, decision.groups_shown) == (True, True)


def test_the_rule_in_words_names_the_minimum():
    words = rule_in_words(4)
    assert "at least 4 board members have submitted" in words
    assert "only when the quarter closes" in words


def test_start_page_states_the_rule(signed_in, board_member, assessment, settings):
    page = signed_in(board_member).get(
        reverse(
            "questionnaire:questionnaire-start",
            args=[assessment.trust.ods_code, assessment.cycle.slug],
        )
    )
    assert rule_in_words(settings.MIN_RESPONSES) in page.content.decode()


def test_audit_trail_names_who_submitted_to_the_coordinator_only(
    signed_in, coordinator, programme_staff, board_member, assessment
):
    answer_everything(assessment, board_member, 3)
    url = reverse("trusts:audit-trail", args=[assessment.trust.ods_code])
    for_coordinator = signed_in(coordinator).get(url).content.decode()
    assert "Bea Member" in for_coordinator
    for_programme = signed_in(programme_staff).get(url).content.decode()
    assert "Bea Member" not in for_programme
    assert "A board member" in for_programme
