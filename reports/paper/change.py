"""The board paper's "since last quarter": each principle's change and the overall one,
over the questions asked both times, with the interval that says whether it is more than
chance, and the words for it."""

from assessments.results import rules
from assessments.results.change import Change, change_seed, changes_over
from reports.paper.selectors import PaperInputs


def changes_of(inputs: PaperInputs, previous) -> dict:
    """Each principle's change, and the overall one, over the questions scored both times,
    with the bootstrap interval that says whether it is more than chance: worked out as
    the summary's stored change is (assessments.results.change), so the two never differ."""
    return changes_over(
        _means(inputs),
        previous.question_means,
        answers_now=inputs.respondents,
        answers_before=previous.answers,
        seed=change_seed(
            inputs.assessment.trust.ods_code, inputs.assessment.cycle.label, previous.label
        ),
        intervals=inputs.settled_changes,  # as published, before answers were withdrawn
    )


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
