"""The events the trusts' and people's room records in the audit trail (core.audit)."""

EVENTS = {
    "trusts.imported": "imported the trusts from NHS ODS",
    "trust.added": "added the trust",
    "user.created": "created an account",
    "membership.added": "added a role",
    "membership.removed": "removed a role",
    "invitation.sent": "invited a board member",
    "invitation.resent": "sent an invitation again",
    "invitation.revoked": "revoked an invitation",
    "invitation.accepted": "accepted an invitation",
}
