"""The events the signing-in room records in the audit trail (core.audit)."""

EVENTS = {
    "user.two_factor_added": "set up a second sign-in step",
    "user.recovery_codes_replaced": "replaced their recovery codes",
    "user.recovery_code_used": "signed in with a recovery code",
    "user.two_factor_reset": "reset a person's second sign-in step",
    "api_token.created": "made an API token",
    "api_token.revoked": "revoked an API token",
}
