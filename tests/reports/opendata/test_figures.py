"""The open data's figures and the rules that withhold them, on hand-made trusts: the
figures a group shows, worked out by hand; the groups and figures withheld, and why; and
adversaries who take shown groups away from larger ones, solve for a withheld trust's score
from the medians and quartiles shown, or match the values two groups publish to the one
trust they share, and learn nothing about any group of fewer than five trusts, nor any
trust's score."""

import random
from fractions import Fraction as F
from itertools import combinations, combinations_with_replacement

from hypothesis import example, given, settings
from hypothesis import strategies as st

from assessments.results import rules
from reports.opendata import files
from reports.opendata.figures import (
    ENGLAND,
    OPEN_DATA_SPREAD_TRUSTS,
    OVERALL,
    RATE,
    REGION,
    TRUST_TYPE,
    Place,
    Results,
    Withheld,
    quarter_figures,
    spread,
)
from trusts.models import Region, TrustType

LONDON, NORTH_WEST, SOUTH_WEST, MIDLANDS = "Y56", "Y62", "Y58", "Y60"
ACUTE, MENTAL_HEALTH, AMBULANCE = "acute", "mental-health", "ambulance"
MINIMUM = 5  # rules.MIN_TRUSTS
SPREAD = 10  # OPEN_DATA_SPREAD_TRUSTS


def figures_of(trusts, numbers=(1,), unscored=(), **rule):
    """``trusts``: (id, region, type, score); a score of None: asked without results;
    "not asked": not asked. Every principle and the overall score are the trust's score,
    but principle 2 is None (only "don't know") for the trusts ``unscored``; every board
    answered three quarters. ``rule``: quarter_figures' own (spread_minimum)."""
    places = [Place(trust_id, region, kind) for trust_id, region, kind, _ in trusts]
    asked = [trust[0] for trust in trusts if trust[3] != "not asked"]
    results = {
        trust_id: Results(
            F(3, 4),
            {n: None if n == 2 and trust_id in unscored else score for n in numbers},
            score,
        )
        for trust_id, _, _, score in trusts
        if score not in (None, "not asked")
    }
    return {
        (group.group.kind, group.group.name): group
        for group in quarter_figures(places, asked, results, numbers, **rule)
    }


def london(count, first=1, start=F(2), step=F(1, 4)):
    """``count`` acute trusts in London scoring ``start``, then a quarter of a level more
    each."""
    return [(first + n, LONDON, ACUTE, start + n * step) for n in range(count)]


def rows_of(found, numbers=(1,)):
    """The files' rows, by group: as published."""
    rows = files.rows(list(found.values()), quarter="2026/27 Q3", numbers=numbers)
    return {(row["group_type"], row["group_name"]): row for row in rows}


# What a group shows


def test_a_spread_rests_on_twice_as_many_trusts_as_anything_shown():
    assert OPEN_DATA_SPREAD_TRUSTS == 2 * rules.MIN_TRUSTS == SPREAD


def test_a_group_of_ten_shows_counts_median_response_rate_and_quartiles_exactly():
    found = figures_of(london(10))  # scores 2, 2.25, ... 4.25
    group = found[("region", "London")]
    assert (group.asked, group.with_results, group.withheld) == (10, 10, None)
    assert group.figures[1] == spread([F(2) + F(n, 4) for n in range(10)])
    overall = group.figures[OVERALL]
    # Ranks 2.25, 4.5 and 6.75 of 0 to 9: between the scores either side.
    assert (overall.lower_quartile, overall.median, overall.upper_quartile) == (
        F(41, 16),
        F(25, 8),
        F(59, 16),
    )
    assert group.figures[RATE].median == F(3, 4)
    assert found[("england", "England")].figures == group.figures


def test_a_group_of_nine_shows_its_counts_only_and_one_of_ten_its_spread_to_one_place():
    nine, ten = rows_of(figures_of(london(9))), rows_of(figures_of(london(10)))
    shown = nine[("region", "London")]
    assert (shown["suppressed"], shown["trusts_asked"], shown["trusts_with_results"]) == (
        False,
        9,
        9,
    )
    assert all(value is None for name, value in shown.items() if files.is_figure(name))
    assert shown["response_rate_median"] is None  # the same rule
    shown = ten[("region", "London")]
    assert (
        shown["overall_lower_quartile"],
        shown["overall_median"],
        shown["overall_upper_quartile"],
    ) == ("2.6", "3.1", "3.7")  # 2.5625, 3.125 and 3.6875, rounded once, half up
    assert shown["principle_1_median"] == "3.1"
    assert shown["response_rate_median"] == "0.75"  # a share, to the whole per cent


