"""The events running the quarter records in the audit trail (core.audit)."""

EVENTS = {
    "cycle.created": "created a quarter",
    "assessment.opened": "opened the questionnaire",
    "assessment.closed": "closed the questionnaire",
    "assessment.reopened": "reopened the questionnaire",
    "targets.set": "set the board's targets",
    "positions.recorded": "recorded the board's agreed position",
    "position_evidence.added": "added evidence to the board's agreed position",
    "position_evidence.removed": "removed evidence from the board's agreed position",
    "board_action.added": "added an action",
    "board_action.changed": "changed an action",
    "reminder.sent": "sent a reminder",
    "roadmap.saved": "saved the roadmap to the targets",
    "roadmap.reviewed": "reviewed the last quarter's roadmap",
}
