"""The open data's figures and the rule that withholds them, on hand-made trusts: the
figures a group shows, worked out by hand; the groups withheld, and why; and adversaries
who take shown groups away from larger ones, or solve for a withheld trust's score from
the medians and quartiles shown, and learn nothing about any group of fewer than five."""

from fractions import Fraction as F
from itertools import combinations, combinations_with_replacement

from hypothesis import example, given, settings
from hypothesis import strategies as st

from reports.opendata.figures import (
    OVERALL,
    RATE,
    Place,
    Results,
    Withheld,
    quarter_figures,
    spread,
)

LONDON, NORTH_WEST, SOUTH_WEST, MIDLANDS = "Y56", "Y62", "Y58", "Y60"
ACUTE, MENTAL_HEALTH = "acute", "mental-health"
MINIMUM = 5  # rules.MIN_TRUSTS


def figures_of(trusts, numbers=(1,)):
    """``trusts``: (id, region, type, ICB, score); a score of None: asked without results;
    "not asked": not asked. Every principle and the overall score are the trust's score,
    and every board answered three quarters."""
    places = [Place(trust_id, region, kind, icb) for trust_id, region, kind, icb, _ in trusts]
    asked = [trust[0] for trust in trusts if trust[4] != "not asked"]
    results = {
        trust_id: Results(F(3, 4), dict.fromkeys(numbers, score), score)
        for trust_id, _, _, _, score in trusts
        if score not in (None, "not asked")
    }
    return {
        (group.group.kind, group.group.name): group
        for group in quarter_figures(places, asked, results, numbers)
    }


def london(count, first=1, icb="QL1", start=F(2)):
    """``count`` acute trusts in London scoring ``start``, then half a level more each."""
    return [(first + n, LONDON, ACUTE, icb, start + F(n, 2)) for n in range(count)]


# What a group shows


def test_a_group_of_five_shows_counts_median_response_rate_and_quartiles_exactly():
    found = figures_of(london(5))  # scores 2, 2.5, 3, 3.5, 4
    group = found[("region", "London")]
    assert (group.asked, group.with_results, group.withheld) == (5, 5, None)
    assert group.figures[1] == spread([F(2), F(5, 2), F(3), F(7, 2), F(4)])
    assert (group.figures[OVERALL].lower_quartile, group.figures[OVERALL].median) == (
        F(5, 2),
        F(3),
    )
    assert group.figures[OVERALL].upper_quartile == F(7, 2)
    assert group.figures[RATE].median == F(3, 4)
    assert found[("england", "England")].figures == group.figures


def test_quartiles_between_ranks_are_interpolated_as_the_inclusive_method():
    # Six scores 1..6: the lower quartile lies a quarter of the way from 2 to 3.
    found = spread([F(n) for n in (6, 1, 5, 2, 4, 3)])  # in any order
    assert (found.lower_quartile, found.median, found.upper_quartile) == (
        F(9, 4),
        F(7, 2),
        F(19, 4),
    )


def test_every_region_and_trust_type_has_a_row_and_an_icb_only_where_it_has_a_trust():
    found = figures_of(london(5))
    assert [kind for kind, _ in found].count("region") == 7
    assert [kind for kind, _ in found].count("trust_type") == 6
    assert [name for kind, name in found if kind == "icb"] == ["QL1"]
    empty = found[("region", "Midlands")]
    assert (empty.asked, empty.with_results, empty.withheld) == (0, 0, Withheld.TOO_FEW)


def test_a_group_of_four_with_results_is_withheld_counts_and_all():
    found = figures_of([*london(4), (9, LONDON, ACUTE, "QL1", None)])
    group = found[("region", "London")]
    assert (group.asked, group.with_results) == (5, 4)  # known to the rule, not shown
    assert group.withheld == Withheld.TOO_FEW
    assert set(group.figures.values()) == {None}


