"""The event the national view records in the audit trail (core.audit)."""

EVENTS = {"papers.bulk_started": "started making every trust's board paper for a quarter"}
