"""The audit trail speaks as the pages do: every audited action has words, and every value
it shows (a status, a role, a seat group, a RAG rating, a level, a date) is written as the
pages write it, read from the models' choices, not from a table of its own."""

import re

import pytest
from django.urls import reverse

from assessments.models import ActionRag, ActionStatus
from config.layers import LAYERS
from core.audit import UnknownEvent, audit, events
from principles.models import LEVEL_LABELS
from reports.models import CoverPurposes, CoverSection
from tests.factories import SETUP
from tests.helpers import ROOT
from trusts.audit_trail import trail_entry
from trusts.models import DataOrigin, Role, SeatGroup

# ``audit(action="x", ...)`` or ``audit(action="x" if created else "y", ...)``, over lines.
AUDIT_CALL = re.compile(r"\baudit\(\s*action=(?P<action>[^,]+),")
ACTION_NAME = re.compile(r"""["']([a-z_]+\.[a-z_]+)["']""")


def audited_actions() -> set[str]:
    """Every action name the apps audit, read from their source."""
    return {
        name
        for app in LAYERS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for call in AUDIT_CALL.finditer(path.read_text())
        for name in ACTION_NAME.findall(call["action"])
    }


def test_the_audited_actions_are_found_in_the_source():
    found = audited_actions()
    # The collector sees both spellings of a call, and both names of a conditional one.
    assert {
        "trust.added",
        "membership.added",
        "board_action.added",
        "board_action.changed",
        "paper.frozen",
        "paper.refrozen",
        "cover_sheet.saved",
        "cover_sheet.sections_chosen",
        "retention.applied",
        "person.erased",
    } <= found


@pytest.mark.parametrize("action", sorted(audited_actions()))
def test_every_audited_action_has_words(action):
    assert action in events(), f"{action!r} is audited but no room declares its words"
    assert events()[action] != action


def test_an_event_nobody_declared_is_refused():
    with pytest.raises(UnknownEvent):
        audit(action="quarter.misspelt", by=SETUP)


def detail_of(db_action: str, detail: dict) -> str:
    return trail_entry(audit(action=db_action, by=SETUP, detail=detail), {}).detail


@pytest.mark.parametrize(
    ("action", "detail", "words", "code"),
    [
        (
            "board_action.changed",
            {"title": "Fix the wifi", "status": "not_started", "rag": "amber"},
            f"status: {ActionStatus.NOT_STARTED.label}; RAG: {ActionRag.AMBER.label}",
            "not_started",
        ),
        (
            "membership.added",
            {"user": "a@example.nhs.uk", "role": "board_member", "seat_group": "non_executive"},
            f"role: {Role.BOARD_MEMBER.label}; seat group: {SeatGroup.NON_EXECUTIVE.label}",
            "non_executive",
        ),
        ("membership.removed", {"role": "coordinator"}, Role.COORDINATOR.label, "coordinator"),
        ("trust.added", {"origin": "synthetic"}, DataOrigin.SYNTHETIC.label, "synthetic"),
        ("invitation.sent", {"seat_group": "executive"}, SeatGroup.EXECUTIVE.label, "executive"),
        (
            "cover_sheet.sections_chosen",
            {"sections": ["session", "foi"]},
            f"{CoverSection.SESSION.label}, {CoverSection.FOI.label}",
            "foi",
        ),
        (
            "cover_sheet.saved",
            {"meeting": "Board", "purposes": ["approval"]},
            CoverPurposes.APPROVAL.label,
            "approval",
        ),
        ("positions.recorded", {"meeting_date": "2026-10-14"}, "14 October 2026", "2026-10-14"),
        ("targets.set", {"1": "3", "2": None}, f"principle 1: 3 – {LEVEL_LABELS[3]}", "1: 3;"),
    ],
)
def test_a_detail_that_is_a_code_or_an_iso_date_is_shown_in_words(db, action, detail, words, code):
    shown = detail_of(action, detail)
    assert words in shown
    assert code not in shown


def test_an_iso_date_under_any_name_is_a_date_in_words(db):
    assert detail_of("cover_sheet.saved", {"meeting": "2026-01-05"}) == "meeting: 5 January 2026"


def test_a_value_no_choice_knows_is_shown_as_it_was_kept(db):
    assert "status: archived" in detail_of("board_action.changed", {"status": "archived"})


def test_the_page_shows_the_trail_in_words(signed_in, coordinator, trust):
    audit(
        action="board_action.added",
        by=SETUP,
        trust=trust,
        detail={"title": "Fix the wifi", "status": "in_progress", "rag": "red"},
    )
    audit(action="positions.recorded", by=SETUP, trust=trust, detail={"meeting_date": "2026-10-14"})
    content = (
        signed_in(coordinator).get(reverse("trusts:audit-trail", args=[trust.ods_code])).content
    )
    content = content.decode()
    assert "added an action" in content
    assert "status: In progress; RAG: Red" in content
    assert "meeting date: 14 October 2026" in content
    for code in ("in_progress", "2026-10-14", "board_action.added", "positions.recorded"):
        assert code not in content
