"""A quarter's open data worked out from each trust's published results, and the rule that
withholds it. Plain values in and out (no database), so the rule is tested with hand-made
trusts, and the preview and the published files read the same figures.

Each group (England, each region, each trust type, each ICB) has how many trusts were
asked and how many have results, the median response rate, and for each principle and the
overall score the median and quartiles of the trusts' scores. Two rules withhold them
(decision 0041):

- Too few. A group with fewer than MIN_TRUSTS trusts with results shows nothing but its
  name, counts included. A figure with fewer than MIN_TRUSTS trusts behind it (a
  principle that most of a group's boards answered only "don't know") is left blank.
- Working back. Taking shown groups that share no trust away from a larger shown group
  they lie inside (the regions from England; the ICBs of a region from it; London and the
  mental health trusts, were those all in the North West, from England) leaves the
  trusts of withheld groups. What is left must be no trusts at all, or at least
  MIN_TRUSTS with results; otherwise the smallest of the groups taken away is withheld
  too, until it is. The counts are checked the same way, and also may not leave trusts
  that were asked with none of them having results.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from itertools import combinations

from assessments.results import rules, scoring
from trusts.models import Region, TrustType

ENGLAND, REGION, TRUST_TYPE, ICB = "england", "region", "trust_type", "icb"
KINDS = (ENGLAND, REGION, TRUST_TYPE, ICB)

# What a group shows: its counts, then each figure, keyed by what it is of.
COUNTS = "counts"
RATE = "response_rate"
OVERALL = "overall"
Key = str | int  # COUNTS, RATE, OVERALL or a principle's number


class Withheld(StrEnum):
    TOO_FEW = "too few"  # fewer than MIN_TRUSTS trusts behind it
    WORKING_BACK = "working back"  # shown, it would let a withheld group's be worked out


@dataclass(frozen=True)
class Place:
    """Where a trust sits, as anyone can look up (NHS ODS): every trust, asked or not."""

    trust_id: int
    region: str
    trust_type: str
    icb: str


@dataclass(frozen=True)
class Results:
    """A trust's published results for the quarter, as the national view reads them."""

    response_rate: Fraction | None  # None where the release kept no board size
    scores: Mapping[int, Fraction | None]  # by principle number; None: all "don't know"
    overall: Fraction | None

    def value(self, key: Key) -> Fraction | None:
        if key == RATE:
            return self.response_rate
        if key == OVERALL:
            return self.overall
        return self.scores.get(key)


@dataclass(frozen=True)
class Group:
    kind: str
    code: str
    name: str
    members: frozenset[int]  # every trust in it, asked or not


@dataclass(frozen=True)
class Spread:
    lower_quartile: Fraction
    median: Fraction
    upper_quartile: Fraction


@dataclass
class GroupFigures:
    group: Group
    asked: int
    with_results: int
    withheld: Withheld | None  # the whole group: counts and figures
    figures: dict[Key, Spread | None] = field(default_factory=dict)  # None where withheld
    figures_withheld: dict[Key, Withheld] = field(default_factory=dict)


def groups_of(places: Iterable[Place]) -> list[Group]:
    """England, every region and every trust type (whether or not any trust is in it, so
    that each quarter's file has the same rows), then each ICB that has a trust."""
    places = list(places)

    def members(test) -> frozenset[int]:
        return frozenset(place.trust_id for place in places if test(place))

    return [
        Group(ENGLAND, "", "England", members(lambda place: True)),
        *(
            Group(REGION, code, label, members(lambda place, c=code: place.region == c))
            for code, label in Region.choices
        ),
        *(
            Group(TRUST_TYPE, code, label, members(lambda place, c=code: place.trust_type == c))
            for code, label in TrustType.choices
        ),
        *(
            Group(ICB, code, code, members(lambda place, c=code: place.icb == c))
            for code in sorted({place.icb for place in places if place.icb})
        ),
    ]


