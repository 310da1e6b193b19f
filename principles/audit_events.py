"""The events the framework's room records in the audit trail (core.audit)."""

EVENTS = {
    "framework.created": "loaded a new version of the framework",
    "framework.updated": "loaded changes to an unpublished version of the framework",
}
