"""The events a person's data records in the audit trail (core.audit)."""

EVENTS = {
    "person.erased": "erased a person's data",
    "retention.applied": "deleted what had been kept long enough",
}