def test_a_spread_withheld_for_too_few_says_so_to_programme_staff():
    group = figures_of(london(9))[("region", "London")]
    assert group.withheld is None
    assert group.figures_withheld == {
        RATE: Withheld.TOO_FEW,
        1: Withheld.TOO_FEW,
        OVERALL: Withheld.TOO_FEW,
    }


def test_quartiles_between_ranks_are_interpolated_as_the_inclusive_method():
    # Six scores 1..6: the lower quartile lies a quarter of the way from 2 to 3.
    found = spread([F(n) for n in (6, 1, 5, 2, 4, 3)])  # in any order
    assert (found.lower_quartile, found.median, found.upper_quartile) == (
        F(9, 4),
        F(7, 2),
        F(19, 4),
    )


def test_england_every_region_and_every_trust_type_have_a_row_and_nothing_else_does():
    found = figures_of(london(5))
    assert [kind for kind, _ in found] == [ENGLAND] + [REGION] * 7 + [TRUST_TYPE] * 6
    assert [name for kind, name in found if kind == REGION] == Region.labels
    assert [name for kind, name in found if kind == TRUST_TYPE] == TrustType.labels
    empty = found[("region", "Midlands")]
    assert (empty.asked, empty.with_results, empty.withheld) == (0, 0, Withheld.TOO_FEW)


def test_a_group_of_four_with_results_is_withheld_counts_and_all():
    found = figures_of([*london(4), (9, LONDON, ACUTE, None)])
    group = found[("region", "London")]
    assert (group.asked, group.with_results) == (5, 4)  # known to the rule, not shown
    assert group.withheld == Withheld.TOO_FEW
    assert set(group.figures.values()) == {None}


def test_a_principle_too_few_trusts_scored_is_blank_in_a_group_that_is_shown():
    # One board of ten answered only "don't know" on principle 2: nine trusts have a score.
    found = figures_of(london(10), numbers=(1, 2), unscored={1})
    england = found[("england", "England")]
    assert england.withheld is None
    assert england.figures[2] is None
    assert england.figures_withheld[2] == Withheld.TOO_FEW
    assert england.figures[1] is not None


# Working back: taking shown groups away from a larger one


def test_a_region_is_withheld_when_england_less_it_would_leave_one_trust():
    # London 5, the South West 1: England less London is the South West's one trust.
    found = figures_of([*london(5), (6, SOUTH_WEST, ACUTE, F(5))])
    assert found[("region", "South West")].withheld == Withheld.TOO_FEW
    assert found[("region", "London")].withheld == Withheld.WORKING_BACK
    assert found[("england", "England")].withheld is None
    # Acute is every trust, England's figures again: nothing is left to work out.
    assert found[("trust_type", "Acute")].withheld is None


def test_the_smallest_region_goes_first_and_withholding_stops_once_enough_are_left():
    trusts = (
        london(7)
        + [(20 + n, NORTH_WEST, ACUTE, F(3)) for n in range(5)]
        + [(30, SOUTH_WEST, ACUTE, F(5))]
    )
    found = figures_of(trusts)
    # England less London less the North West would be one trust: the North West (5,
    # smaller than London's 7) is withheld, leaving six trusts between the two withheld.
    assert found[("region", "North West")].withheld == Withheld.WORKING_BACK
    assert found[("region", "London")].withheld is None
    assert found[("england", "England")].withheld is None


def test_a_spread_is_withheld_where_england_less_a_region_would_leave_six_trusts():
    # London 10 and the North West 6: both show their counts, only London a spread. But
    # England's spread less London's would be the North West's six: London's is withheld.
    found = figures_of(london(10) + [(20 + n, NORTH_WEST, ACUTE, F(3)) for n in range(6)])
    north_west, london_group = found[("region", "North West")], found[("region", "London")]
    assert (north_west.withheld, north_west.figures_withheld[OVERALL]) == (None, Withheld.TOO_FEW)
    assert london_group.withheld is None
    assert london_group.figures_withheld[OVERALL] == Withheld.WORKING_BACK
    assert london_group.figures[OVERALL] is None
    assert found[("england", "England")].figures[OVERALL] is not None


# London's six acute trusts, the North West's five mental health trusts, and one acute
# trust in the South West: Acute less London is that one trust.
TYPE_AND_REGION = [
    *london(6),
    *((10 + n, NORTH_WEST, MENTAL_HEALTH, F(2)) for n in range(5)),
    (20, SOUTH_WEST, ACUTE, F(5)),
]


def test_a_region_inside_a_trust_type_is_taken_away_from_it():
    found = figures_of(TYPE_AND_REGION)
    assert found[("trust_type", "Acute")].withheld is None
    assert found[("region", "London")].withheld == Withheld.WORKING_BACK


