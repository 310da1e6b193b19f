"""A release's rows (``Release.rows``): one submitted answer each, as it was published.

A row is [response id, seat group, question id, score, don't know, comment, evidence],
evidence being [title, link] or None. Releases made before members could add evidence
hold six columns; every reader takes rows through ``released``, which reads both."""

from typing import NamedTuple


class ReleasedAnswer(NamedTuple):
    response_id: int
    seat_group: str
    question_id: int
    score: int | None
    dont_know: bool
    comment: str
    evidence: tuple[str, str] | None = None


def released(rows: list[list]) -> list[ReleasedAnswer]:
    """A release's rows, six columns or seven, as answers."""
    return [
        ReleasedAnswer(*row[:6], evidence=tuple(row[6]) if len(row) > 6 and row[6] else None)
        for row in rows
    ]


def evidence_column(title: str, url: str) -> list[str] | None:
    """An answer's evidence as a row holds it: none when the member added none."""
    return [title, url] if title or url else None
