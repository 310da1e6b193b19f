"""The event the questionnaire records in the audit trail (core.audit): that a response
was submitted, never what it said."""

EVENTS = {"response.submitted": "submitted a response"}

# Programme staff see that a board member submitted, and when, but not who.
NAMED_FOR_THE_TRUST_ONLY = {"response.submitted"}