# London's five acute trusts and one mental health trust, the South West's five acute
# trusts, the North West's five mental health and five community trusts. England less
# the regions, or less the types, leaves nothing, and no region less the types inside it,
# nor type less the regions, leaves too few: but England less Acute less the North West
# is London's one mental health trust.
TYPE_THEN_REGION = [
    *london(5),
    (6, LONDON, MENTAL_HEALTH, F(2)),
    *((10 + n, SOUTH_WEST, ACUTE, F(3)) for n in range(5)),
    *((20 + n, NORTH_WEST, MENTAL_HEALTH, F(4)) for n in range(5)),
    *((30 + n, NORTH_WEST, "community", F(4)) for n in range(5)),
]


def test_a_trust_type_and_then_a_region_taken_away_together_are_caught():
    found = figures_of(TYPE_THEN_REGION)
    # Acute and the North West both have ten trusts: the region is first in the file.
    assert found[("region", "North West")].withheld == Withheld.WORKING_BACK
    assert found[("trust_type", "Acute")].withheld is None
    assert found[("region", "London")].withheld is None


def test_counts_never_leave_trusts_asked_without_results():
    # London 5 with results; one South West trust asked, without results. England less
    # London would say one trust was asked there and has none.
    found = figures_of([*london(5), (6, SOUTH_WEST, ACUTE, None)])
    assert found[("region", "London")].withheld == Withheld.WORKING_BACK
    assert (found[("england", "England")].asked, found[("england", "England")].withheld) == (
        6,
        None,
    )


def test_a_trust_not_asked_changes_nothing():
    asked_only = figures_of(london(10))
    with_one_not_asked = figures_of([*london(10), (16, MIDLANDS, ACUTE, "not asked")])
    assert with_one_not_asked[("region", "London")].withheld is None
    assert with_one_not_asked[("england", "England")].asked == 10
    assert with_one_not_asked[("region", "London")].figures == (
        asked_only[("region", "London")].figures
    )


def test_a_figure_is_withheld_where_england_less_a_region_would_leave_nine_scores():
    # Principle 2: one North West board answered only "don't know". The North West's
    # principle 2 rests on nine trusts (blank); England's less London's would be those nine.
    trusts = london(10) + [(20 + n, NORTH_WEST, ACUTE, F(3)) for n in range(10)]
    found = figures_of(trusts, numbers=(1, 2), unscored={20})
    north_west, london_group = found[("region", "North West")], found[("region", "London")]
    assert north_west.figures_withheld == {2: Withheld.TOO_FEW}
    assert london_group.figures_withheld == {2: Withheld.WORKING_BACK}
    assert london_group.withheld is None
    assert london_group.figures[1] is not None
    assert found[("england", "England")].figures[2] is not None


# The adversaries


def members_of(places):
    """Each group's trusts, as anyone can look up where each trust sits."""
    members = {}
    for place in places:
        for key in (
            ("england", ""),
            ("region", place.region),
            ("trust_type", place.trust_type),
        ):
            members.setdefault(key, set()).add(place.trust_id)
    return members


def shown_parts(found, places, key=None):
    """What an adversary knows: each shown group's trusts and its published counts (with
    ``key``, only the groups whose figure of it is shown)."""
    members = members_of(places)
    return [
        (frozenset(members.get((group.group.kind, group.group.code), ())), group)
        for group in found.values()
        if group.withheld is None and (key is None or group.figures[key] is not None)
    ]


def takeaways(shown):
    """(whole, chosen) for every shown group and every choice of shown groups that share
    no trust and lie inside it, tried one by one."""
    for whole_trusts, whole in shown:
        inside = [(t, g) for t, g in shown if t < whole_trusts]
        for size in range(1, len(inside) + 1):
            for chosen in combinations(inside, size):
                if all(a.isdisjoint(b) for (a, _), (b, _) in combinations(chosen, 2)):
                    yield (whole_trusts, whole), chosen


def worked_back_counts(found, places) -> list[tuple[int, int]]:
    """(trusts with results, trusts asked) of every set an adversary can count by taking
    shown groups away from a shown group they lie inside."""
    return [
        (
            whole.with_results - sum(g.with_results for _, g in chosen),
            whole.asked - sum(g.asked for _, g in chosen),
        )
        for (_, whole), chosen in takeaways(shown_parts(found, places))
    ]