def test_a_principle_too_few_trusts_scored_is_blank_in_a_group_that_is_shown():
    trusts = london(5)
    # Two boards answered only "don't know" on principle 2: four trusts have no score.
    places = [Place(t[0], t[1], t[2], t[3]) for t in trusts]
    results = {t[0]: Results(F(1), {1: t[4], 2: t[4] if t[0] == 1 else None}, t[4]) for t in trusts}
    (england, *_) = quarter_figures(places, [t[0] for t in trusts], results, (1, 2))
    assert england.withheld is None
    assert england.figures[2] is None
    assert england.figures_withheld[2] == Withheld.TOO_FEW
    assert england.figures[1] is not None


# Working back: taking shown groups away from a larger one


def test_a_region_is_withheld_when_england_less_it_would_leave_one_trust():
    # London 5, the South West 1: England less London is the South West's one trust.
    found = figures_of([*london(5), (6, SOUTH_WEST, ACUTE, "QS1", F(5))])
    assert found[("region", "South West")].withheld == Withheld.TOO_FEW
    assert found[("region", "London")].withheld == Withheld.WORKING_BACK
    assert found[("icb", "QL1")].withheld == Withheld.WORKING_BACK
    assert found[("england", "England")].withheld is None
    # Acute is every trust, England's figures again: nothing is left to work out.
    assert found[("trust_type", "Acute")].withheld is None


def test_the_smallest_region_goes_first_and_withholding_stops_once_enough_are_left():
    trusts = (
        london(7)
        + [(20 + n, NORTH_WEST, ACUTE, "QN1", F(3)) for n in range(5)]
        + [(30, SOUTH_WEST, ACUTE, "QS1", F(5))]
    )
    found = figures_of(trusts)
    # England less London less the North West would be one trust: the North West (5,
    # smaller than London's 7) is withheld, leaving six trusts between the two withheld.
    assert found[("region", "North West")].withheld == Withheld.WORKING_BACK
    assert found[("region", "London")].withheld is None
    assert found[("england", "England")].withheld is None


def test_an_icb_is_withheld_when_its_region_less_it_would_leave_one_trust():
    trusts = (
        london(5, icb="QL1")
        + [(6, LONDON, ACUTE, "QL2", F(5))]
        + [(10 + n, NORTH_WEST, ACUTE, "QN1", F(3)) for n in range(5)]
    )
    found = figures_of(trusts)
    assert found[("region", "London")].withheld is None
    assert found[("icb", "QL2")].withheld == Withheld.TOO_FEW
    assert found[("icb", "QL1")].withheld == Withheld.WORKING_BACK


# London's six acute trusts in two ICBs of three, the North West's five mental health
# trusts in one ICB, and one community trust in the South West. Taking London away from
# England leaves eleven, and the North West's ICB six: but the two together leave one.
REGION_AND_ICB = [
    *london(3, icb="QL1"),
    *london(3, first=4, icb="QL2"),
    *((10 + n, NORTH_WEST, MENTAL_HEALTH, "QN1", F(2)) for n in range(5)),
    (20, SOUTH_WEST, "community", "QS1", F(5)),
]
# The same, with the South West's trust acute: Acute less London is that one trust too.
TYPE_AND_REGION = [*REGION_AND_ICB[:-1], (20, SOUTH_WEST, ACUTE, "QS1", F(5))]


def test_a_region_and_an_icb_taken_away_together_are_caught():
    found = figures_of(REGION_AND_ICB)
    shown = sorted(key for key, group in found.items() if group.withheld is None)
    assert shown == [("england", "England"), ("region", "London"), ("trust_type", "Acute")]
    assert found[("icb", "QN1")].withheld == Withheld.WORKING_BACK
    assert found[("region", "North West")].withheld == Withheld.WORKING_BACK


def test_a_region_inside_a_trust_type_is_taken_away_from_it():
    found = figures_of(TYPE_AND_REGION)
    assert found[("trust_type", "Acute")].withheld is None
    assert found[("region", "London")].withheld == Withheld.WORKING_BACK


