"""The board paper's cover sheet: the digital lead's own words where given, and the
executive summary written from the figures (reports.paper.presenters puts the paper together)."""

from dataclasses import dataclass, replace

from assessments.results import rules
from assessments.results.presenters import one_decimal
from reports.paper.conventions import conventions_of
from reports.paper.sections import long_date


@dataclass(frozen=True)
class Cover:
    meeting: str
    title: str
    report_from: str
    purpose: str
    confidence: str  # confidence in these results: rules.CONFIDENCE_LEVELS
    confidence_reason: str
    asks: tuple[str, ...]
    summary: tuple[str, ...]
    # From the digital lead's cover sheet ("" where not given).
    meeting_date: str = ""
    agenda_item: str = ""
    executive_sponsor: str = ""
    recommendation: str = ""
    previous_considerations: str = ""
    strategy_title: str = ""
    strategy_url: str = ""
    # The trust's own sections, where switched on and filled in (reports.paper.conventions):
    # cover table rows, the author's assurance rating beside the confidence, "alert,
    # advise, assure" and the impacts, each as (heading, text).
    details: tuple[tuple[str, str], ...] = ()
    assurance_rating: str = ""
    assurance_reason: str = ""
    alert_advise_assure: tuple[tuple[str, str], ...] = ()
    impacts: tuple[tuple[str, str], ...] = ()


def _principles(count: int) -> str:
    """ "no principle", "1 principle", "3 principles"."""
    return "no principle" if not count else f"{count} principle{'s' if count != 1 else ''}"


def confidence_of(rows, submitted: int, board_size: int) -> tuple[str, str]:
    """How far the board can rely on its own answers (rules.confidence), and why: from
    each principle's row (``assurance_gap``, ``views_differ``). The national view asks
    here too, so that it shows what the trust's paper shows."""
    gaps = sum(row.assurance_gap for row in rows)
    differ = sum(row.views_differ for row in rows)
    reason = (
        f"{submitted} of {board_size} board members answered; "
        f"{_principles(gaps)} {'has' if gaps <= 1 else 'have'} a high share of "
        f'"don\'t know" answers; views differ on {_principles(differ)}.'
    )
    level = rules.confidence(
        submitted=submitted, board=board_size, high_dont_know=gaps, differ=differ
    )
    return level, reason


def cover_of(
    inputs,
    rows,
    priorities,
    overall,
    overall_change,
    submitted,
    shown,
    *,
    below=(),
    submissions=None,
) -> Cover:
    """The cover: the digital lead's cover sheet where given, and what the data says.
    ``below`` is every principle below target in priority order (``priorities`` its
    start); ``submissions`` how many have submitted, in words (assessments.results.presenters)."""
    cover = _cover_from_data(
        inputs, rows, priorities, overall, overall_change, submitted, shown, below, submissions
    )
    sheet = inputs.cover_sheet
    if sheet is None:
        return cover
    cover = replace(
        cover,
        meeting=sheet.meeting,
        meeting_date=long_date(sheet.meeting_date),
        agenda_item=sheet.agenda_item,
        executive_sponsor=sheet.executive_sponsor,
        report_from=sheet.author or cover.report_from,
        purpose=sheet.get_purpose_display(),
        recommendation=sheet.recommendation,
        previous_considerations=sheet.previous_considerations,
        strategy_title=sheet.strategy_title or sheet.strategy_url,
        strategy_url=sheet.strategy_url,
    )
    return replace(cover, **conventions_of(sheet, inputs.cover_sections))


def _cover_from_data(
    inputs, rows, priorities, overall, overall_change, submitted, shown, below, submissions
) -> Cover:
    assessment = inputs.assessment
    title = "Digital delivery: the board's quarterly self-assessment"
    report_from = "Digital lead" + (
        f" ({', '.join(inputs.coordinators)})" if inputs.coordinators else ""
    )
    asks = (
        "note the board's own scores against the eight digital delivery principles",
        "discuss the principles where views differ and where members said they did not know",
        _gaps_ask(rows, priorities, below),
    )
    if not shown:
        # How many have submitted, in the words every output uses: live before close.
        words = submissions.words
        return Cover(
            meeting=f"Trust board, {assessment.cycle.label}",
            title=title,
            report_from=report_from,
            purpose="For information",
            confidence="Not yet available",
            confidence_reason=words,
            asks=(f"note that {words[0].lower()}{words[1:].rstrip('.')}",),
            summary=tuple(dict.fromkeys(s for s in (submissions.published, words) if s)),
        )
    confidence, reason = confidence_of(rows, submitted, inputs.board_size)
    summary = [
        f"The board's overall score is {one_decimal(overall)} out of 5" + f", {overall_change}.",
        _largest_gaps_sentence(rows, priorities, below),
        _list_sentence(
            [r for r in rows if r.views_differ],
            "Views differ most on",
            "Board members broadly agree on every principle."
            if all(r.judged for r in rows)
            else "Views do not differ on any principle where there were enough scores to say.",
        ),
        _list_sentence(
            [r for r in rows if r.assurance_gap],
            'Many members answered "don\'t know" on',
            'No principle has a high share of "don\'t know" answers.',
        ),
        f"{submitted} of {inputs.board_size} board members submitted their answers.",
    ]
    return Cover(
        meeting=f"Trust board, {assessment.cycle.label}",
        title=title,
        report_from=report_from,
        purpose="For assurance and discussion",
        confidence=confidence,
        confidence_reason=reason,
        asks=asks,
        summary=tuple(summary),
    )


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _in_words(count: int) -> str:
    return NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)


def gaps_phrase(priorities, below) -> str:
    """The gaps the paper lists, worded from the list itself and every gap below target
    (``below``, in priority order; ``priorities`` its start): "the one Red gap against
    target", "the two gaps against target (one Red, one Amber)", "the three largest of
    five Red gaps against target". "" when no principle is below target."""
    if not below:
        return ""
    rags = [row.rag for row in below]
    kinds = [rag for rag in ("Red", "Amber", "Green") if rag in rags]
    colour = f"{kinds[0]} " if len(kinds) == 1 else ""
    if len(priorities) == len(below):
        lead = f"the {_in_words(len(below))} {colour}gap{'s' if len(below) != 1 else ''}"
    else:
        lead = f"the {_in_words(len(priorities))} largest of {_in_words(len(below))} {colour}gaps"
    split = ", ".join(f"{_in_words(rags.count(kind))} {kind}" for kind in kinds)
    return f"{lead} against target" + (f" ({split})" if len(kinds) > 1 else "")


def _gaps_ask(rows, priorities, below) -> str:
    """What the board is asked to agree, worded from the same list as the summary."""
    if not any(row.target != "–" for row in rows):
        return "agree the board's position and set its targets"
    if not below:
        return "agree the board's position: no principle is below the board's target"
    return f"agree the board's position and actions for {gaps_phrase(priorities, below)}"


def _largest_gaps_sentence(rows, priorities, below) -> str:
    if not any(row.target != "–" for row in rows):
        return "The board has not set targets yet, so there are no gaps to report."
    if not priorities:
        return "Every principle is at or above the board's target."
    gaps = "; ".join(f"{row.number}. {row.title} (gap {row.gap})" for row in priorities)
    phrase = gaps_phrase(priorities, below)
    verb = "is" if len(priorities) == 1 else "are"
    return f"{phrase[0].upper()}{phrase[1:]} {verb}: {gaps}."


def _list_sentence(rows, lead: str, none: str) -> str:
    if not rows:
        return none
    return f"{lead}: " + "; ".join(f"{row.number}. {row.title}" for row in rows) + "."