def worked_back_scores(found, places, scored, key) -> list[int]:
    """How many trusts with a score of ``key`` (``scored``) are in each set an adversary
    can make by taking shown figures of it away from a larger shown one."""
    return [
        len((whole_trusts - set().union(*(t for t, _ in chosen))) & scored)
        for (whole_trusts, _), chosen in takeaways(shown_parts(found, places, key))
    ]


def test_the_counting_adversary_finds_a_region_of_one_where_working_back_is_skipped():
    """The adversary is not vacuous: were London shown beside England, it would count
    the South West's one trust."""
    trusts = [*london(5), (6, SOUTH_WEST, ACUTE, F(5))]
    found = figures_of(trusts)
    found[("region", "London")].withheld = None  # as if the rule had stopped at "too few"
    places = [Place(t[0], t[1], t[2]) for t in trusts]
    assert (1, 1) in worked_back_counts(found, places)


REGIONS = (LONDON, NORTH_WEST, SOUTH_WEST)
KINDS = (ACUTE, MENTAL_HEALTH, "community")
scores = st.one_of(st.none(), st.just("not asked"), st.integers(2, 10).map(lambda n: F(n, 2)))


@st.composite
def countries(draw):
    """Up to 30 trusts in three regions, with only some of three trust types in each
    region, so that a type may lie within one region, or a region hold one type; and some
    boards that answered principle 2 only "don't know"."""
    types_in = {
        region: draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=2, unique=True))
        for region in REGIONS
    }
    trusts = []
    for trust_id in range(draw(st.integers(1, 30))):
        region = draw(st.sampled_from(REGIONS))
        kind = draw(st.sampled_from(types_in[region]))
        trusts.append((trust_id, region, kind, draw(scores)))
    unscored = draw(st.sets(st.integers(0, 29), max_size=6))
    return trusts, unscored


@settings(max_examples=300)
@given(countries())
@example((TYPE_AND_REGION, set()))
@example((TYPE_THEN_REGION, set()))
def test_no_adversary_counts_fewer_than_five_trusts_by_taking_groups_away(country):
    trusts, _ = country
    found = figures_of(trusts)
    places = [Place(t[0], t[1], t[2]) for t in trusts]
    for with_results, asked in worked_back_counts(found, places):
        assert with_results == 0 or with_results >= MINIMUM
        assert asked == 0 or asked >= MINIMUM
        if with_results == 0:
            assert asked == 0


@settings(max_examples=200)
@given(countries())
@example((london(10) + [(20 + n, NORTH_WEST, ACUTE, F(3)) for n in range(6)], set()))
@example((london(10) + [(20 + n, NORTH_WEST, ACUTE, F(3)) for n in range(10)], {20}))
def test_no_adversary_leaves_fewer_than_ten_scores_behind_a_figure(country):
    trusts, unscored = country
    found = figures_of(trusts, numbers=(1, 2), unscored=unscored)
    places = [Place(t[0], t[1], t[2]) for t in trusts]
    with_results = {t[0] for t in trusts if t[3] not in (None, "not asked")}
    for key, scored in ((OVERALL, with_results), (2, with_results - unscored)):
        for left in worked_back_scores(found, places, scored, key):
            assert left == 0 or left >= SPREAD


@given(countries())
def test_every_shown_group_rests_on_five_trusts_and_every_spread_on_ten(country):
    trusts, unscored = country
    for group in figures_of(trusts, numbers=(1, 2), unscored=unscored).values():
        if group.withheld is None:
            assert group.with_results >= MINIMUM
        else:
            assert set(group.figures.values()) == {None}
        if group.figures[OVERALL] is not None:
            assert group.with_results >= SPREAD


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


def test_a_withheld_trusts_score_cannot_be_solved_for_from_the_medians_of_small_groups():
    # London's five: 1, 2, 3, 4, 5; the South West's one trust: 2.5. England's six would
    # have a median of 2.75, which London's three middle scores (2, 3, 4) pin to one value.
    trusts = [(n, LONDON, ACUTE, F(n)) for n in range(1, 6)]
    trusts.append((6, SOUTH_WEST, ACUTE, F(5, 2)))
    england_spread = spread([F(n) for n in (1, 2, 3, 4, 5, F(5, 2))])
    assert england_spread.median == F(11, 4)
    # Had the two spreads been shown, the adversary would have it.
    london_spread = spread([F(n) for n in range(1, 6)])
    assert scores_consistent(england_spread, london_spread) == {F(5, 2)}
    assert len(scores_consistent(england_spread)) > 1  # England's alone would not
    # Neither is: six trusts and five are too few for a spread.
    found = figures_of(trusts)
    assert found[("england", "England")].figures[OVERALL] is None
    assert found[("region", "London")].withheld == Withheld.WORKING_BACK


