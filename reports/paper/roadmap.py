"""The paper's roadmap to the targets: the presenter the quarter's pages use
(assessments.quarter.roadmap), fed from the paper's inputs, so that the page, the PDF,
the Word file and present mode say the same. Its actions are the open ones in the paper's
own action log (kept at close for a closed quarter), so that a change to the log after
close leaves a closed paper as it was."""

import datetime

from assessments.models import OPEN_ACTION_STATUSES
from assessments.quarter.roadmap import Roadmap, roadmap_of
from reports.paper.selectors import PaperInputs


def open_in_log(log: list[dict]) -> list[dict]:
    """The open actions in an action log (quarter.decisions.action_log), as the roadmap
    places them."""
    return [
        {**action, "due_date": datetime.date.fromisoformat(action["due_date"])}
        for action in log
        if action["status"] in OPEN_ACTION_STATUSES
    ]


def roadmap_in_paper(inputs: PaperInputs, rows) -> Roadmap:
    """The roadmap beside the published scores (``rows``: the gap analysis, empty while
    the results may not be shown) and the targets."""
    principles = inputs.content.principles
    return roadmap_of(
        cycle=inputs.assessment.cycle,
        principles=[(p.number, p.title) for p in principles],
        steps=inputs.roadmap,
        scores={row.number: row.score for row in rows if row.score_value is not None},
        targets={
            p.number: inputs.targets[p.pk].level for p in principles if p.pk in inputs.targets
        },
        actions=open_in_log(inputs.actions) if inputs.roadmap else [],
    )
