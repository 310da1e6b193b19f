"""What a form view binds. A session that ends never takes what was typed with it
(DESIGN.md §3): the accounts app keeps a form sent after the session ended and, once the
person has signed in again, offers it back through ``request.kept_input``, which its
middleware sets on every request (accounts.keeping). Views in every app read it here, so
none of them depends on the app that keeps it (config/layers.py)."""

from django.http import QueryDict


def typed(request) -> QueryDict | None:
    """What was posted now, else what this person sent to this page after their session
    ended (once, with a note), else None."""
    if request.method == "POST":
        return request.POST
    restore = getattr(request, "kept_input", None)
    return restore() if restore is not None else None
