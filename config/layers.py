"""The direction data flows in: each app may import from the apps before it, never from
one after it (tests/house/test_layers.py fails the build otherwise; README, "Architecture").

``core`` is the ground floor (audit, mail, storage, template tags, health) and imports no
app. The framework's content comes next, then trusts and their people, then accounts
(signing in, second factor, kept input), then the quarters and their answers, then what
is reported from them. The seeders, which make demo and national data through every app's
actions, sit on top; ``config`` (settings, URLs) wires them all together. Where a lower
app must let a higher one act (a paper frozen when a quarter closes), the higher one is
named in settings, never imported (``assessments.hooks``).

Two apps are divided into rooms, one to a feature, with the same rule inside: the app's
own top-level modules (models, errors, the shared reads) are its floor, and each room may
use the floor and the rooms listed before it. A room keeps its views, forms, selectors,
actions, templates (``<room>/templates/<room>/``) and URL names (namespace ``<room>``)
together. An app's doors, its admin, management commands and migrations, may use any of its
rooms.
"""

LAYERS = (
    "core",
    "principles",
    "trusts",
    "accounts",
    "assessments",
    "reports",
    "seeders",
    "config",
)

ROOMS = {
    # Results before the questionnaire (which says what counts as an answer through the
    # scoring rules), the quarter above both, a person's data (copy, erasure, retention)
    # above them all.
    "assessments": ("results", "questionnaire", "quarter", "privacy"),
    "reports": ("paper", "meeting", "national", "opendata", "api"),
}

DOORS = ("admin", "management", "migrations")


def allowed(importer: str, imported: str) -> bool:
    """Whether code in ``importer`` may use ``imported``: each an app ("trusts") or a room
    ("assessments.quarter")."""
    importer_app, _, importer_room = importer.partition(".")
    imported_app, _, imported_room = imported.partition(".")
    if importer_app != imported_app:
        return LAYERS.index(imported_app) <= LAYERS.index(importer_app)
    return _rank(imported_app, imported_room) <= _rank(importer_app, importer_room)


def _rank(app: str, room: str) -> int:
    return ROOMS[app].index(room) + 1 if room else 0


def rooms() -> tuple[str, ...]:
    """Every app and room, lowest first: "assessments", "assessments.results", …"""
    return tuple(
        name for app in LAYERS for name in (app, *(f"{app}.{room}" for room in ROOMS.get(app, ())))
    )


def room_of(module: str) -> str | None:
    """The app or room a dotted module path belongs to ("assessments.quarter.views.home" →
    "assessments.quarter"), or None if outside every app."""
    parts = module.split(".")
    if parts[0] not in LAYERS:
        return None
    if len(parts) > 1 and parts[1] in ROOMS.get(parts[0], ()):
        return f"{parts[0]}.{parts[1]}"
    return parts[0]


def is_door(module: str) -> bool:
    """An app's admin, management commands or migrations, which may use any of the app's
    rooms."""
    parts = module.split(".")
    return len(parts) > 1 and parts[1] in DOORS


def short_name(room: str) -> str:
    """The name a room's templates and URLs go by: its last part ("quarter")."""
    return room.rpartition(".")[2]


def room_template_dirs(base) -> list:
    """Each room's templates folder, for settings.TEMPLATES (an app's own folder is found
    by the app loader)."""
    return [base / app / room / "templates" for app, names in ROOMS.items() for room in names]


# Links from a room's pages to a page of a room above it. Data never flows this way (the
# lower room imports nothing from the higher one); a person does, from one page to the
# next, so each such link is named here with its reason and the layer test refuses others.
_TO_THE_TRUST = "back to the trust's page, which lists its quarters"
_TO_THE_PAPER = "a closed quarter's next step is its board paper"
_TO_THE_NATIONAL_VIEW = "programme staff go on to a trust's figures across the country"

LINKS_UP: dict[str, dict[str, str]] = {
    "core": {
        "accounts:password-reset": "the help page says how to reset a forgotten password",
        "opendata:index": "the about page leads to the open data, where the service publishes it",
    },
    "trusts": {
        "quarter:trust-detail": _TO_THE_TRUST,
        "accounts:sign-in": "an invitation is taken up by signing in",
        "national:programme-trust": _TO_THE_NATIONAL_VIEW,
    },
    "accounts": {"privacy:account-data": "a person's account page offers them their data"},
    "assessments.questionnaire": {
        "quarter:home": "back to the home page from the questionnaire",
        "paper:paper": "a member goes on from their own answers to the board paper",
    },
    "assessments.quarter": {
        "paper:paper": _TO_THE_PAPER,
        "paper:paper-pdf": _TO_THE_PAPER,
        "paper:paper-docx": _TO_THE_PAPER,
        "paper:position-evidence-pdf": "a PDF attached as evidence is kept with the paper",
        "paper:cover-sheet": "the meeting date and the paper's cover are typed on the cover sheet",
        "meeting:present": "a closed quarter's results are presented in the board meeting",
        "meeting:minutes": "after the board meeting, its minutes extract for the company secretary",
        "national:programme-home": "programme staff's home page leads to the national view",
        "national:programme-trust": _TO_THE_NATIONAL_VIEW,
    },
    "reports.national": {
        "opendata:publish": "programme staff publish a quarter's open data from the national view",
    },
}
