"""An audit trail to rely on: every entry names who did it (a person or a named system
actor), is written in the same transaction as the change it records, and still reads
right after the trust or the person it names is gone."""

import ast
from pathlib import Path

import pytest

from assessments.privacy.erasure import person_erase
from config.layers import LAYERS
from core.audit import ActorMissing, SystemActor, audit
from core.models import AuditEvent
from tests.factories import SETUP, TrustFactory, UserFactory
from tests.helpers import ROOT
from trusts.actions import membership_add
from trusts.audit_trail import trail_entry
from trusts.models import Role


def audit_calls_outside_a_transaction(path: Path) -> list[str]:
    """Calls of ``audit(...)`` neither in a function decorated ``@transaction.atomic`` nor
    inside ``with transaction.atomic():``."""
    found = []

    def visit(node, atomic: bool):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            atomic = any("atomic" in ast.unparse(d) for d in node.decorator_list)
        elif isinstance(node, ast.With) and any(
            "atomic" in ast.unparse(item.context_expr) for item in node.items
        ):
            atomic = True
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "audit"
            and not atomic
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        for child in ast.iter_child_nodes(node):
            visit(child, atomic)

    visit(ast.parse(path.read_text()), False)
    return found


def test_every_audit_entry_is_written_in_the_transaction_of_its_change():
    outside = [
        place
        for app in LAYERS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path.name != "audit.py"
        for place in audit_calls_outside_a_transaction(path)
    ]
    assert outside == []


@pytest.mark.parametrize("nobody", [None, "someone", object()])
def test_audit_refuses_an_entry_without_a_person_or_a_system_actor(db, nobody):
    with pytest.raises(ActorMissing, match="needs a person or a SystemActor"):
        audit(action="trust.added", by=nobody)
    assert not AuditEvent.objects.exists()


def test_audit_refuses_an_anonymous_visitor(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ActorMissing):
        audit(action="trust.added", by=AnonymousUser())


def test_system_actor_is_named_in_the_trail(db):
    trust = TrustFactory()
    event = audit(action="trust.added", by=SystemActor("import_trusts"), trust=trust)
    assert event.actor is None
    assert trail_entry(event, {}).who == "Quarterdeck (import_trusts)"


def test_audit_entries_outlive_the_trust_and_the_person_they_name(db):
    trust = TrustFactory(name="Gone NHS Trust", ods_code="QGN")
    person = UserFactory(full_name="Dr Former Lead")
    membership_add(trust=trust, user=person, role=Role.COORDINATOR, by=SETUP)
    event = audit(action="targets.set", by=person, trust=trust)
    trust.delete()
    person.delete()
    event.refresh_from_db()
    assert (event.trust, event.trust_name, event.trust_code) == (None, "Gone NHS Trust", "QGN")
    assert (event.actor, event.actor_name) == (None, "Dr Former Lead")
    assert trail_entry(event, {}).who == "Dr Former Lead"


def test_audit_keeps_the_name_a_person_had_when_they_acted(db):
    person = UserFactory(full_name="Dr Before")
    event = audit(action="targets.set", by=person)
    person.full_name = "Dr After"
    person.save()
    event.refresh_from_db()
    assert trail_entry(event, {}).who == "Dr Before"


def test_erasure_scrubs_the_persons_name_from_entries_they_made(db):
    person = UserFactory(full_name="Dr To Be Erased")
    event = audit(action="targets.set", by=person)
    person_erase(user=person, by=SETUP)
    event.refresh_from_db()
    assert event.actor_name == "Erased person"
    assert not AuditEvent.objects.filter(actor_name__contains="To Be Erased").exists()
