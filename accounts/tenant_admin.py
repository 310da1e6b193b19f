"""The list of Microsoft Entra ID tenants that may sign people in through the multi-tenant
endpoint, kept by programme staff: the form they type a tenant into, and the actions that
add, change and remove one (docs/decisions/0043-many-tenants.md).

A change that lets a tenant vouch for fewer people (a trust taken off, "every trust" or
"programme staff" unticked, another directory's ID) and a removal end every session signed
in through that tenant, in the same transaction: whoever is still allowed signs in again
and is checked against the list as it is now."""

import re
from dataclasses import dataclass, field

from crispy_forms.helper import FormHelper
from django import forms
from django.db import IntegrityError, transaction

from accounts.models import SignedInSession, SignInTenant
from accounts.sessions import sessions_end
from accounts.sso import GUID, PERSONAL_ACCOUNTS_TENANT
from core.audit import audit
from core.forms import Button, TextField, text_field
from core.text import shortened
from trusts.models import Trust

EXAMPLE_TENANT_ID = "3f2b9c1e-7a4d-4e8b-9c2a-1d5e6f7a8b9c"
# The trusts box: ODS codes, one a line or separated by commas (or spaces, or semicolons,
# as a spreadsheet's cells paste). Line numbers are the browser's: CR LF, CR or LF.
LINE_BREAK = re.compile(r"\r\n|\r|\n")
SEPARATOR = re.compile(r"[\s,;]+")
TRUSTS_LIMIT = 10_000  # characters: every trust in England several times over
# Codes that match no trust, each said by its line, up to this many; then how many more.
UNKNOWN_SHOWN = 20
# Trusts named in the list of tenants before "and N more".
NAMED_IN_LIST = 3


class TenantRefused(ValueError):
    """A tenant the rules refuse to save; ``field`` is the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def tenant_id_read(value: str) -> str:
    """A tenant ID as typed or pasted, in any case with spaces around it, as stored (lower
    case); else TenantRefused."""
    tenant_id = value.strip().lower()
    if not GUID.fullmatch(tenant_id):
        raise TenantRefused(
            "Enter the tenant ID as Entra ID shows it: 32 letters a to f and digits in "
            f"groups of 8, 4, 4, 4 and 12, like {EXAMPLE_TENANT_ID}",
            field="tenant_id",
        )
    if tenant_id == PERSONAL_ACCOUNTS_TENANT:
        raise TenantRefused(
            "That is Microsoft's tenant for personal accounts: it vouches for nobody's work "
            "address. Enter the tenant ID of a trust's directory or of NHSmail",
            field="tenant_id",
        )
    return tenant_id


def trusts_read(text: str) -> list[Trust]:
    """The trusts whose ODS codes are in ``text`` (one a line, or separated by commas),
    each once; a ValidationError naming the line of each code that matches no trust."""
    codes: list[tuple[int, str]] = []
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        codes.extend((number, code.upper()) for code in SEPARATOR.split(line) if code)
    found = {
        trust.ods_code: trust
        for trust in Trust.objects.filter(ods_code__in={code for _, code in codes})
    }
    unknown = [
        f"Line {number}: there is no trust with ODS code {shortened(code, 20)}"
        for number, code in codes
        if code not in found
    ]
    if unknown:
        more = len(unknown) - UNKNOWN_SHOWN
        if more > 0:
            unknown = unknown[:UNKNOWN_SHOWN]
            unknown.append(f"And {more} more codes on later lines that match no trust")
        raise forms.ValidationError(unknown)
    return list({code: found[code] for _, code in codes}.values())


class TenantForm(forms.Form):
    tenant_id = forms.CharField(
        label="Tenant ID",
        max_length=60,  # room for spaces pasted around the 36 characters
        help_text="The Directory (tenant) ID on the Overview page of the organisation's "
        f"Microsoft Entra admin centre, like {EXAMPLE_TENANT_ID}.",
        widget=forms.TextInput(
            attrs={"spellcheck": "false", "autocomplete": "off", "class": "nhsuk-input--width-30"}
        ),
        error_messages={
            "required": "Enter the tenant ID",
            "max_length": "Enter the tenant ID alone: 36 characters",
        },
    )
    name = text_field(
        SignInTenant,
        "name",
        label="Name",
        required="Enter a name for the tenant",
        help_text="Whose directory it is, as programme staff will know it, like NHSmail or "
        "Testshire Hospitals NHS Trust.",
    )
    every_trust = forms.BooleanField(
        label="May sign in the members of every trust (for NHSmail)", required=False
    )
    programme_staff = forms.BooleanField(
        label="May sign in programme staff",
        required=False,
        help_text="For the programme's own tenant: it also covers Quarterdeck's administrators.",
    )
    asks_for_second_factor = forms.BooleanField(
        label="Its Conditional Access asks for a second factor",
        required=False,
        help_text="Tick only when the organisation's IT team has confirmed that everyone "
        "signing in to Quarterdeck through it is asked for multi-factor authentication. "
        "Otherwise digital leads, programme staff and administrators who sign in through it "
        "are asked for Quarterdeck's own second factor too.",
    )
    trusts = TextField(
        label="Trusts whose members it may sign in",
        required=False,
        strip=False,  # blank lines at the top still count: errors name lines as typed
        max_length=TRUSTS_LIMIT,
        help_text="Their ODS codes, one a line or separated by commas, like RAL or RX1. Leave "
        "it empty when the tenant signs in the members of every trust.",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        error_messages={"max_length": f"Keep the list to {TRUSTS_LIMIT:,} characters or fewer"},
    )

    def __init__(self, *args, button: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Button("save", button))

    def clean_tenant_id(self) -> str:
        try:
            return tenant_id_read(self.cleaned_data["tenant_id"])
        except TenantRefused as problem:
            raise forms.ValidationError(str(problem)) from None

    def clean_trusts(self) -> list[Trust]:
        return trusts_read(self.cleaned_data["trusts"])

    def clean(self):
        cleaned = super().clean()
        if "trusts" in cleaned and not (
            cleaned["trusts"] or cleaned.get("every_trust") or cleaned.get("programme_staff")
        ):
            self.add_error(
                "trusts",
                "Enter the trusts whose members it may sign in, or tick every trust or "
                "programme staff",
            )
        return cleaned

    @staticmethod
    def initial_of(tenant: SignInTenant) -> dict:
        """What the form shows for a tenant kept already: its trusts' codes, one a line."""
        return {
            "tenant_id": tenant.tenant_id,
            "name": tenant.name,
            "every_trust": tenant.every_trust,
            "programme_staff": tenant.programme_staff,
            "asks_for_second_factor": tenant.asks_for_second_factor,
            "trusts": "\n".join(sorted(trust.ods_code for trust in tenant.trusts.all())),
        }


