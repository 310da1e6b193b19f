"""The events publishing results records in the audit trail (core.audit)."""

EVENTS = {
    "results.published": "published the results",
    "results.held": "kept the results already published (too few responses had changed)",
}