def test_counts_never_leave_trusts_asked_without_results():
    # London 5 with results; one South West trust asked, without results. England less
    # London would say one trust was asked there and has none.
    found = figures_of([*london(5), (6, SOUTH_WEST, ACUTE, "QS1", None)])
    assert found[("region", "London")].withheld == Withheld.WORKING_BACK
    assert (found[("england", "England")].asked, found[("england", "England")].withheld) == (
        6,
        None,
    )


def test_a_trust_not_asked_changes_nothing():
    asked_only = figures_of(london(5))
    with_one_not_asked = figures_of([*london(5), (6, MIDLANDS, ACUTE, "QM1", "not asked")])
    assert with_one_not_asked[("region", "London")].withheld is None
    assert with_one_not_asked[("england", "England")].asked == 5
    assert with_one_not_asked[("region", "London")].figures == (
        asked_only[("region", "London")].figures
    )


def test_a_figure_is_withheld_where_england_less_a_region_would_leave_four_scores():
    # Principle 2: one North West board answered only "don't know". The North West's
    # principle 2 rests on four trusts (blank); England's less London's would be those four.
    trusts = london(5) + [(10 + n, NORTH_WEST, ACUTE, "QN1", F(3)) for n in range(5)]
    places = [Place(t[0], t[1], t[2], t[3]) for t in trusts]
    results = {
        t[0]: Results(F(1), {1: t[4], 2: None if t[0] == 10 else t[4]}, t[4]) for t in trusts
    }
    found = {
        (g.group.kind, g.group.name): g
        for g in quarter_figures(places, [t[0] for t in trusts], results, (1, 2))
    }
    north_west, london_group = found[("region", "North West")], found[("region", "London")]
    assert north_west.figures_withheld == {2: Withheld.TOO_FEW}
    assert london_group.figures_withheld == {2: Withheld.WORKING_BACK}
    assert london_group.withheld is None
    assert london_group.figures[1] is not None
    assert found[("england", "England")].figures[2] is not None


# The adversaries


def shown_parts(found, places):
    """What an adversary knows: each shown group's trusts (anyone can look up where each
    trust sits) and its published count of trusts with results."""
    members = {}
    for place in places:
        for key in (
            ("england", "England"),
            ("region", place.region),
            ("trust_type", place.trust_type),
            ("icb", place.icb),
        ):
            members.setdefault(key, set()).add(place.trust_id)
    names = {(g.group.kind, g.group.name): g.group.code for g in found.values()}
    return [
        (
            frozenset(members.get((kind, names[(kind, name)] if kind != "england" else name), ())),
            group,
        )
        for (kind, name), group in found.items()
        if group.withheld is None
    ]


def worked_back_counts(found, places) -> list[tuple[int, int]]:
    """(trusts with results, trusts asked) of every set an adversary can count by taking
    shown groups that share no trust away from a shown group they lie inside: every such
    choice, tried one by one."""
    shown = shown_parts(found, places)
    counted = []
    for whole_trusts, whole in shown:
        inside = [(t, g) for t, g in shown if t < whole_trusts]
        for size in range(1, len(inside) + 1):
            for chosen in combinations(inside, size):
                if any(not a.isdisjoint(b) for (a, _), (b, _) in combinations(chosen, 2)):
                    continue
                counted.append(
                    (
                        whole.with_results - sum(g.with_results for _, g in chosen),
                        whole.asked - sum(g.asked for _, g in chosen),
                    )
                )
    return counted


def test_the_counting_adversary_finds_a_region_of_one_where_working_back_is_skipped():
    """The adversary is not vacuous: were London shown beside England, it would count
    the South West's one trust."""
    trusts = [*london(5), (6, SOUTH_WEST, ACUTE, "QS1", F(5))]
    found = figures_of(trusts)
    found[("region", "London")].withheld = None  # as if the rule had stopped at "too few"
    places = [Place(t[0], t[1], t[2], t[3]) for t in trusts]
    assert (1, 1) in worked_back_counts(found, places)


