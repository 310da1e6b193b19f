"""Nothing typed is lost when a session ends: what a form sent after the idle timeout is
sealed, kept for the same account, and shown back on the same page after sign-in, ready
to save (docs/decisions/0017-sign-in.md).

Form views read their data through ``typed(request)`` instead of ``request.POST or None``.
"""

import base64
import datetime
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import KeptInput
from core.middleware import is_secret_field

# The pages with input kept for the signed-in person, noted at sign-in so that a form
# page asks the database only when there is something to show back.
SESSION_KEY = "quarterdeck.kept_input"

KEPT_MESSAGE = (
    "You were signed out after {minutes} minutes without activity, before this page was "
    "saved. What you had typed is shown again below: check it, then save it."
)


def _fernet() -> Fernet:
    key = salted_hmac("quarterdeck.kept-input", "key", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(*, user_id: int, post: QueryDict) -> str:
    """Encrypts and signs the form's fields (never passwords, codes or tokens) with the
    account they belong to."""
    fields = {name: values for name, values in post.lists() if not is_secret_field(name)}
    return _fernet().encrypt(json.dumps({"user": user_id, "fields": fields}).encode()).decode()


def unseal(*, user_id: int, sealed: str) -> QueryDict | None:
    try:
        kept = json.loads(_fernet().decrypt(sealed.encode()))
    except InvalidToken:
        return None
    if kept.get("user") != user_id:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept["fields"].items():
        data.setlist(name, values)
    data._mutable = False
    return data


@transaction.atomic
def keep(*, user_id: int, path: str, post: QueryDict) -> None:
    """Keeps what was sent to ``path`` for this account (the latest send wins)."""
    oldest = timezone.now() - datetime.timedelta(hours=settings.KEPT_INPUT_HOURS)
    KeptInput.objects.filter(kept_at__lt=oldest).delete()
    KeptInput.objects.update_or_create(
        user_id=user_id, path=path, defaults={"sealed": seal(user_id=user_id, post=post)}
    )


def note_at_sign_in(request, user) -> None:
    oldest = timezone.now() - datetime.timedelta(hours=settings.KEPT_INPUT_HOURS)
    paths = list(
        KeptInput.objects.filter(user=user, kept_at__gte=oldest).values_list("path", flat=True)
    )
    if paths:
        request.session[SESSION_KEY] = paths


def restore(request) -> QueryDict | None:
    """What this person sent to this page after their session ended (once, with a note),
    else None: ``request.kept_input`` for core.kept.typed."""
    waiting = request.session.get(SESSION_KEY, [])
    if request.path not in waiting or not request.user.is_authenticated:
        return None
    request.session[SESSION_KEY] = [path for path in waiting if path != request.path]
    oldest = timezone.now() - datetime.timedelta(hours=settings.KEPT_INPUT_HOURS)
    with transaction.atomic():
        kept = (
            KeptInput.objects.select_for_update()
            .filter(user=request.user, path=request.path, kept_at__gte=oldest)
            .first()
        )
        if kept is None:
            return None
        kept.delete()
    data = unseal(user_id=request.user.pk, sealed=kept.sealed)
    if data is not None:
        messages.warning(request, KEPT_MESSAGE.format(minutes=settings.SESSION_IDLE_MINUTES))
    return data