# The matcher: a value that two shown groups publish for the same score, where the two
# share one trust with results, is taken to be that trust's score (as it is when the trust
# is the middle of both). It pins a trust where that is right.

NUMBERS = tuple(range(1, 9))


def matched(found, results, places: int) -> list[tuple[int, object]]:
    """(trust, principle or OVERALL) the matcher pins, reading each shown spread at
    ``places``: for each value published for a score by two or more shown groups, the
    trusts with results common to all of them; where that is one trust and its score at
    ``places`` is the value, pinned."""
    pinned = []
    numbers = [key for key in next(iter(found.values())).figures if key != RATE]
    for key in numbers:
        published: dict[str, set] = {}
        for group in found.values():
            values = group.figures[key]
            if group.withheld is None and values is not None:
                for value in (values.lower_quartile, values.median, values.upper_quartile):
                    published.setdefault(rules.shown(value, places), set()).add(group.group)
        for value, groups in published.items():
            if len(groups) < 2:
                continue
            common = frozenset.intersection(*(group.members for group in groups)) & set(results)
            if len(common) == 1:
                (trust,) = common
                if rules.shown(results[trust].value(key), places) == value:
                    pinned.append((trust, key))
    return pinned


def test_the_matcher_pins_the_trust_a_region_and_a_type_of_five_share_were_their_spreads_shown():
    """The matcher is not vacuous: London's one ambulance trust is the middle of London's
    five scores and of the ambulance trusts' five. Shown from five trusts and at two places,
    as they were, both medians are 3.37, and London and the ambulance trusts share only it."""
    trusts = [
        (0, LONDON, AMBULANCE, F("3.37")),
        *(
            (n, LONDON, ACUTE, F(s))
            for n, s in zip(range(1, 5), ("2.1", "2.9", "3.9", "4.2"), strict=True)
        ),
        *(
            (n, NORTH_WEST, AMBULANCE, F(s))
            for n, s in zip(range(5, 9), ("1.8", "2.6", "4", "4.4"), strict=True)
        ),
        (9, NORTH_WEST, ACUTE, F(3)),
        *((n, SOUTH_WEST, ACUTE, 2 + F(n % 5, 4)) for n in range(10, 15)),
        *((n, MIDLANDS, ACUTE, F(11, 5) + F(n % 5, 5)) for n in range(15, 20)),
    ]
    places = [Place(t, region, kind) for t, region, kind, _ in trusts]
    results = {t: Results(F(1), {1: score}, score) for t, _, _, score in trusts}

    def figures(**rule):
        found = quarter_figures(places, list(results), results, (1,), **rule)
        return {(group.group.kind, group.group.name): group for group in found}

    then = figures(spread_minimum=MINIMUM)
    assert then[("region", "London")].figures[OVERALL].median == F("3.37")
    assert then[("trust_type", "Ambulance")].figures[OVERALL].median == F("3.37")
    assert {(0, 1), (0, OVERALL)} <= set(matched(then, results, 2))
    now = figures()
    assert now[("region", "London")].figures[OVERALL] is None
    assert now[("trust_type", "Ambulance")].figures[OVERALL] is None
    assert matched(now, results, rules.PLACES) == []


def generated_country(seed: int, size: int = 200):
    """``size`` trusts in NHS England's seven regions, of its six types in about their
    numbers, every board asked, each trust's principles about a level of its own (scores
    in 24ths, as a board's means are), the overall score their mean."""
    draw = random.Random(seed)
    weights = {ACUTE: 112, MENTAL_HEALTH: 36, "acute-specialist": 19, AMBULANCE: 13}
    weights |= {"community": 12, "combined": 8}
    kinds = [kind for kind, weight in weights.items() for _ in range(weight)]
    draw.shuffle(kinds)
    places, results = [], {}
    for trust in range(size):
        places.append(Place(trust, draw.choice(Region.values), kinds[trust % len(kinds)]))
        level = draw.uniform(1.8, 4.2)
        found = {
            n: F(max(24, min(120, round((level + draw.gauss(0, 0.5)) * 24))), 24) for n in NUMBERS
        }
        rate = F(draw.randint(3, 12), 12)
        results[trust] = Results(rate, found, sum(found.values()) / len(found))
    return places, results


def test_the_matcher_pins_no_trust_in_a_country_the_size_of_nhs_england():
    places, results = generated_country(41)
    found = {
        (group.group.kind, group.group.name): group
        for group in quarter_figures(places, list(results), results, NUMBERS)
    }
    shown = [group for group in found.values() if group.figures[OVERALL] is not None]
    assert len(shown) > 10  # England, the regions and the larger types show a spread
    assert matched(found, results, rules.PLACES) == []
