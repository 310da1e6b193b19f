"""A quarter's open data worked out from each trust's published results, and the rules that
withhold it. Plain values in and out (no database), so the rules are tested with hand-made
trusts, and the preview and the published files read the same figures.

Each group (England, each region, each trust type) has how many trusts were asked and how
many have results, and, where enough trusts are behind them, the median response rate and
for each principle and the overall score the median and quartiles of the trusts' scores.
Three rules withhold them (decision 0041):

- Too few. A group with fewer than MIN_TRUSTS (five) trusts with results shows nothing
  but its name, counts included.
- Too few for a spread. A median or quartile with fewer than OPEN_DATA_SPREAD_TRUSTS
  (ten, twice the minimum) trusts behind it is left blank: in a smaller group they are
  too nearly single trusts' scores. So a group of five to nine trusts shows its counts
  only; and so does a principle that most of a larger group's boards answered only
  "don't know".
- Working back. Taking shown groups that share no trust away from a larger shown group
  they lie inside (the regions from England; the trust types from England; London and
  the mental health trusts, were those all in the North West, from England) leaves the
  trusts of withheld groups. What is left must be no trusts at all, or as many as the
  first two rules ask of a group shown (five for the counts, ten for a spread);
  otherwise the smallest of the groups taken away is withheld too, until it is. For the
  counts both what is left with results and what is left asked are checked, and what is
  left may not be trusts asked with none of them having results.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from itertools import combinations

from assessments.results import rules, scoring
from trusts.models import Region, TrustType

ENGLAND, REGION, TRUST_TYPE = "england", "region", "trust_type"
KINDS = (ENGLAND, REGION, TRUST_TYPE)

# What a group shows: its counts, then each figure, keyed by what it is of.
COUNTS = "counts"
RATE = "response_rate"
OVERALL = "overall"
Key = str | int  # COUNTS, RATE, OVERALL or a principle's number


def spread_trusts(minimum: int) -> int:
    """The fewest trusts behind a median or quartile: twice the fewest behind anything."""
    return 2 * minimum


OPEN_DATA_SPREAD_TRUSTS = spread_trusts(rules.MIN_TRUSTS)


class Withheld(StrEnum):
    TOO_FEW = "too few"  # fewer trusts behind it than the rule asks
    WORKING_BACK = "working back"  # shown, it would let a withheld group's be worked out


@dataclass(frozen=True)
class Place:
    """Where a trust sits, as anyone can look up (NHS ODS): every trust, asked or not."""

    trust_id: int
    region: str
    trust_type: str


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
    """England, every region and every trust type, whether or not any trust is in it, so
    that each quarter's file has the same rows."""
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
    ]


def quarter_figures(
    places: Iterable[Place],
    asked: Iterable[int],
    results: Mapping[int, Results],
    numbers: Sequence[int],
    *,
    minimum: int = rules.MIN_TRUSTS,
    spread_minimum: int | None = None,
) -> list[GroupFigures]:
    """Every group's counts and figures, each withheld under the rules above. ``asked``:
    the trusts whose board was asked this quarter; ``results``: those of them with
    published results; ``numbers``: the principles of the quarter's framework;
    ``spread_minimum``: the fewest trusts behind a figure (twice ``minimum`` unless given)."""
    groups = groups_of(places)
    figure_keys: tuple[Key, ...] = (RATE, *numbers, OVERALL)
    fewest: dict[Key, int] = {
        COUNTS: minimum,
        **dict.fromkeys(figure_keys, spread_minimum or spread_trusts(minimum)),
    }
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
    withheld = _withheld(groups, behind, asked_in, fewest)
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


def _withheld(groups, behind, asked_in, fewest) -> dict[tuple[int, Key], Withheld]:
    """(group index, key) → why it is withheld: first every count or figure with too few
    trusts behind it; then, for each shown group in turn, one more of the groups inside it
    at a time, until nothing left after taking them away is too small. A pass that
    withholds nothing more ends it."""
    withheld: dict[tuple[int, Key], Withheld] = {
        (index, key): Withheld.TOO_FEW
        for index in range(len(groups))
        for key, least in fewest.items()
        if len(behind[(index, key)]) < least
    }

    def shown(index: int, key: Key) -> bool:
        return (index, COUNTS) not in withheld and (index, key) not in withheld

    by_kind = {kind: [i for i, g in enumerate(groups) if g.kind == kind] for kind in KINDS}
    changed = True
    while changed:
        changed = False
        for key, least in fewest.items():
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
                    part = _part_to_withhold(whole, inside, key, behind, asked_in, least)
                    if part is None:
                        break
                    withheld[(part, key)] = Withheld.WORKING_BACK
                    changed = True
    return withheld


def _takeaways(whole, inside, key, behind):
    """Every way of taking shown groups away from ``whole`` that this rule guards against:
    for each choice of the trust types inside it, those types and then every region inside
    what is left. Each way is groups that share no trust, so what it leaves is known
    exactly; and any other choice of types and regions sharing no trust leaves what the
    way with the same types leaves, and more: whole regions, each shown, so enough."""
    types = inside[TRUST_TYPE]
    for size in range(len(types) + 1):
        for chosen in combinations(types, size):
            rest = behind[(whole, key)].difference(*(behind[(i, key)] for i in chosen))
            regions = [i for i in inside[REGION] if behind[(i, key)] <= rest]
            yield [*chosen, *regions]


def _part_to_withhold(whole, inside, key, behind, asked_in, least) -> int | None:
    """The smallest shown group of the first way of taking groups away from ``whole`` that
    leaves too little (some trusts, but fewer than ``least`` behind this figure), or None
    when every way leaves nothing or enough. For the counts, what is left asked is held to
    the same, and leaving no trust with results but some asked would tell how many were
    asked there: too little as well."""
    trusts = behind[(whole, key)]
    for parts in _takeaways(whole, inside, key, behind):
        if not parts:
            continue
        left = trusts.difference(*(behind[(index, key)] for index in parts))
        unsafe = 0 < len(left) < least
        if key == COUNTS:
            asked = asked_in[whole].difference(*(asked_in[index] for index in parts))
            unsafe = unsafe or 0 < len(asked) < least or (bool(asked) and not left)
        if unsafe:
            return min(parts, key=lambda index: (len(behind[(index, key)]), index))
    return None
