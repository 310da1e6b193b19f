"""The board paper's "since last quarter": each principle's change and the overall one,
over the questions asked both times, with the interval that says whether it is more than
chance, and the words for it."""

from dataclasses import dataclass
from fractions import Fraction

from assessments.results import rules, scoring
from reports.paper.selectors import PaperInputs


@dataclass(frozen=True)
class Change:
    value: Fraction | None
    interval: tuple[Fraction, Fraction] | None


def changes_of(inputs: PaperInputs, previous) -> dict:
    """Each principle's change, and the overall one, over the questions scored both times,
    with the bootstrap interval that says whether it is more than chance."""
    now = _means(inputs)
    before = previous.question_means
    shared = {
        number: keys
        for number, means in now.items()
        if (keys := scoring.shared_keys(means, before.get(number, {})))
    }
    if inputs.settled_changes is not None:  # as published, before answers were withdrawn
        intervals = inputs.settled_changes
    else:
        intervals = scoring.change_interval(
            previous.answers,
            inputs.respondents,
            shared,
            # Seeded by what the quarter is (trust, quarter, compared with), never by a row id,
            # so the same answers give the same interval in any database.
            seed=f"{inputs.assessment.trust.ods_code}:{inputs.assessment.cycle.label}:"
            f"{previous.label}",
        )
    changes = {
        number: Change(scoring.trend(now[number], before.get(number, {})), intervals.get(number))
        for number in now
    }
    changes["overall"] = Change(scoring.overall_trend(now, before), intervals.get("overall"))
    return changes


def _means(inputs: PaperInputs) -> dict[int, dict]:
    by_id = {p.pk: p.number for p in inputs.content.principles}
    return {by_id[pk]: result.means for pk, result in inputs.results.items() if pk in by_id}


def change_words(change: "Change | None", previous, *, lower: bool = False) -> str:
    """ "Up 0.4 since 2026/27 Q1", "No clear change since 2026/27 Q1", or why there is none."""
    if previous is None:
        words = "No earlier quarter with results"
    elif change is None or change.value is None:
        words = f"Nothing to compare with {previous.label}"
    else:
        direction = rules.change_direction(change.value, change.interval)
        if direction == rules.Direction.NONE:
            words = f"No clear change since {previous.label}"
        else:
            size = rules.shown(abs(change.value))
            words = f"{direction.value.capitalize()} {size} since {previous.label}"
    return words[0].lower() + words[1:] if lower else words