REGIONS = (LONDON, NORTH_WEST, SOUTH_WEST)
KINDS = (ACUTE, MENTAL_HEALTH, "community")
scores = st.one_of(st.none(), st.just("not asked"), st.integers(2, 10).map(lambda n: F(n, 2)))


@st.composite
def countries(draw):
    """Up to 18 trusts in three regions, with up to two ICBs in each (an ICB lies within
    one region, as NHS England's do) and only some of three trust types in each region,
    so that a type may lie within one region, or a region hold one type."""
    types_in = {
        region: draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=2, unique=True))
        for region in REGIONS
    }
    trusts = []
    for trust_id in range(draw(st.integers(1, 18))):
        region = draw(st.sampled_from(REGIONS))
        icb = f"Q{region[-1]}{draw(st.integers(1, 2))}"
        kind = draw(st.sampled_from(types_in[region]))
        trusts.append((trust_id, region, kind, icb, draw(scores)))
    return trusts


@settings(max_examples=300)
@given(countries())
@example(REGION_AND_ICB)
@example(TYPE_AND_REGION)
def test_no_adversary_counts_fewer_than_five_trusts_by_taking_groups_away(trusts):
    found = figures_of(trusts)
    places = [Place(t[0], t[1], t[2], t[3]) for t in trusts]
    for with_results, asked in worked_back_counts(found, places):
        assert with_results == 0 or with_results >= MINIMUM
        if with_results == 0:
            assert asked == 0


@given(countries())
def test_every_shown_group_rests_on_five_trusts_or_more(trusts):
    for group in figures_of(trusts).values():
        if group.withheld is None:
            assert group.with_results >= MINIMUM
        assert (group.withheld is None) or set(group.figures.values()) == {None}


HALVES = [F(n, 2) for n in range(2, 11)]  # the scores the adversary tries: 1, 1.5, ... 5


def scores_consistent(england, london=None) -> set[F]:
    """Each score the South West's one trust could have, given England's spread of six and
    (where shown) London's spread of five, trying every set of London scores there could
    be. London's quartiles of five are its second, third and fourth scores exactly."""
    londons = [
        chosen
        for chosen in combinations_with_replacement(HALVES, 5)
        if london is None or spread(chosen) == london
    ]
    return {
        hidden
        for hidden in HALVES
        if any(spread([*chosen, hidden]) == england for chosen in londons)
    }


def test_a_withheld_trusts_score_cannot_be_solved_for_from_the_medians_shown():
    # London's five: 1, 2, 3, 4, 5; the South West's one trust: 2.5. England's six have a
    # median of 2.75, which London's three middle scores (2, 3, 4) would pin to one value.
    trusts = [(n, LONDON, ACUTE, "QL1", F(n)) for n in range(1, 6)]
    trusts.append((6, SOUTH_WEST, ACUTE, "QS1", F(5, 2)))
    found = figures_of(trusts)
    england = found[("england", "England")].figures[OVERALL]
    assert england.median == F(11, 4)
    # Had London's spread been shown beside England's, the adversary would have it.
    london_spread = spread([F(n) for n in range(1, 6)])
    assert scores_consistent(england, london_spread) == {F(5, 2)}
    # It is withheld, and England's alone leaves the score anywhere from 1 to 5.
    assert found[("region", "London")].withheld == Withheld.WORKING_BACK
    shown = [g for g in found.values() if g.withheld is None]
    assert [(g.group.kind, g.group.name) for g in shown] == [
        ("england", "England"),
        ("trust_type", "Acute"),  # every trust: England's figures again
    ]
    candidates = scores_consistent(england)
    assert F(5, 2) in candidates
    assert len(candidates) > 1
