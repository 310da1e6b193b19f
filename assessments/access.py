from functools import wraps

from assessments.selectors import assessment_for


def with_assessment(view):
    """Loads the assessment named by the URL's ``cycle`` through the trust already loaded
    by ``requires_on_trust``: another trust's assessment is never reachable."""

    @wraps(view)
    def wrapped(request, *args, trust, cycle: str, **kwargs):
        return view(request, *args, assessment=assessment_for(trust, cycle), **kwargs)

    return wrapped
