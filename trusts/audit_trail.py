"""The audit trail in words, for the trust's coordinator and programme staff. Events carry
what happened and to what, never an answer."""

from dataclasses import dataclass

from core.models import AuditEvent

DESCRIPTIONS = {
    "assessment.opened": "opened the assessment",
    "assessment.closed": "closed the assessment",
    "assessment.reopened": "reopened the assessment",
    "targets.set": "set the board's targets",
    "positions.recorded": "recorded the board's agreed position",
    "cover_sheet.saved": "saved the paper's cover sheet",
    "cover_sheet.sections_chosen": "chose the sections of the trust's cover sheets",
    "board_action.added": "added an action",
    "board_action.changed": "changed an action",
    "trust.added": "added the trust",
    "membership.added": "added a role",
    "membership.removed": "removed a role",
    "invitation.sent": "invited a board member",
    "invitation.resent": "sent an invitation again",
    "invitation.revoked": "revoked an invitation",
    "invitation.accepted": "accepted an invitation",
    "response.submitted": "submitted a response",
    "reminder.sent": "sent a reminder",
    "paper.frozen": "published the board paper",
    "paper.refrozen": "published the board paper again, after its figures changed",
    "results.published": "published the results",
    "results.held": "kept the results already published (too few responses had changed)",
    "person.erased": "erased a person's data",
}

# Events whose actor is shown only to the trust's coordinator: programme staff see that a
# board member submitted, and when, but not who (they never need to know).
NAMED_FOR_THE_TRUST_ONLY = {"response.submitted"}

# What of an event's detail is shown; the rest stays in the database for administrators.
SHOWN_DETAIL = (
    "quarter",
    "reason",
    "email",
    "user",
    "role",
    "title",
    "status",
    "to",
    "meeting_date",
    "release",
    "responses",
)


@dataclass(frozen=True)
class TrailEntry:
    at: object
    who: str
    what: str
    about: str
    detail: str


def trail_entry(
    event: AuditEvent, quarters: dict[str, str], *, names_of_members: bool = True
) -> TrailEntry:
    if event.action in NAMED_FOR_THE_TRUST_ONLY and not names_of_members:
        who = "A board member"
    else:
        who = event.actor_name or "Quarterdeck"
    detail = "; ".join(
        f"{key.replace('_', ' ')}: {event.detail[key]}"
        for key in SHOWN_DETAIL
        if event.detail.get(key) not in (None, "")
    )
    return TrailEntry(
        at=event.at,
        who=who,
        what=DESCRIPTIONS.get(event.action, event.action),
        about=quarters.get(event.target_id, "")
        if event.target_type == "assessments.assessment"
        else "",
        detail=detail,
    )
