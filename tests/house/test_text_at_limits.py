"""Every text field of every model of ours, filled to its limit with what people type,
through every output that shows it.

The fields come from the models (a walk over our apps), so a field added later fails
here until the quarter below fills it and an output is said to show it (or it is said to
be written by the code, or shown nowhere). Each is filled to its limit (its column's, or
its validator's; the framework's wording has neither, so 5,000 characters) with what our
forms let through: accented letters, an em dash, straight and curly quotes, an
ampersand, markup, an emoji, a word too long to wrap, and, where a field takes several
lines, line breaks as a browser sends them and the vertical tab that text pasted from
Word brings. People's typing goes in through the forms they use, so a form that cut or
refused it would fail here too.

One quarter like the demo's is built once for the module: last quarter closed with
results (its paper, exports, national view) and this quarter open again after a reopen
(the questionnaire half answered, reminders sent), with an invitation waiting and a
password reset asked for. Then every output is read by every role that reads it: the
outputs the anonymity test walks (tests/house/test_adversaries.py registers them) and the
pages and files it has no need of (OTHER_OUTPUTS here). Each must answer and show each
long value whole, however it wraps lines or pages; the PDF must also keep every line on
the page. Where a limit outside the service cuts text (a Word file's properties, an
email's subject) the cut is checked, and the whole text is in the body.
"""

import csv
import datetime
import html
import io
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import permutations
from urllib.parse import urlencode

import docx
import pikepdf
import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models.functions import Length
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments.models import Assessment, previous_quarter, quarter_of
from core.forms import limit_of
from core.mail import SUBJECT_LIMIT
from core.text import ELLIPSIS, printable, shortened
from principles.content import forget_framework_content
from reports.paper.presenters import board_paper
from reports.paper.word import CORE_PROPERTY_LIMIT
from tests.factories import (
    FrameworkFactory,
    MembershipFactory,
    PrincipleFactory,
    QuestionFactory,
    TrustFactory,
    UserFactory,
)
from tests.helpers import EVERY_COVER_SECTION, page_data, quarter_of_year, questionnaire_url
from tests.house import test_adversaries as adversaries
from tests.reports.paper import test_paper_layout as paper_layout
from trusts.models import Role, SeatGroup, User

# Every test here reads the database, so that pytest-django sets up the test database
# before the module's quarter is built in it.
pytestmark = pytest.mark.django_db

OUR_APPS = ("core", "principles", "trusts", "accounts", "assessments", "reports")
# The framework's wording has no limit in its model or its loader: a reviewer passes what
# a file says. 5,000 characters is a page of text for one question or one level.
LONG_TEXT = 5_000

# What people type, at its most awkward, and a word too long for any column to wrap.
PIECES = '& <b>“Zoë’s”</b> — Ó\'Brien "A&E" 🏥 naïve façade '
LONG_WORD = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch" * 2
# A browser sends a textarea's line breaks as CR LF; text pasted from Word brings its line
# breaks (Shift+Enter) as vertical tabs.
NEW_PARAGRAPH = "\r\n\r\n"
WORD_LINE_BREAK = "\v"