# Presenting a tenant in the list


def whom(tenant: SignInTenant) -> list[str]:
    """Whom a tenant may sign in, in words, one item a kind: "Every trust", the trusts by
    name (a few, then "and N more"), "Programme staff". Reads ``tenant.trusts`` as
    prefetched, ordered by name."""
    said = []
    if tenant.every_trust:
        said.append("Every trust")
    trusts = sorted(tenant.trusts.all(), key=lambda trust: (trust.name, trust.ods_code))
    if trusts:
        names = ", ".join(trust.name for trust in trusts[:NAMED_IN_LIST])
        more = len(trusts) - NAMED_IN_LIST
        count = f"{len(trusts)} trust{'s' if len(trusts) != 1 else ''}"
        said.append(f"{count}: {names}{f' and {more} more' if more > 0 else ''}")
    if tenant.programme_staff:
        said.append("Programme staff")
    return said


# Actions


@dataclass(frozen=True)
class TenantChange:
    """What a change did: ``changed`` says what was changed, by field (empty: nothing);
    ``narrowed`` whether the tenant now vouches for fewer people (or is another directory),
    and then ``sessions_ended`` how many sessions signed in through it ended."""

    tenant: SignInTenant
    changed: dict = field(default_factory=dict)
    narrowed: bool = False
    sessions_ended: int = 0


def _sessions_end_through(tenant: SignInTenant) -> int:
    return sessions_end(SignedInSession.objects.filter(tenant=tenant))


def _codes(trusts) -> list[str]:
    return sorted(trust.ods_code for trust in trusts)


def _refuse_a_duplicate(tenant_id: str, *, other_than: int | None = None) -> None:
    if SignInTenant.objects.filter(tenant_id=tenant_id).exclude(pk=other_than).exists():
        raise TenantRefused(
            f"Tenant {tenant_id} is on the list already: change that one instead",
            field="tenant_id",
        )


def _saved(save):
    """Runs ``save`` in a savepoint, so that another person saving the same tenant ID at
    the same moment is refused in words, not a server error."""
    try:
        with transaction.atomic():
            return save()
    except IntegrityError:
        raise TenantRefused(
            "Someone has just added this tenant ID: change that one instead", field="tenant_id"
        ) from None


