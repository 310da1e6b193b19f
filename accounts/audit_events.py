"""The events the signing-in room records in the audit trail (core.audit)."""

EVENTS = {
    "user.two_factor_added": "set up a second sign-in step",
    "user.recovery_codes_replaced": "replaced their recovery codes",
    "user.recovery_code_used": "signed in with a recovery code",
    "user.two_factor_reset": "reset a person's second sign-in step",
    "user.authenticator_added": "added an authenticator",
    "user.authenticator_removed": "removed an authenticator",
    "user.two_factor_turned_off": "removed their last authenticator: no second sign-in step",
    # Never the addresses: the emails sent about the change hold them (core.Email).
    "user.email_change_requested": "asked to change their email address",
    "user.email_changed": "changed their email address",
    "api_token.created": "made an API token",
    "api_token.revoked": "revoked an API token",
    "sign_in.tenant_unknown": "refused a sign-in from an organisation's tenant not on the list",
    "sign_in.tenant_refused": "was refused a sign-in by a tenant not allowed for all their roles",
    "user.session_ended": "signed out of one of their sessions on another device",
    "user.sessions_ended": "ended their sessions on other devices",
    "sign_in_tenant.added": "allowed a tenant to sign people in",
    "sign_in_tenant.changed": "changed whom a tenant may sign in",
    "sign_in_tenant.removed": "took a tenant off the list of those that may sign people in",
}