def typed(tag: str, limit: int, *, lines: bool = False) -> str:
    """Exactly ``limit`` characters, starting ``[tag]`` (no other value contains it) and
    ending in no space (forms strip it)."""
    filler = PIECES + LONG_WORD + " " + (WORD_LINE_BREAK + NEW_PARAGRAPH if lines else "")
    text = f"[{tag}] " + filler * (limit // len(filler) + 1)
    text = text[:limit].rstrip()
    return text + "." * (limit - len(text))


def email_address(tag: str, limit: int) -> str:
    """An address of exactly ``limit`` characters that our forms accept: a local part of
    64 (the most a mail server takes), domain labels of at most 63, lower case."""
    local = f"zoe.o'brien-smith+{tag}.".ljust(64, "x")
    labels, left = [], limit - len(local) - len("@") - len(".nhs.uk")
    while left > 0:
        size = min(63, left - 1) if left > 64 else left
        labels.append(chr(ord("a") + len(labels)) * size)
        left -= size + 1
    return f"{local}@{'.'.join(labels)}.nhs.uk"


def web_address(tag: str, limit: int) -> str:
    start = f"https://www.example.nhs.uk/strategy/zoë’s-plan?from=2025&to=2030&tag={tag}&say="
    return start + typed("“yes”", limit - len(start)).replace(" ", "-")


def tenant_id(tag: str, limit: int) -> str:
    """An Entra ID tenant ID: a GUID, always 36 characters."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, tag))


def slug(tag: str, limit: int) -> str:
    return f"digital-boards-{tag}-".ljust(limit, "x")


def question_key(principle: int, question: int, limit: int) -> str:
    return f"p{principle}.question-{question}-".ljust(limit, "x")


# The walk over our models

# Fields people never type: the code writes them, and tests of their own check them.
WRITTEN_BY_CODE = {
    "core.AuditEvent.action": "the action's code name, shown in words from a fixed table",
    "core.AuditEvent.target_type": "a model's label",
    "core.AuditEvent.target_id": "a primary key",
    "core.StoredFile.name": "a file name the storage makes",
    "core.Email.template": "a template's name",
    "core.Email.subject": "the template's first line (checked by the email subjects test)",
    "core.Email.body": "the rest of the template (read back from the outbox)",
    "core.Email.last_error": "a mail server's error",
    "core.Email.about_type": "a model's label",
    "core.Email.about_id": "a primary key",
    "principles.Framework.fingerprint": "a SHA-256",
    "trusts.User.password": "a password hash",
    "trusts.Invitation.token_hash": "a SHA-256",
    "accounts.KeptInput.path": "the path a form was posted to",
    "accounts.BrowserKey.digest": "a SHA-256",
    "accounts.ApiToken.digest": "a SHA-256",
    "accounts.SignedInSession.session_key": "a session's key, shown nowhere",
    "accounts.SignedInSession.device": "the browser in words, from a fixed table",
    "accounts.KeptInput.sealed": "typed input, sealed",
    "assessments.PrincipleResult.score": "an exact number as text",
    "assessments.PrincipleResult.dont_know_share": "an exact number as text",
    "assessments.OverallResult.score": "an exact number as text",
    "reports.FrozenPaper.fingerprint": "a SHA-256",
    "reports.FrozenPaper.inputs_key": "a SHA-256",
    "reports.PaperVersion.fingerprint": "a SHA-256",
    "assessments.PositionEvidence.pdf_sha256": "a SHA-256",
    "assessments.RoomVote.sealed_tally": "the room vote's tally, sealed while it is open",
    "reports.BulkExportItem.error": "an exception's message",
}

# Typed (or copied from typed text) but shown by no output of the service.
SHOWN_NOWHERE = {
    "principles.Framework.slug": "the framework file's name, printed only by load_framework",
    "core.AuditEvent.trust_name": "kept so an entry outlives its trust; the trail shows the "
    "trust's own name",
    "core.AuditEvent.trust_code": "kept so an entry outlives its trust",
    "assessments.PositionEvidence.pdf_name": "the name a PDF was uploaded with, never trusted: "
    "its download is named safely from it",
}

# Fields whose values have a shape of their own, and how to make one at a limit.
SHAPED: dict[str, Callable[[str, int], str]] = {
    "trusts.User.email": email_address,
    "trusts.Invitation.email": email_address,
    "reports.CoverSheet.strategy_url": web_address,
    "assessments.PositionEvidence.url": web_address,
    "assessments.Answer.evidence_url": web_address,
    "assessments.PositionEvidence.pdf_name": lambda tag, limit: (
        f"{tag}-".ljust(limit - 4, "x") + ".pdf"
    ),
    "principles.Framework.slug": slug,
    "accounts.SignInTenant.tenant_id": tenant_id,
}


def label(model_field) -> str:
    return f"{model_field.model._meta.label}.{model_field.name}"


def text_fields() -> list:
    """Every field of ours that holds text, but those chosen from a list of values."""
    return [
        model_field
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        for model_field in model._meta.get_fields()
        if isinstance(model_field, models.CharField | models.TextField) and not model_field.choices
    ]


def typed_fields() -> list:
    return [f for f in text_fields() if label(f) not in WRITTEN_BY_CODE]


def limit(model_field) -> int:
    try:
        return limit_of(model_field.model, model_field.name)
    except StopIteration:  # no max_length and no MaxLengthValidator
        return LONG_TEXT


def value_of(name: str, row: int = 0) -> str:
    """A value of field ``name`` ("trusts.Trust.name") at its limit, different for each
    ``row``."""
    app_model, field_name = name.rsplit(".", 1)
    model_field = apps.get_model(app_model)._meta.get_field(field_name)
    tag = f"{field_name}-{row}"
    if name in SHAPED:
        return SHAPED[name](tag, limit(model_field))
    return typed(tag, limit(model_field), lines=isinstance(model_field, models.TextField))


def at_limit(model_field) -> list[str]:
    """The field's stored values that are as long as it takes."""
    return list(
        model_field.model.objects.annotate(length=Length(model_field.name))
        .filter(length=limit(model_field))
        .values_list(model_field.name, flat=True)
    )


# What the digital lead types on the cover sheet (its other fields are a date and choices),
# with every section a trust can switch on switched on.
COVER_SHEET_TYPED = (
    "meeting",
    "agenda_item",
    "executive_sponsor",
    "author",
    "recommendation",
    "previous_considerations",
    "strategy_title",
    "strategy_url",
    "approved_by",
    "version",
    "strategic_objectives",
    "baf_risks",
    "foi_reason",
    "assurance_reason",
    "alert",
    "advise",
    "assure",
    "impact_quality",
    "impact_equality",
    "impact_finance",
    "impact_legal",
    "impact_information_governance",
    "impact_sustainability",
)
# Every optional section of the cover sheet, switched on through the page that chooses them.


# The quarter: last quarter closed with results, this quarter reopened and half answered


@dataclass
class Quarter:
    assessment: Assessment  # last quarter's, closed: the one the anonymity test reads
    open_assessment: Assessment  # this quarter's, reopened
    clients: dict[str, Client]
    emails: dict[str, list]  # by kind ("invitation"), as the mail server took them
    invitation_url: str
    callbacks: Callable | None = None  # django_capture_on_commit_callbacks, for the bulk ZIP
    values: dict[str, list[str]] = field(default_factory=dict)


def post(client: Client, url: str, data: dict | None = None, *, what: str):
    """Sends a form as the person would, and what its commit queued (emails, the frozen
    paper) runs as it would after the request. The form must be accepted (the page moves
    on), or the quarter stops here with what the page said."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data or {})
    if response.status_code != 302:
        summary = re.findall(r"nhsuk-error-summary__list.*?</ul>", text(response), re.S)
        errors = " ".join(re.sub(r"<[^>]+>", " ", "".join(summary)).split())
        raise AssertionError(f"{what} was refused ({response.status_code}): {errors}")
    return response


def a_pdf() -> bytes:
    document, out = pikepdf.new(), io.BytesIO()
    document.add_blank_page()
    document.save(out)
    return out.getvalue()


def url_of(assessment: Assessment, name: str, *args) -> str:
    return reverse(name, args=[assessment.trust.ods_code, assessment.cycle.slug, *args])


def text(response) -> str:
    return response.content.decode()


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.session_email = user.email if user else ""  # read by the adversaries' emails
    return client


def date_parts(name: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def build_framework():
    """Two principles of two questions, every word of them at its limit."""
    framework = FrameworkFactory(
        slug=value_of("principles.Framework.slug"), title=value_of("principles.Framework.title")
    )
    key_limit = limit_of(QuestionFactory._meta.model, "key")
    for number in (1, 2):
        principle = PrincipleFactory(
            framework=framework,
            number=number,
            title=value_of("principles.Principle.title", number),
            summary=value_of("principles.Principle.summary", number),
            guidance=value_of("principles.Principle.guidance", number),
        )
        for order in (1, 2):
            question = QuestionFactory(
                principle=principle,
                framework=framework,
                key=question_key(number, order, key_limit),
                order=order,
                text=value_of("principles.Question.text", number * 10 + order),
                help_text=value_of("principles.Question.help_text", number * 10 + order),
            )
            for level in question.levels.all():
                row = number * 100 + order * 10 + level.level
                level.descriptor = value_of("principles.LevelDescriptor.descriptor", row)
                level.save(update_fields=["descriptor"])
    return framework


def build_quarter() -> Quarter:
    """The quarter, every word of it typed at its limit through the form people use."""
    framework = build_framework()
    trust = TrustFactory(
        ods_code="QZ9X8",
        name=value_of("trusts.Trust.name"),
        icb_code=value_of("trusts.Trust.icb_code"),
    )
    rows = iter(range(1, 100))

    def person(role="", seat_group="", **extra) -> User:
        row = next(rows)
        user = UserFactory(
            full_name=value_of("trusts.User.full_name", row),
            email=value_of("trusts.User.email", row),
            **extra,
        )
        if role:
            MembershipFactory(trust=trust, user=user, role=role, seat_group=seat_group)
        return user

    def comments() -> tuple[str, str]:
        return tuple(value_of("assessments.Answer.comment", next(rows)) for _ in range(2))

    def with_evidence(data: dict) -> dict:
        """A page's answers with evidence at its limits on each question answered."""
        for name in [name for name in data if name.endswith("-comment")]:
            row, prefix = next(rows), name.removesuffix("-comment")
            data[f"{prefix}-evidence-title"] = value_of("assessments.Answer.evidence_title", row)
            data[f"{prefix}-evidence-url"] = value_of("assessments.Answer.evidence_url", row)
        return data

    coordinator = person(Role.COORDINATOR)
    person(Role.COORDINATOR)  # a second digital lead: a paper with no author names both
    members = [
        person(Role.BOARD_MEMBER, group)
        for group in (SeatGroup.EXECUTIVE, SeatGroup.EXECUTIVE, SeatGroup.NON_EXECUTIVE)
    ]
    observer = person(Role.BOARD_MEMBER, SeatGroup.NON_EXECUTIVE)
    programme_staff = person(is_programme_staff=True)
    today = timezone.localdate()
    this_quarter = quarter_of(today)
    last = quarter_of_year(framework, *previous_quarter(*this_quarter))
    this = quarter_of_year(framework, *this_quarter)
    lead = client_of(coordinator)
    emails = {}

    def sending(kind: str, client: Client, url: str, data: dict | None = None) -> None:
        already = len(mail.outbox)
        post(client, url, data, what=kind)
        emails.setdefault(kind, []).extend(mail.outbox[already:])

    # Last quarter: opened, answered by three, targets, an action and the cover sheet (with
    # every section the trust can have), closed with results, then the board's position.
    sending("opening", lead, reverse("quarter:assessment-open", args=[trust.ods_code, last.slug]))
    closed = Assessment.objects.get(trust=trust, cycle=last)
    for member, level in zip(members, ("2", "3", "2"), strict=True):
        client = client_of(member)
        for number in (1, 2):
            data = with_evidence(
                page_data(closed, number, levels=(level, level), comments=comments())
            )
            post(client, questionnaire_url(closed, "page", number=number), data, what="answers")
        post(client, questionnaire_url(closed, "check"), what="submitting")
    targets = {"principle-1": "4.5", "principle-2": "4.5"}
    post(lead, url_of(closed, "quarter:assessment-targets"), targets, what="targets")
    action = {
        "title": value_of("assessments.BoardAction.title"),
        "principle_number": "1",
        "owner": value_of("assessments.BoardAction.owner"),
        **date_parts("due_date", today + datetime.timedelta(days=60)),
        "status": "in_progress",
        "rag": "",
        "notes": value_of("assessments.BoardAction.notes"),
    }
    post(lead, reverse("quarter:board-action-new", args=[trust.ods_code]), action, what="an action")
    sections = url_of(closed, "paper:cover-sheet-sections")
    post(lead, sections, EVERY_COVER_SECTION, what="the cover sheet's sections")
    cover = {name: value_of(f"reports.CoverSheet.{name}") for name in COVER_SHEET_TYPED}
    cover |= date_parts("meeting_date", today)
    cover |= {
        "purposes": ["approval", "discussion"],
        "session": "public",
        "foi_status": "exempt",
        "assurance_rating": "limited",
    }
    post(lead, url_of(closed, "paper:cover-sheet"), cover, what="the cover sheet")
    post(lead, url_of(closed, "quarter:assessment-close"), what="closing")
    position = {}  # from the meeting on the cover sheet, after the results are published
    for number in (1, 2):
        position[f"level-{number}"] = "3.0"
        position[f"rationale-{number}"] = value_of("assessments.AgreedPosition.rationale", number)
    post(lead, url_of(closed, "quarter:assessment-positions"), position, what="the agreed position")
    decision = {  # and one decision recorded in the meeting, with dissent minuted
        "form": "decision",
        "decision-level": "3.0",
        "decision-rationale": value_of("assessments.AgreedPosition.rationale", 1),
        "decision-dissent": value_of("assessments.AgreedPosition.dissent", 1),
    }
    post(lead, url_of(closed, "meeting:present-principle", 1), decision, what="the decision")
    evidence = url_of(closed, "quarter:assessment-position-evidence", 1)  # a link and a PDF
    link = {
        "form": "add",
        "title": value_of("assessments.PositionEvidence.title"),
        "url": value_of("assessments.PositionEvidence.url"),
    }
    post(lead, evidence, link, what="a link as evidence")
    pdf = {
        "form": "add",
        "title": value_of("assessments.PositionEvidence.title", 1),
        "pdf": SimpleUploadedFile(value_of("assessments.PositionEvidence.pdf_name"), a_pdf()),
    }
    post(lead, evidence, pdf, what="a PDF as evidence")
    vote = {"form": "vote-open"}  # and a room vote open on the next, for members' phones
    post(lead, url_of(closed, "meeting:present-principle", 2), vote, what="a room vote")

    # This quarter: opened, closed too soon and reopened, half answered, reminders sent.
    sending("opening", lead, reverse("quarter:assessment-open", args=[trust.ods_code, this.slug]))
    reopened = Assessment.objects.get(trust=trust, cycle=this)
    post(lead, url_of(reopened, "quarter:assessment-close"), what="closing")
    reason = {"reason": value_of("assessments.Assessment.reopen_reason")}
    post(lead, url_of(reopened, "quarter:assessment-reopen"), reason, what="reopening")
    watcher = client_of(observer)
    data = page_data(reopened, 1, levels=("4", ""), comments=comments(), action="later")
    data = with_evidence(data)
    post(watcher, questionnaire_url(reopened, "page", number=1), data, what="answers")
    sending("reminder", lead, url_of(reopened, "quarter:assessment-remind"))

    # Someone invited, and a password reset asked for.
    invitation = {
        "full_name": value_of("trusts.Invitation.full_name"),
        "email": value_of("trusts.Invitation.email"),
        "seat_group": SeatGroup.EXECUTIVE,
    }
    sending("invitation", lead, reverse("trusts:board-people", args=[trust.ods_code]), invitation)
    reset = {"email": coordinator.email}
    sending("password reset", client_of(None), reverse("accounts:password-reset"), reset)
    # The digital lead makes an API token: its page shows the token at once, no redirect.
    api_token = {"name": value_of("accounts.ApiToken.name"), "expires_days": "90"}
    made = lead.post(reverse("accounts:api-token-create"), api_token)
    if "<h1>Your new API token</h1>" not in text(made):
        raise AssertionError(f"the API token was refused ({made.status_code})")
    # Programme staff let a tenant sign in the trust's members.
    tenant = {
        "tenant_id": value_of("accounts.SignInTenant.tenant_id"),
        "name": value_of("accounts.SignInTenant.name"),
        "trusts": trust.ods_code,
    }
    post(client_of(programme_staff), reverse("accounts:tenant-add"), tenant, what="tenant")
    ((token,),) = [re.findall(r"/invitations/([^\s/]+)/", m.body) for m in emails["invitation"]]
    closed.refresh_from_db()
    reopened.refresh_from_db()
    return Quarter(
        assessment=closed,
        open_assessment=reopened,
        clients={
            "coordinator": lead,
            "board member": watcher,
            "board member who answers": client_of(members[0]),
            "programme staff": client_of(programme_staff),
            "signed out": client_of(None),
            "anyone": client_of(None),  # the open data, published for anyone to read
        },
        emails=emails,
        invitation_url=reverse("trusts:invitation-accept", args=[token]),
    )


@pytest.fixture(scope="module")
def quarter(django_db_setup, django_db_blocker, tmp_path_factory):
    """The quarter, built once for the module inside a transaction rolled back after it
    (each test's own changes are rolled back to a savepoint within it)."""
    quick = override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        MIN_RESPONSES=3,
        OPEN_DATA=True,
    )
    with django_db_blocker.unblock(), quick, transaction.atomic():
        cache.clear()
        forget_framework_content()
        mail.outbox = []
        built = build_quarter()
        built.values = {label(f): at_limit(f) for f in typed_fields()}
        yield built
        transaction.set_rollback(True)


