"""What a form view binds, and what an error page shows back. A session that ends never
takes what was typed with it (docs/architecture.md, "Where each rule lives"; decision
0029): the accounts app keeps a form sent after the session ended and, once the person has
signed in again, offers it back through ``request.kept_input``, which its middleware sets
on every request (accounts.keeping). Views in every app read it here, so none of them
depends on the app that keeps it (config/layers.py). A page that could not save a form (a
500, the busy page, a CSRF failure) shows back every field that was sent, choices included
(``typed_back``)."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict
from django.utils.module_loading import import_string

# Fields never kept or shown back: secrets, passwords and one-time codes.
_SECRET = re.compile(r"csrfmiddlewaretoken|password|token|secret|otp|code$")
# Fields that are the form's machinery, not what the person chose or typed.
_MACHINERY = {"action", "next", "form"}


def is_secret_field(name: str) -> bool:
    return bool(_SECRET.search(name))


def never_kept(view):
    """Declares a form view whose input is never kept when the session has ended (a room
    vote's ballot: kept, it would be a member's choice stored against their name). The
    person signs in again and chooses again."""
    view.never_kept = True
    return view


# A request the page's script makes by itself to look again (a count, a vote to come),
# not a person doing something: it does not keep an idle session alive.
LOOKING_AGAIN = "X-Quarterdeck-Looking-Again"


def typed(request) -> QueryDict | None:
    """What was posted now, else what this person sent to this page after their session
    ended (once, with a note), else None."""
    if request.method == "POST":
        return request.POST
    restore = getattr(request, "kept_input", None)
    return restore() if restore is not None else None


@dataclass(frozen=True)
class TypedField:
    label: str  # what the field asked, as near as can be told without the form
    value: str  # what was chosen or typed, in words


def _label(name: str) -> str:
    return name.replace("_", " ").replace("-", " ").strip().capitalize()


def typed_back(post: QueryDict) -> list[TypedField]:
    """Every field a person sent that could not be saved, in the order sent, labelled: the
    apps named in settings.TYPED_INPUT_DESCRIBERS put field names and choice codes into
    words (a question's text, a level's name); any other field keeps its own name.
    Secrets, empty fields and the form's buttons are left out."""
    sent = [
        (name, value.strip())
        for name, values in post.lists()
        if name not in _MACHINERY and not is_secret_field(name)
        for value in values
        if value.strip()
    ]
    described: dict[tuple[str, str], TypedField] = {}
    for path in settings.TYPED_INPUT_DESCRIBERS:
        described.update(import_string(path)(sent))
    return [described.get((name, value), TypedField(_label(name), value)) for name, value in sent]
