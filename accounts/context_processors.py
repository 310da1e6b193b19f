from django.conf import settings


def session_timeout(request):
    """The idle timeout, for the warning that every signed-in page carries."""
    return {
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
        "session_idle_seconds": settings.SESSION_IDLE_MINUTES * 60,
    }