# The outputs, and what each shows


def words_of_html(content: str) -> str:
    """A page's text as compared: markup as sent (values are escaped in it), with the
    paragraphs and breaks that |linebreaks adds taken out, and entities read."""
    return html.unescape(re.sub(r"</?p>|<br\s*/?>", "", content))


def words_of_csv(content: str) -> str:
    return "\n".join(cell for row in csv.reader(io.StringIO(content)) for cell in row)


def words_of_text(content: str) -> str:
    return content


def words_of_json(content: str) -> str:
    """Every string in a JSON file, as read back (escapes undone)."""

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict | list):
            for item in value.values() if isinstance(value, dict) else value:
                yield from strings(item)

    return "\n".join(strings(json.loads(content)))


def pages_of_pdf(content: bytes) -> str:
    """A PDF's text, a form feed between its pages (as pdftotext writes it), so that a
    paragraph running on to the next page can be followed there."""
    return "\f".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def shown_whole(value: str, pages: list[str]) -> bool:
    """``value`` is on one page, or runs on from one page to the next (a paragraph or a
    table row split across pages, read around what each page repeats: the running header,
    the page number, a table's header row, the row's other cells). Pages are compared."""
    for first in range(len(pages)):
        rest = value
        for page in pages[first:]:
            taken = longest_start(rest, page)
            if not taken:
                break
            rest = rest[taken:]
            if not rest:
                return True
    return False


