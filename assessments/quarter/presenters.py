"""Display values for running the quarter: who has submitted (never what), and the RAG
of each board action as the action log and the paper show it."""

from dataclasses import dataclass

from assessments.models import Response, ResponseStatus
from assessments.results import rules
from assessments.results.presenters import RAG_TAGS
from trusts.models import Membership


@dataclass(frozen=True)
class MemberStatus:
    user_id: int
    name: str
    seat_group: str
    status: str
    last_activity: object  # a datetime, or None before they start


def member_statuses(
    memberships: list[Membership], responses: dict[int, Response]
) -> list[MemberStatus]:
    """Who has started and submitted; never what anyone answered."""
    rows = []
    for membership in memberships:
        response = responses.get(membership.user_id)
        status = "Not started" if response is None else ResponseStatus(response.status).label
        rows.append(
            MemberStatus(
                user_id=membership.user_id,
                name=membership.user.full_name,
                seat_group=membership.get_seat_group_display(),
                status=status,
                last_activity=response.last_activity if response else None,
            )
        )
    return rows


@dataclass(frozen=True)
class StatusCounts:
    not_started: int
    in_progress: int
    submitted: int


def status_counts(rows: list[MemberStatus]) -> StatusCounts:
    statuses = [row.status for row in rows]
    return StatusCounts(
        not_started=statuses.count("Not started"),
        in_progress=statuses.count(ResponseStatus.IN_PROGRESS.label),
        submitted=statuses.count(ResponseStatus.SUBMITTED.label),
    )


@dataclass(frozen=True)
class RagShown:
    label: str  # "Red", "Amber", "Green", or "–" for a dropped action
    tag: str  # the NHS.UK tag class, "" with no RAG
    worked_out: bool  # from the due date and status, not chosen by the board

    @property
    def note(self) -> str:
        """Where the RAG comes from, printed beside it wherever it is shown."""
        if not self.worked_out:
            return CHOSEN_BY_THE_BOARD
        return "from the due date and status" if self.tag else ""


CHOSEN_BY_THE_BOARD = "the board's choice"


def rag_shown(*, status: str, due, chosen: str, today) -> RagShown:
    """An action's RAG as the action log page and the paper show it (rules.action_rag)."""
    rag = rules.action_rag(status=status, due=due, chosen=chosen, today=today)
    return RagShown(
        label=rag.value.capitalize() if rag else "–",
        tag=RAG_TAGS[rag] if rag else "",
        worked_out=not chosen,
    )


def action_rag_shown(action, today) -> RagShown:
    return rag_shown(status=action.status, due=action.due_date, chosen=action.rag, today=today)