def quarter_figures(
    places: Iterable[Place],
    asked: Iterable[int],
    results: Mapping[int, Results],
    numbers: Sequence[int],
    *,
    minimum: int = rules.MIN_TRUSTS,
) -> list[GroupFigures]:
    """Every group's counts and figures, each withheld under the two rules above.
    ``asked``: the trusts whose board was asked this quarter; ``results``: those of them
    with published results; ``numbers``: the principles of the quarter's framework."""
    groups = groups_of(places)
    figure_keys: tuple[Key, ...] = (RATE, *numbers, OVERALL)
    values: dict[Key, dict[int, Fraction]] = {
        key: {
            trust: value
            for trust, found in results.items()
            if (value := found.value(key)) is not None
        }
        for key in figure_keys
    }
    behind_all = {COUNTS: frozenset(results), **{key: frozenset(values[key]) for key in values}}
    # The trusts behind each group's counts and each of its figures, and those asked.
    behind = {
        (index, key): group.members & trusts
        for index, group in enumerate(groups)
        for key, trusts in behind_all.items()
    }
    asked_in = [group.members & frozenset(asked) for group in groups]
    withheld = _withheld(groups, behind, asked_in, (COUNTS, *figure_keys), minimum)
    found = []
    for index, group in enumerate(groups):
        whole = withheld.get((index, COUNTS))
        figures = GroupFigures(
            group, len(asked_in[index]), len(behind[(index, COUNTS)]), withheld=whole
        )
        for key in figure_keys:
            reason = whole or withheld.get((index, key))
            if reason:
                figures.figures[key] = None
                figures.figures_withheld[key] = reason
            else:
                trusts = behind[(index, key)]
                figures.figures[key] = spread(values[key][trust] for trust in trusts)
        found.append(figures)
    return found


def spread(values: Iterable[Fraction]) -> Spread:
    """Median and quartiles, exactly, by the method the national view uses (``statistics``'
    "inclusive", linear between the nearest ranks)."""
    lower, middle, upper = scoring.quartiles(scoring.exactly_sorted(values))
    return Spread(lower, middle, upper)


def _withheld(groups, behind, asked_in, keys, minimum) -> dict[tuple[int, Key], Withheld]:
    """(group index, key) → why it is withheld: first every count or figure with too few
    trusts behind it; then, for each shown group in turn, one more of the groups inside it
    at a time, until nothing left after taking them away is too small. A pass that
    withholds nothing more ends it (each is a few thousand set comparisons for a country
    of 200 trusts and 42 ICBs)."""
    withheld: dict[tuple[int, Key], Withheld] = {
        (index, key): Withheld.TOO_FEW
        for index in range(len(groups))
        for key in keys
        if len(behind[(index, key)]) < minimum
    }

    def shown(index: int, key: Key) -> bool:
        return (index, COUNTS) not in withheld and (index, key) not in withheld

    by_kind = {kind: [i for i, g in enumerate(groups) if g.kind == kind] for kind in KINDS}
    changed = True
    while changed:
        changed = False
        for key in keys:
            for whole in range(len(groups)):
                while shown(whole, key):
                    inside = {
                        kind: [
                            index
                            for index in by_kind[kind]
                            if index != whole
                            and shown(index, key)
                            and behind[(index, key)] <= behind[(whole, key)]
                        ]
                        for kind in KINDS[1:]
                    }
                    part = _part_to_withhold(whole, inside, key, behind, asked_in, minimum)
                    if part is None:
                        break
                    withheld[(part, key)] = Withheld.WORKING_BACK
                    changed = True
    return withheld


def _takeaways(whole, inside, key, behind):
    """Every way of taking shown groups away from ``whole`` that this rule guards against:
    the groups of one kind inside it; and, for each choice of the trust types inside it,
    those types, then the regions inside what is left, then the ICBs inside what is left
    outside those regions (an ICB lies within one region, so any other way of taking
    regions and ICBs away leaves what one of these leaves and more). Each way is groups
    that share no trust, so what it leaves is known exactly."""
    yield from inside.values()
    types = inside[TRUST_TYPE]
    for size in range(len(types) + 1):
        for chosen in combinations(types, size):
            rest = behind[(whole, key)].difference(*(behind[(i, key)] for i in chosen))
            regions = [i for i in inside[REGION] if behind[(i, key)] <= rest]
            covered = frozenset().union(*(behind[(i, key)] for i in regions))
            icbs = [
                i
                for i in inside[ICB]
                if behind[(i, key)] <= rest and behind[(i, key)].isdisjoint(covered)
            ]
            yield [*chosen, *regions, *icbs]


def _part_to_withhold(whole, inside, key, behind, asked_in, minimum) -> int | None:
    """The smallest shown group of the first way of taking groups away from ``whole`` that
    leaves too little (some trusts, but fewer than ``minimum`` behind this figure), or
    None when every way leaves nothing or enough. For the counts, leaving no trust with
    results but some asked would tell how many were asked there: too little as well."""
    trusts = behind[(whole, key)]
    for parts in _takeaways(whole, inside, key, behind):
        left = trusts.difference(*(behind[(index, key)] for index in parts))
        unsafe = 0 < len(left) < minimum
        if key == COUNTS and not left:
            unsafe = bool(asked_in[whole].difference(*(asked_in[index] for index in parts)))
        if unsafe and parts:
            return min(parts, key=lambda index: (len(behind[(index, key)]), index))
    return None
