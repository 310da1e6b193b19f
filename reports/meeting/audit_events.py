"""The events the board meeting records in the audit trail (core.audit)."""

EVENTS = {
    "room_vote.opened": "opened a room vote",
    "room_vote.closed": "closed a room vote",
    "meeting.attendance_recorded": "recorded who attended the board meeting, as counts by role",
}
