"""The national view's files: the comparison (one row a trust, the columns the page shows)
and the early warning (one row a reason)."""

from assessments.results import rules
from reports.exports import PLACES, Column, number_cell, whole_cell
from reports.national import rows as programme_rows
from reports.national import warning
from reports.national.queries import TrustScores
from trusts.models import Region, TrustType


def comparison_columns(numbers: tuple[int, ...]) -> tuple[Column, ...]:
    """The comparison export's columns, one for each of the framework's principles, then
    what the scores rest on, as the trust's board paper gives it."""
    levels = ", ".join(rules.CONFIDENCE_LEVELS[:-1]) + f" or {rules.CONFIDENCE_LEVELS[-1]}"
    return (
        Column("trust_ods_code", "The trust's NHS ODS code"),
        Column("trust_name", "The trust's name"),
        Column("region", "NHS England region"),
        Column("trust_type", "Trust type"),
        *(
            Column(f"principle_{n}", f"Score for principle {n}, 1 to 5, {PLACES} places")
            for n in numbers
        ),
        Column("overall", f"Mean of the principle scores, {PLACES} places"),
        Column(
            "respondents",
            "Board members whose submitted answers the scores rest on, when the results "
            "were published",
        ),
        Column("board_size", "Board members when the results were published"),
        Column(
            "response_rate",
            f"respondents divided by board_size, 0 to 1, exact to {PLACES} decimal places",
        ),
        Column(
            "confidence",
            f"Confidence in these results ({levels}), as on the cover of the trust's board paper",
        ),
    )


def comparison_rows(trusts: list[TrustScores], numbers: tuple[int, ...]) -> list[list]:
    return [
        [
            trust.ods_code,
            trust.name,
            Region(trust.region).label,
            TrustType(trust.trust_type).label if trust.trust_type else "",
            *(number_cell(trust.scores.get(n)) for n in numbers),
            number_cell(trust.overall),
            trust.rests_on.submitted,
            whole_cell(trust.rests_on.board_size),
            number_cell(
                programme_rows.response_rate(trust.rests_on.submitted, trust.rests_on.board_size)
            ),
            programme_rows.confidence(trust.rests_on) or "",
        ]
        for trust in trusts
    ]


# The early warning: one row a reason


WARNING_COLUMNS = (
    Column("trust_ods_code", "The trust's NHS ODS code"),
    Column("trust_name", "The trust's name"),
    Column("region", "NHS England region"),
    Column("icb_code", "The trust's integrated care board (ICB code)"),
    Column("trust_type", "Trust type"),
    Column(
        "reason",
        f"What the warning is, as a code that stays the same: {', '.join(warning.KINDS)}",
    ),
    Column("words", "The reason in words, as the early warning page says it"),
)


def warning_rows(warnings: list[warning.Warning]) -> list[list]:
    """One row for each reason of each trust, trusts by name (never ranked)."""
    return [
        [
            found.trust.ods_code,
            found.trust.name,
            found.trust.region_label,
            found.trust.icb_code,
            found.trust.trust_type_label,
            reason.kind,
            reason.words,
        ]
        for found in warnings
        for reason in found.reasons
    ]
