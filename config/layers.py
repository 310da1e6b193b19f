"""The direction data flows in: each app may import from the apps before it, never from
one after it (tests/test_layers.py fails the build otherwise; README, "Architecture").

``core`` is the ground floor (audit, mail, storage, template tags, health) and imports no
app. The framework's content comes next, then trusts and their people, then accounts
(signing in, second factor, kept input), then the quarters and their answers, then what
is reported from them. The seeders, which make demo and national data through every app's
actions, sit on top; ``config`` (settings, URLs) wires them all together. Where a lower
app must let a higher one act (a paper frozen when a quarter closes), the higher one is
named in settings, never imported (``assessments.hooks``).
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


def allowed(importer: str, imported: str) -> bool:
    """Whether code in app ``importer`` may import from app ``imported``."""
    return LAYERS.index(imported) <= LAYERS.index(importer)
