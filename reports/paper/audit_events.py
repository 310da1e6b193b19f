"""The events the board paper records in the audit trail (core.audit)."""

EVENTS = {
    "cover_sheet.saved": "saved the paper's cover sheet",
    "cover_sheet.sections_chosen": "chose the sections of the trust's cover sheets",
    "paper.frozen": "published the board paper",
    "paper.refrozen": "published the board paper again, after its figures changed",
}