@transaction.atomic
def tenant_add(
    *,
    tenant_id: str,
    name: str,
    every_trust: bool,
    programme_staff: bool,
    trusts: list[Trust],
    by,
    asks_for_second_factor: bool = False,
) -> SignInTenant:
    """Lets a tenant sign in the members of ``trusts`` (or of every trust) and, when
    ``programme_staff``, programme staff."""
    tenant_id = tenant_id_read(tenant_id)
    _refuse_a_duplicate(tenant_id)
    tenant = _saved(
        lambda: SignInTenant.objects.create(
            tenant_id=tenant_id,
            name=name,
            every_trust=every_trust,
            programme_staff=programme_staff,
            asks_for_second_factor=asks_for_second_factor,
        )
    )
    tenant.trusts.set(trusts)
    audit(
        action="sign_in_tenant.added",
        by=by,
        target=tenant,
        detail={
            "tenant_id": tenant_id,
            "name": name,
            "every_trust": every_trust,
            "programme_staff": programme_staff,
            "asks_for_second_factor": asks_for_second_factor,
            "trusts": _codes(trusts),
        },
    )
    return tenant


@transaction.atomic
def tenant_change(
    *,
    tenant: SignInTenant,
    tenant_id: str,
    name: str,
    every_trust: bool,
    programme_staff: bool,
    trusts: list[Trust],
    by,
    asks_for_second_factor: bool = False,
) -> TenantChange:
    """Saves what the tenant may now do. If it may vouch for fewer people than before
    (or is another directory), every session signed in through it ends."""
    tenant_id = tenant_id_read(tenant_id)
    current = SignInTenant.objects.select_for_update().filter(pk=tenant.pk).first()
    if current is None:
        raise TenantRefused("Someone has just removed this tenant from the list")
    _refuse_a_duplicate(tenant_id, other_than=current.pk)
    before = set(_codes(current.trusts.all()))
    after = set(_codes(trusts))
    changed: dict = {
        key: [old, new]
        for key, old, new in (
            ("tenant_id", current.tenant_id, tenant_id),
            ("name", current.name, name),
            ("every_trust", current.every_trust, every_trust),
            ("programme_staff", current.programme_staff, programme_staff),
            (
                "asks_for_second_factor",
                current.asks_for_second_factor,
                asks_for_second_factor,
            ),
        )
        if old != new
    }
    if after - before:
        changed["trusts_added"] = sorted(after - before)
    if before - after:
        changed["trusts_removed"] = sorted(before - after)
    if not changed:
        return TenantChange(tenant=current)
    narrowed = (
        "tenant_id" in changed
        or "trusts_removed" in changed
        or (current.every_trust and not every_trust)
        or (current.programme_staff and not programme_staff)
        # Sessions signed in without Quarterdeck's own second factor, on its word.
        or (current.asks_for_second_factor and not asks_for_second_factor)
    )
    ended = _sessions_end_through(current) if narrowed else 0
    current.tenant_id, current.name = tenant_id, name
    current.every_trust, current.programme_staff = every_trust, programme_staff
    current.asks_for_second_factor = asks_for_second_factor
    _saved(current.save)
    current.trusts.set(trusts)
    audit(
        action="sign_in_tenant.changed",
        by=by,
        target=current,
        detail={
            "tenant_id": tenant_id,
            "name": name,
            "changed": changed,
            "sessions_ended": ended,
        },
    )
    return TenantChange(tenant=current, changed=changed, narrowed=narrowed, sessions_ended=ended)


@transaction.atomic
def tenant_remove(*, tenant: SignInTenant, by) -> int:
    """Takes the tenant off the list: nobody signs in through it any more, and every
    session signed in through it ends. Returns how many ended."""
    current = SignInTenant.objects.select_for_update().filter(pk=tenant.pk).first()
    if current is None:
        return 0  # removed a moment ago by someone else: nothing left to do
    ended = _sessions_end_through(current)
    audit(
        action="sign_in_tenant.removed",
        by=by,
        target=current,
        detail={
            "tenant_id": current.tenant_id,
            "name": current.name,
            "every_trust": current.every_trust,
            "programme_staff": current.programme_staff,
            "trusts": _codes(current.trusts.all()),
            "sessions_ended": ended,
        },
    )
    current.delete()
    return ended
