"""The event the open data records in the audit trail (core.audit): who published a
quarter, which the release itself does not keep."""

EVENTS = {"open_data.published": "published a quarter's open data"}