def longest_start(text: str, page: str) -> int:
    """How many of ``text``'s first characters ``page`` holds, in one piece."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if text[:middle] in page:
            low = middle
        else:
            high = middle - 1
    return low


def compared(text: str) -> str:
    """Without whitespace: every output wraps, folds or collapses lines its own way."""
    return "".join(text.split())


@dataclass(frozen=True)
class OtherOutput:
    """An output the anonymity test does not read, in the form of its registry."""

    name: str
    roles: tuple[str, ...]
    read: Callable[[Quarter, Client], str]


def get(client: Client, url: str) -> str:
    response = client.get(url)
    if response.status_code != 200:
        return f"status {response.status_code}"
    return text(response)


def open_url(quarter: Quarter, name: str, *args) -> str:
    return url_of(quarter.open_assessment, name, *args)


def closed_url(quarter: Quarter, name: str, *args) -> str:
    return url_of(quarter.assessment, name, *args)


def trust_url(quarter: Quarter, name: str, *args) -> str:
    return reverse(name, args=[quarter.assessment.trust.ods_code, *args])


def emails_of(kind: str) -> Callable[[Quarter, Client], str]:
    """Reads the emails of one kind as the mail server took them: who to, the subject
    and the body."""

    def read(quarter: Quarter, client: Client) -> str:
        return "\n".join(
            f"To: {', '.join(m.to)}\nSubject: {m.subject}\n\n{m.body}" for m in quarter.emails[kind]
        )

    return read


def first_action(quarter: Quarter) -> int:
    return quarter.assessment.trust.board_actions.get().pk


OTHER_OUTPUTS = [
    OtherOutput(
        "board members", ("coordinator",), lambda q, c: get(c, trust_url(q, "trusts:board-people"))
    ),
    OtherOutput(
        "open quarter's assessment page",
        ("coordinator",),
        lambda q, c: get(c, open_url(q, "quarter:assessment-detail")),
    ),
    OtherOutput(
        "closing confirmation",
        ("coordinator",),
        lambda q, c: get(c, open_url(q, "quarter:assessment-close")),
    ),
    OtherOutput(
        "questionnaire task list",
        ("board member",),
        lambda q, c: get(c, questionnaire_url(q.open_assessment, "start")),
    ),
    OtherOutput(
        "questionnaire page",
        ("board member",),
        lambda q, c: get(c, questionnaire_url(q.open_assessment, "page", number=1)),
    ),
    OtherOutput(
        "check your answers",
        ("board member",),
        lambda q, c: get(c, questionnaire_url(q.open_assessment, "check")),
    ),
    OtherOutput(
        "targets", ("coordinator",), lambda q, c: get(c, open_url(q, "quarter:assessment-targets"))
    ),
    OtherOutput(
        "agreed position",
        ("coordinator",),
        lambda q, c: get(c, closed_url(q, "quarter:assessment-positions")),
    ),
    OtherOutput(
        "action log", ("coordinator",), lambda q, c: get(c, trust_url(q, "quarter:board-actions"))
    ),
    OtherOutput(
        "an action",
        ("coordinator",),
        lambda q, c: get(c, trust_url(q, "quarter:board-action-edit", first_action(q))),
    ),
    OtherOutput(
        "cover sheet", ("coordinator",), lambda q, c: get(c, closed_url(q, "paper:cover-sheet"))
    ),
    OtherOutput(
        "cover sheet sections",
        ("coordinator",),
        lambda q, c: get(c, closed_url(q, "paper:cover-sheet-sections")),
    ),
    OtherOutput(
        "draft paper page", ("coordinator",), lambda q, c: get(c, open_url(q, "paper:paper"))
    ),
    OtherOutput(
        "draft paper PDF",
        ("coordinator",),
        lambda q, c: adversaries.download(c, open_url(q, "paper:paper-pdf"), pages_of_pdf),
    ),
    OtherOutput(
        "draft paper Word",
        ("coordinator",),
        lambda q, c: adversaries.download(
            c, open_url(q, "paper:paper-docx"), adversaries.docx_text
        ),
    ),
    OtherOutput(
        "national trust page",
        ("programme staff",),
        lambda q, c: get(c, trust_url(q, "national:programme-trust")),
    ),
    OtherOutput(
        "national trend, the trust's whole name typed",
        ("programme staff",),
        lambda q, c: get(
            c,
            reverse("national:programme-comparison", args=[q.assessment.cycle.slug])
            + "?"
            + urlencode({"trust": q.assessment.trust.name}),
        ),
    ),
    OtherOutput(
        "quarters", ("programme staff",), lambda q, c: get(c, reverse("quarter:cycle-list"))
    ),
    OtherOutput(
        "account", ("coordinator", "board member"), lambda q, c: get(c, reverse("accounts:account"))
    ),
    OtherOutput(
        "API tokens", ("coordinator",), lambda q, c: get(c, reverse("accounts:api-tokens"))
    ),
    OtherOutput(
        "sign-in tenants", ("programme staff",), lambda q, c: get(c, reverse("accounts:tenants"))
    ),
    OtherOutput("invitation", ("signed out",), lambda q, c: get(c, q.invitation_url)),
    *(
        OtherOutput(f"{kind} email", ("signed out",), emails_of(kind))
        for kind in ("opening", "reminder", "invitation", "password reset")
    ),
]


@dataclass(frozen=True)
class Shows:
    """The text fields an output shows (to ``roles``, or to every role that reads it),
    and how its reading becomes the words a person sees."""

    fields: tuple[str, ...]
    words: Callable[[str], str] = words_of_html
    roles: tuple[str, ...] | None = None


TRUST_NAME = "trusts.Trust.name"
PERSON = "trusts.User.full_name"
PAPER = (
    TRUST_NAME,
    "principles.Framework.title",
    "principles.Principle.title",
    "principles.Question.text",
    "principles.LevelDescriptor.descriptor",
    "assessments.Answer.comment",
    "assessments.Answer.evidence_title",
    "assessments.AgreedPosition.rationale",
    "assessments.AgreedPosition.dissent",
    "assessments.BoardAction.title",
    "assessments.BoardAction.owner",
    "assessments.BoardAction.notes",
    "assessments.PositionEvidence.title",
    "reports.CoverSheet.meeting",
    "reports.CoverSheet.agenda_item",
    "reports.CoverSheet.executive_sponsor",
    "reports.CoverSheet.author",
    "reports.CoverSheet.recommendation",
    "reports.CoverSheet.previous_considerations",
    "reports.CoverSheet.strategy_title",
    *(
        f"reports.CoverSheet.{name}"
        for name in COVER_SHEET_TYPED[COVER_SHEET_TYPED.index("approved_by") :]
    ),
)
# The meeting's pages on the boardroom screen: the paper's results and what is recorded.
MEETING = (
    TRUST_NAME,
    "assessments.AgreedPosition.rationale",
    "assessments.AgreedPosition.dissent",
    "principles.Principle.title",
    "principles.Question.text",
    "principles.LevelDescriptor.descriptor",
    "assessments.Answer.comment",
    "assessments.Answer.evidence_title",
    "assessments.Answer.evidence_url",
    "assessments.BoardAction.title",
    "assessments.BoardAction.owner",
    "assessments.BoardAction.notes",
    "assessments.PositionEvidence.title",
    "assessments.PositionEvidence.url",
)
# The minutes extract: the meeting, each principle's decision, room vote and dissent
# minuted, and the actions with their owners (attendance is counts).
MINUTES = (
    TRUST_NAME,
    "reports.CoverSheet.meeting",
    "principles.Principle.title",
    "assessments.AgreedPosition.rationale",
    "assessments.AgreedPosition.dissent",
    "assessments.BoardAction.title",
    "assessments.BoardAction.owner",
)
PRINCIPLE_ROWS = (TRUST_NAME, "trusts.Trust.ods_code", "principles.Principle.title")
QUESTION_ROWS = (
    TRUST_NAME,
    "trusts.Trust.ods_code",
    "principles.Question.key",
    "principles.Question.text",
)
COVER_SHEET = tuple(f"reports.CoverSheet.{name}" for name in COVER_SHEET_TYPED)
EMAIL = words_of_text
TRUST_CODES = (TRUST_NAME, "trusts.Trust.ods_code", "trusts.Trust.icb_code")

SHOWS: dict[str, Shows] = {
    # The outputs of tests/house/test_adversaries.py
    "assessment page": Shows((TRUST_NAME, PERSON, "principles.Principle.title")),
    "completion table": Shows((TRUST_NAME, PERSON)),
    "paper page": Shows(
        (
            *PAPER,
            "reports.CoverSheet.strategy_url",
            "assessments.PositionEvidence.url",
            "assessments.Answer.evidence_url",
        )
    ),
    "paper PDF": Shows(PAPER, words_of_text),
    "paper Word": Shows(
        (*PAPER, "assessments.PositionEvidence.url", "assessments.Answer.evidence_url"),
        words_of_text,
    ),
    "evidence behind a position": Shows(
        (
            TRUST_NAME,
            "principles.Principle.title",
            "assessments.AgreedPosition.rationale",
            "assessments.PositionEvidence.title",
            "assessments.PositionEvidence.url",
        )
    ),
    "evidence PDF": Shows((), words_of_text),
    "roadmap page": Shows((TRUST_NAME, "principles.Principle.title")),
    "roadmap review page": Shows((TRUST_NAME,)),
    "principles CSV": Shows(PRINCIPLE_ROWS, words_of_csv),
    "principles Excel": Shows(PRINCIPLE_ROWS, words_of_text),
    "questions CSV": Shows(QUESTION_ROWS, words_of_csv),
    "questions Excel": Shows(QUESTION_ROWS, words_of_text),
    "meeting, presented": Shows(MEETING),
    "room vote, on the screen": Shows(  # principles' pages: action notes are on the last
        tuple(field for field in MEETING if field != "assessments.BoardAction.notes")
    ),
    "room vote, on a phone": Shows((TRUST_NAME, "principles.Principle.title")),
    "minutes extract": Shows(MINUTES),
    "minutes extract PDF": Shows(MINUTES, words_of_text),
    "minutes extract Word": Shows(MINUTES, words_of_text),
    "your answers beside the board's": Shows(
        (TRUST_NAME, "principles.Principle.title", "principles.Question.text")
    ),
    "trust page": Shows((TRUST_NAME, "trusts.Trust.ods_code", "trusts.Trust.icb_code", PERSON)),
    "home page": Shows((TRUST_NAME, PERSON), roles=("coordinator", "board member")),
    "board papers page": Shows((TRUST_NAME,)),
    "questionnaire start": Shows((TRUST_NAME,)),  # nothing answered last quarter: no tasks
    "audit trail": Shows(
        (
            TRUST_NAME,
            "core.AuditEvent.actor_name",
            "assessments.Assessment.reopen_reason",
            "assessments.BoardAction.title",
            "trusts.Invitation.email",
            "trusts.User.email",
        )
    ),
    "national completion": Shows((TRUST_NAME,)),
    "national comparison": Shows((TRUST_NAME,)),
    "national comparison csv": Shows((TRUST_NAME, "trusts.Trust.ods_code"), words_of_csv),
    "national comparison xlsx": Shows((TRUST_NAME, "trusts.Trust.ods_code"), words_of_text),
    "all board papers ZIP": Shows(PAPER, words_of_text),
    "emails": Shows((TRUST_NAME, PERSON), words_of_text, roles=("board member",)),
    "your data file": Shows((PERSON, "trusts.User.email"), words_of_json),
    "API results": Shows((TRUST_NAME, "trusts.Trust.ods_code"), words_of_json),
    "API results CSV": Shows((TRUST_NAME, "trusts.Trust.ods_code"), words_of_csv),
    "API trend": Shows(TRUST_CODES, words_of_json),
    "API early warning": Shows((), words_of_csv),  # the quarter's trust has no warning
    "API completion": Shows((TRUST_NAME, "trusts.Trust.ods_code"), words_of_json),
    "API trusts": Shows(TRUST_CODES, words_of_json),
    "API one trust": Shows(TRUST_CODES, words_of_json),
    "API quarters": Shows((), words_of_json),
    # The quarter's trust gives no reason for a warning: nothing typed to show.
    "national early warning": Shows(()),
    "national early warning csv": Shows((), words_of_csv),
    "open data publishing page": Shows(()),
    "open data csv": Shows((), words_of_csv),
    "open data json": Shows((), words_of_json),
    # OTHER_OUTPUTS
    "board members": Shows(
        (
            TRUST_NAME,
            PERSON,
            "trusts.User.email",
            "trusts.Invitation.full_name",
            "trusts.Invitation.email",
        )
    ),
    "open quarter's assessment page": Shows(
        (TRUST_NAME, PERSON, "assessments.Assessment.reopen_reason")
    ),
    "closing confirmation": Shows((TRUST_NAME, PERSON)),
    "questionnaire task list": Shows((TRUST_NAME, "principles.Principle.title")),
    "questionnaire page": Shows(
        (
            "principles.Principle.title",
            "principles.Principle.summary",
            "principles.Principle.guidance",
            "principles.Question.text",
            "principles.Question.help_text",
            "principles.LevelDescriptor.descriptor",
            "assessments.Answer.comment",
            "assessments.Answer.evidence_title",
            "assessments.Answer.evidence_url",
        )
    ),
    "check your answers": Shows(
        (
            "principles.Principle.title",
            "principles.Question.text",
            "assessments.Answer.comment",
            "assessments.Answer.evidence_title",
            "assessments.Answer.evidence_url",
        )
    ),
    "targets": Shows((TRUST_NAME, "principles.Principle.title")),
    "agreed position": Shows(
        (TRUST_NAME, "principles.Principle.title", "assessments.AgreedPosition.rationale")
    ),
    "action log": Shows(
        (
            TRUST_NAME,
            "assessments.BoardAction.title",
            "assessments.BoardAction.owner",
            "assessments.BoardAction.notes",
        )
    ),
    "an action": Shows(
        (
            "assessments.BoardAction.title",
            "assessments.BoardAction.owner",
            "assessments.BoardAction.notes",
        )
    ),
    "cover sheet": Shows((TRUST_NAME, *COVER_SHEET)),
    "cover sheet sections": Shows((TRUST_NAME,)),
    # With no cover sheet this quarter, the paper is "from" both digital leads by name.
    "draft paper page": Shows((TRUST_NAME, PERSON, "principles.Framework.title")),
    "draft paper PDF": Shows((TRUST_NAME, PERSON, "principles.Framework.title"), words_of_text),
    "draft paper Word": Shows((TRUST_NAME, PERSON, "principles.Framework.title"), words_of_text),
    "national trust page": Shows((TRUST_NAME, "trusts.Trust.ods_code")),
    "national trend, the trust's whole name typed": Shows((TRUST_NAME,)),
    "quarters": Shows(("principles.Framework.title",)),
    "account": Shows((PERSON, "trusts.User.email")),
    "API tokens": Shows(("accounts.ApiToken.name",)),
    "sign-in tenants": Shows(("accounts.SignInTenant.name", "accounts.SignInTenant.tenant_id")),
    "invitation": Shows((TRUST_NAME, "trusts.Invitation.full_name", "trusts.Invitation.email")),
    "opening email": Shows((TRUST_NAME, PERSON, "trusts.User.email", "core.Email.to"), EMAIL),
    "reminder email": Shows((TRUST_NAME, PERSON, "trusts.User.email", "core.Email.to"), EMAIL),
    # The invitation names who sent it: the digital lead.
    "invitation email": Shows(
        (TRUST_NAME, PERSON, "trusts.Invitation.full_name", "trusts.Invitation.email"), EMAIL
    ),
    "password reset email": Shows((PERSON, "trusts.User.email"), EMAIL),
}


def outputs() -> list:
    return [*adversaries.OUTPUTS, *OTHER_OUTPUTS]


# The walk's own checks


def test_every_text_field_is_written_by_code_or_shown_by_an_output_or_said_to_be_shown_nowhere():
    fields = {label(f) for f in text_fields()}
    shown = {name for shows in SHOWS.values() for name in shows.fields}
    assert set(WRITTEN_BY_CODE) <= fields, "WRITTEN_BY_CODE names a field that is not there"
    assert set(SHOWN_NOWHERE) <= fields, "SHOWN_NOWHERE names a field that is not there"
    assert shown <= fields, "an output is said to show a field that is not there"
    unaccounted = fields - set(WRITTEN_BY_CODE) - set(SHOWN_NOWHERE) - shown
    assert unaccounted == set(), "say which outputs show these fields, or why none does"
    assert {out.name for out in outputs()} == set(SHOWS), "say what each output shows"


def test_every_typed_field_is_filled_to_its_limit(quarter):
    empty = sorted(name for name, values in quarter.values.items() if not values)
    assert empty == [], "the quarter leaves these fields short of their limit"


def test_every_output_shows_every_text_field_at_its_limit(
    quarter, django_capture_on_commit_callbacks, monkeypatch, capsys
):
    quarter.callbacks = django_capture_on_commit_callbacks  # the bulk ZIP's workers
    # The adversaries' emails output reads the outbox; their PDFs are read a page apart.
    mail.outbox.extend(m for sent in quarter.emails.values() for m in sent)
    monkeypatch.setattr(adversaries, "pdf_text", pages_of_pdf)
    findings, readings, checks = [], 0, 0
    for out in outputs():
        shows = SHOWS.get(out.name, Shows(()))  # said to show nothing: the walk's test fails
        for role in out.roles:
            if role not in quarter.clients:
                findings.append(f"{out.name}: nobody in the quarter reads it as {role!r}")
                continue
            try:
                reading = out.read(quarter, quarter.clients[role])
            except Exception as problem:  # the output broke: say which, and go on
                findings.append(f"{out.name} ({role}): {type(problem).__name__}: {problem}")
                continue
            readings += 1
            if reading.startswith("status "):
                findings.append(f"{out.name} ({role}): {reading}")
                continue
            if shows.roles is not None and role not in shows.roles:
                continue
            # An output of pages (a PDF) has a form feed between them.
            pages = [compared(page) for page in shows.words(reading).split("\f")]
            for name in shows.fields:
                checks += 1
                if not any(shown_whole(compared(v), pages) for v in quarter.values[name]):
                    findings.append(f"{out.name} ({role}): {name} is not shown whole")
    with capsys.disabled():
        print(
            f"\ntext at limits: fields={len(quarter.values)} outputs={len(outputs())} "
            f"readings={readings} checks={checks} findings={len(findings)}"
        )
    assert findings == [], "\n".join(findings)


def lines_off_the_page(document) -> list[str]:
    """Each line of text laid out past its page's content area (or, for the running
    header and page number, past the paper's edge): a PDF still holds its text, but
    nobody reading the paper sees it."""
    found = []
    for number, page in enumerate(document.pages, start=1):
        root = page._page_box
        for area in root.children:
            if type(area).__name__ == "MarginBox":
                left, top, right, bottom = 0, 0, root.margin_width(), root.margin_height()
            else:
                left, top = root.content_box_x(), root.content_box_y()
                right, bottom = left + root.width, top + root.height
            for box in paper_layout.descendants(area):
                if type(box).__name__ != "TextBox":
                    continue
                if box.position_x < left - 1 or box.position_x + box.width > right + 1:
                    found.append(f"page {number}: {box.text[:40]!r} runs off the side")
                elif box.position_y < top - 1 or box.position_y + box.height > bottom + 1:
                    found.append(f"page {number}: {box.text[:40]!r} runs off the foot")
    return found


def test_paper_pdf_wraps_text_at_its_limit_within_the_page(quarter):
    document = paper_layout.laid_out(board_paper(quarter.assessment))
    assert lines_off_the_page(document) == []


# Where a limit outside the service cuts text


def cut_from(whole: str, shown: str) -> bool:
    """``shown`` is ``whole`` cut after a word, with an ellipsis."""
    kept = shown.removesuffix(ELLIPSIS)
    return shown.endswith(ELLIPSIS) and whole.startswith(kept) and not whole[len(kept)].isalnum()


def word_file(client: Client, url: str) -> tuple[docx.document.Document, str]:
    """The Word file, opened with python-docx, and the words of its body."""
    response = client.get(url)
    assert response["Content-Type"].endswith("wordprocessingml.document")
    return docx.Document(io.BytesIO(response.content)), adversaries.docx_text(response.content)


def test_word_file_properties_are_cut_to_words_limit_and_the_paper_says_it_all(quarter):
    coordinator = quarter.clients["coordinator"]
    trust_name = quarter.values[TRUST_NAME][0]
    closed, closed_body = word_file(coordinator, closed_url(quarter, "paper:paper-docx"))
    draft, draft_body = word_file(coordinator, open_url(quarter, "paper:paper-docx"))
    heading = next(p.text for p in closed.paragraphs if p.style.name == "Heading 1")
    title = f"{heading}, {quarter.assessment.cycle.label}: {trust_name}"
    assert cut_from(title, closed.core_properties.title)
    assert closed.core_properties.author == quarter.values["reports.CoverSheet.author"][0]
    # With no cover sheet this quarter, the author is both digital leads by name.
    leads = quarter.assessment.trust.memberships.filter(role=Role.COORDINATOR).values_list(
        "user__full_name", flat=True
    )
    assert any(
        cut_from(f"Digital lead ({', '.join(names)})", draft.core_properties.author)
        for names in permutations(leads)
    )
    for document in (closed, draft):
        assert len(document.core_properties.title) <= CORE_PROPERTY_LIMIT
        assert len(document.core_properties.author) <= CORE_PROPERTY_LIMIT
    assert compared(trust_name) in compared(closed_body)
    assert all(compared(lead) in compared(draft_body) for lead in leads)


def test_email_subjects_are_one_short_line_and_the_body_names_the_trust_in_full(quarter):
    trust_name = quarter.values[TRUST_NAME][0]
    for message in (m for sent in quarter.emails.values() for m in sent):
        subject = message.subject
        assert len(subject.splitlines()) == 1, subject
        assert len(subject) <= SUBJECT_LIMIT, subject
    (invitation,) = quarter.emails["invitation"]
    whole = f"You're invited to answer {trust_name}'s board questionnaire"
    assert cut_from(" ".join(whole.split()), invitation.subject)
    assert compared(trust_name) in compared(invitation.body)


def test_shortened_cuts_after_a_word_with_an_ellipsis():
    assert shortened("Trust board,\r\n held in public", 40) == "Trust board, held in public"
    assert shortened("The quick brown fox jumps", 16) == "The quick brown…"
    assert shortened("Trust board, held in public", 14) == "Trust board…"
    assert shortened("Pneumonoultramicroscopic words", 10) == "Pneumonou…"
    assert all(len(shortened(PIECES * 20, n)) <= n for n in (2, 10, 100, 255))
    assert shortened("Zoë\v O'Brien\x08", 40) == "Zoë O'Brien"


def test_printable_turns_control_characters_into_spaces_and_keeps_line_breaks():
    assert printable("one\vtwo\x08three\x1f\x85") == "one two three  "
    assert printable("tab\tand\r\nlines") == "tab\tand\r\nlines"
