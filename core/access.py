"""How a view declares what it needs: the one attribute the URL walk reads
(tests/trusts/test_permissions.py). The permissions themselves, and the checks, are the trusts
app's (trusts/permissions.py); the ground floor only knows that a view may be public."""


def declare(view, permission):
    """Records the permission a view needs (None: open to everyone) on the view."""
    view.required_permission = permission
    return view


def public(view):
    """Declares a view open to everyone (sign-in, health check, public pages)."""
    return declare(view, None)
