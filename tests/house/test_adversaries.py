"""Adversaries, one per role, trying to recover one member's answers by differencing.

A scripted quarter runs moment by moment (submissions one at a time, an edit, a close, a
reopen with a late answer, a member leaving, an erasure, more late answers, a close),
with a board meeting after the first close (a room vote of one, a vote with a late
arrival, a vote turned away after it closed, a second vote on a principle refused, a vote
beside the published results). At every moment each role reads every output it may see.
The adversary knows who submitted, changed, voted or was erased and when. From each
reading it takes what answers and votes can move: every figure (a number with decimals, a
percentage), every count of a room vote's levels and every comment. It then
compares every two distinct sets of these from one output: their difference is the work
of the members whose answers changed between the moments the two first appeared; if
fewer than MIN_RESPONSES did (or, where seat-group figures are shown, fewer than
MIN_RESPONSES in a group), it has isolated someone, and the test fails. Event streams
(the completion table, the audit trail, emails) change with every submission, which the
adversary already knows: they must never hold a figure or a comment at all. A person's own
file (everything held about them) is read by each role and by a member who answers: it
may hold the reader's own answers and comments, and never anyone else's, nor a figure.

An output joins by being registered with ``@output``; nothing else needs to change.
"""

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from assessments.errors import AssessmentError
from assessments.models import AgreedPosition, Answer, PositionEvidence, Response, ResponseStatus
from assessments.privacy.erasure import person_erase
from assessments.quarter.actions import assessment_close, assessment_reopen
from assessments.quarter.decisions import roadmap_save
from assessments.quarter.evidence import position_evidence_add
from assessments.questionnaire.actions import AnswerInput, answers_save, response_submit
from principles.models import Principle, Question
from reports.meeting.actions import vote_close, vote_open
from tests.factories import SETUP, MembershipFactory, UserFactory
from tests.helpers import make_pdf
from trusts.actions import membership_remove
from trusts.models import Role, SeatGroup

MINIMUM = 3


@dataclass
class World:
    assessment: object
    clients: dict[str, Client]
    callbacks: Callable


@dataclass(frozen=True)
class Output:
    name: str
    roles: tuple[str, ...]
    read: Callable[[World, Client], str]
    kind: str  # "figures": checked by differencing; "events": must hold no answer at all;
    # "own": the reader's own data, which must hold no one else's answer at all
    # A PDF's text comes out in the order of its layout, which moves when a page breaks
    # elsewhere (comments withdrawn, say): its figures are compared in order of value.
    printed: bool = False


OUTPUTS: list[Output] = []


def output(name: str, roles: tuple[str, ...], *, kind="figures", printed=False):
    def register(read):
        OUTPUTS.append(Output(name, roles, read, kind, printed))
        return read

    return register


# Reading outputs


def trust_url(world: World, name: str, *args) -> str:
    a = world.assessment
    return reverse(name, args=[a.trust.ods_code, *args])


def assessment_url(world: World, name: str, *args) -> str:
    a = world.assessment
    return reverse(name, args=[a.trust.ods_code, a.cycle.slug, *args])


def page(client: Client, url: str) -> str:
    response = client.get(url)
    if response.status_code != 200:
        return f"status {response.status_code}"
    return response.content.decode()


def pdf_text(content: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def download(client: Client, url: str, reader: Callable[[bytes], str]) -> str:
    response = client.get(url)
    if response.status_code != 200:
        return f"status {response.status_code}"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return reader(content)


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        ",".join("" if cell is None else str(cell) for cell in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def zip_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(
            f"{name}: {pdf_text(archive.read(name)) if name.endswith('.pdf') else ''}"
            for name in sorted(archive.namelist())
        )


@output("assessment page", ("coordinator",))
def assessment_page(world, client):
    return page(client, assessment_url(world, "quarter:assessment-detail"))


@output("completion table", ("coordinator",), kind="events")
def completion_table(world, client):
    text = page(client, assessment_url(world, "quarter:assessment-detail"))
    return text.split("<h2>Board results</h2>")[0]


@output("roadmap page", ("coordinator",))
def roadmap_page(world, client):
    """The roadmap to the targets, beside the published scores (once closed)."""
    return page(client, assessment_url(world, "quarter:assessment-roadmap"))


@output("roadmap review page", ("coordinator",))
def roadmap_review_page(world, client):
    """Last quarter's roadmap and the level it planned for this quarter, if there is one."""
    return page(client, assessment_url(world, "quarter:assessment-roadmap-review"))


@output("paper page", ("coordinator", "board member", "programme staff"))
def paper_page(world, client):
    return page(client, assessment_url(world, "paper:paper"))


@output("paper PDF", ("coordinator", "board member", "programme staff"), printed=True)
def paper_pdf(world, client):
    return download(client, assessment_url(world, "paper:paper-pdf"), pdf_text)


@output("paper Word", ("coordinator", "board member", "programme staff"))
def paper_word(world, client):
    return download(client, assessment_url(world, "paper:paper-docx"), docx_text)


def docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


for _level in ("principles", "questions"):
    output(f"{_level} CSV", ("coordinator",))(
        lambda world, client, level=_level: download(
            client, assessment_url(world, "paper:paper-export", level, "csv"), bytes.decode
        )
    )
    output(f"{_level} Excel", ("coordinator",))(
        lambda world, client, level=_level: download(
            client, assessment_url(world, "paper:paper-export", level, "xlsx"), xlsx_text
        )
    )


@output("evidence behind a position", ("coordinator",))
def position_evidence_page(world, client):
    return page(client, assessment_url(world, "quarter:assessment-position-evidence", 1))


@output("evidence PDF", ("coordinator", "board member", "programme staff"), printed=True)
def position_evidence_pdf(world, client):
    """Each PDF attached to the board's agreed positions, as its readers download it."""
    attached = PositionEvidence.objects.filter(position__assessment=world.assessment)
    return "\n".join(
        download(client, assessment_url(world, "paper:position-evidence-pdf", pk), pdf_text)
        for pk in attached.exclude(pdf_sha256="").values_list("pk", flat=True)
    )


@output("meeting, presented", ("coordinator",))
def meeting_pages(world, client):
    """Every page of the board meeting's presentation, overview to actions, as one reading."""
    a = world.assessment
    args = [a.trust.ods_code, a.cycle.slug]
    urls = [
        reverse("meeting:present", args=args),
        *(reverse("meeting:present-principle", args=[*args, n]) for n in range(1, 9)),
        reverse("meeting:present-actions", args=args),
    ]
    return "\n".join(page(client, url) for url in urls)


@output("minutes extract", ("coordinator",))
def minutes_page(world, client):
    return page(client, assessment_url(world, "meeting:minutes"))


@output("minutes extract PDF", ("coordinator",), printed=True)
def minutes_pdf(world, client):
    return download(client, assessment_url(world, "meeting:minutes-pdf"), pdf_text)


@output("minutes extract Word", ("coordinator",))
def minutes_word(world, client):
    return download(client, assessment_url(world, "meeting:minutes-docx"), docx_text)


@output("room vote, on the screen", ("coordinator",))
def room_vote_screen(world, client):
    """The pages of the principles the room votes on, as the screen shows them."""
    return "\n".join(
        page(client, assessment_url(world, "meeting:present-principle", n)) for n in (1, 2)
    )


@output("room vote, on a phone", ("board member", "board member who answers"))
def room_vote_phone(world, client):
    return page(client, reverse("meeting:vote"))


@output("trust page", ("coordinator", "board member", "programme staff"))
def trust_page(world, client):
    return page(client, trust_url(world, "quarter:trust-detail"))


@output("home page", ("coordinator", "board member", "programme staff"))
def home_page(world, client):
    return page(client, reverse("quarter:home"))


@output("board papers page", ("coordinator", "board member"), kind="events")
def board_papers_page(world, client):
    return page(client, reverse("quarter:board-papers"))


@output("questionnaire start", ("board member",))
def questionnaire_start(world, client):
    return page(client, assessment_url(world, "questionnaire:questionnaire-start"))


@output("your answers beside the board's", ("board member", "board member who answers"))
def questionnaire_mirror(world, client):
    return page(client, assessment_url(world, "questionnaire:questionnaire-mirror"))


@output("audit trail", ("coordinator", "programme staff"), kind="events")
def audit_trail(world, client):
    return page(client, trust_url(world, "trusts:audit-trail"))


@output("national completion", ("programme staff",), kind="events")
def national_completion(world, client):
    return page(
        client, reverse("national:programme-completion", args=[world.assessment.cycle.slug])
    )


@output("national comparison", ("programme staff",))
def national_comparison(world, client):
    return page(
        client, reverse("national:programme-comparison", args=[world.assessment.cycle.slug])
    )


for _extension, _reader in (("csv", bytes.decode), ("xlsx", xlsx_text)):
    output(f"national comparison {_extension}", ("programme staff",))(
        lambda world, client, extension=_extension, reader=_reader: download(
            client,
            reverse(
                "national:programme-comparison-export",
                args=[world.assessment.cycle.slug, extension],
            ),
            reader,
        )
    )


@output("national early warning", ("programme staff",))
def national_early_warning(world, client):
    return page(client, reverse("national:early-warning", args=[world.assessment.cycle.slug]))


@output("national early warning csv", ("programme staff",))
def national_early_warning_csv(world, client):
    return download(
        client,
        reverse("national:early-warning-export", args=[world.assessment.cycle.slug]),
        bytes.decode,
    )


def api(client: Client, path: str, accept: str = "application/json") -> str:
    """An answer of the API, read with a token of the reader's own (made once)."""
    from django.contrib.auth import get_user_model

    from accounts.tokens import TokenRefused, token_create

    if not hasattr(client, "api_token"):
        user = get_user_model().objects.get(email=client.session_email)
        try:
            client.api_token = token_create(user=user, name="Adversary", expires_days=1, by=user)[1]
        except TokenRefused:
            client.api_token = ""
    response = client.get(
        f"/api/v1{path}",
        headers={"Authorization": f"Bearer {client.api_token}", "Accept": accept},
    )
    if response.status_code != 200:
        return f"status {response.status_code}"
    return response.content.decode()


API_READERS = ("coordinator", "programme staff")

for _name, _path, _kind, _accept, _roles in (
    ("API results", "/quarters/{quarter}/results", "figures", "application/json", API_READERS),
    ("API results CSV", "/quarters/{quarter}/results", "figures", "text/csv", API_READERS),
    ("API trend", "/trusts/{trust}/trend", "figures", "application/json", API_READERS),
    (
        "API early warning",
        "/quarters/{quarter}/early-warning",
        "figures",
        "text/csv",
        ("programme staff",),
    ),
    ("API completion", "/quarters/{quarter}/completion", "events", "application/json", API_READERS),
    ("API trusts", "/trusts", "events", "application/json", API_READERS),
    ("API one trust", "/trusts/{trust}", "events", "application/json", API_READERS),
    ("API quarters", "/quarters", "events", "application/json", API_READERS),
):
    output(_name, _roles, kind=_kind)(
        lambda world, client, path=_path, accept=_accept: api(
            client,
            path.format(quarter=world.assessment.cycle.slug, trust=world.assessment.trust.ods_code),
            accept,
        )
    )


@output("all board papers ZIP", ("programme staff",), printed=True)
def bulk_zip(world, client):
    from django.db import connection

    from reports.models import BulkExport

    ran_from = len(connection.run_on_commit)
    with world.callbacks(execute=True):
        client.post(reverse("national:bulk-papers", args=[world.assessment.cycle.slug]))
    # Made once, here: the capture around the whole quarter would run the same callbacks
    # again at its end, long after this reading (and after the erasure forgot the export).
    del connection.run_on_commit[ran_from:]
    export = BulkExport.objects.order_by("-pk").first()
    if export is None:  # nothing closed: no ZIP is offered or made
        return ""
    return download(client, reverse("national:bulk-papers-download", args=[export.pk]), zip_text)


@output("open data publishing page", ("programme staff",))
def open_data_page(world, client):
    return page(client, reverse("opendata:publish", args=[world.assessment.cycle.slug]))


def open_data(world, client, extension: str) -> str:
    """A quarter's open data file, read by anyone. Programme staff publish it once the
    quarter has closed, on the first day they may (the day after its closing date); it is
    fixed from then on."""
    from assessments.models import AssessmentStatus
    from reports.models import OpenDataRelease
    from reports.opendata.actions import open_data_publish, publishable_from
    from tests.helpers import on_day

    cycle = world.assessment.cycle
    closed = type(world.assessment).objects.filter(
        pk=world.assessment.pk, status=AssessmentStatus.CLOSED
    )
    if closed.exists() and not OpenDataRelease.objects.filter(cycle=cycle).exists():
        with on_day(publishable_from(cycle)):
            open_data_publish(cycle=cycle, by=SETUP)
    return download(client, reverse("opendata:quarter", args=[cycle.slug, extension]), bytes.decode)


for _extension in ("csv", "json"):
    output(f"open data {_extension}", ("anyone",))(
        lambda world, client, extension=_extension: open_data(world, client, extension)
    )


@output("emails", ("coordinator", "board member", "programme staff"), kind="events")
def emails(world, client):
    address = client.session_email  # set when the world is made
    return "\n".join(m.body for m in mail.outbox if address in m.to)


@output(
    "your data file",
    ("coordinator", "board member", "programme staff", "board member who answers"),
    kind="own",
)
def your_data_file(world, client):
    return download(client, reverse("privacy:account-data"), bytes.decode)


# What answers can move in a reading: figures and comments

FIGURE = re.compile(r"(?<![\d/.:-])\d+\.\d+(?![\d/.:-])|\b\d+%")
VOTES = re.compile(r"\b(\d+) chose level (\d)\b")  # a room vote's tally, as every output words it


HIDDEN = re.compile(r"<head>.*?</head>|<script.*?</script>|<[^>]+>", re.S)


def figures(text: str, secrets: set[str]) -> tuple:
    """The figures and comments a person reads in an output (markup left aside)."""
    visible = HIDDEN.sub(" ", text)
    tallies = tuple(f"{count} at level {level}" for count, level in VOTES.findall(visible))
    return (
        tuple(FIGURE.findall(visible)) + tallies,
        tuple(sorted(s for s in secrets if s in visible)),
    )


# The scripted quarter


@dataclass
class Snapshot:
    moment: str
    state: dict[int, tuple[str, str]]  # member -> (seat group, digest of submitted answers)
    readings: dict[tuple[str, str], str] = field(default_factory=dict)


def answer_state(assessment, ballots: dict | None = None) -> dict[int, tuple[str, str]]:
    """Each member's seat group and a digest of what they have put in: their submitted
    answers and, from ``ballots`` ({member: (group, [(vote, level), ...])}), their votes."""
    rows = Answer.objects.filter(
        response__assessment=assessment, response__status=ResponseStatus.SUBMITTED
    ).values_list(
        "response__respondent_id",
        "response__seat_group",
        "question_id",
        *Answer.CONTENT,
    )
    by_member: dict[int, list] = {}
    groups = {}
    for member, group, *answer in rows:
        by_member.setdefault(member, []).append(answer)
        groups[member] = group
    for member, (group, _) in (ballots or {}).items():
        by_member.setdefault(member, [])
        groups.setdefault(member, group)
    return {
        member: (
            groups[member],
            hashlib.sha256(
                repr((sorted(answers), (ballots or {}).get(member, ("", []))[1])).encode()
            ).hexdigest(),
        )
        for member, answers in by_member.items()
    }


def secret_comment(member) -> str:
    return f"Private view of member {member.pk}: procurement is stalled"


def secret_evidence(member) -> tuple[str, str]:
    """The evidence a member adds to every answer: a title and a link, each theirs alone."""
    return (
        f"Audit of member {member.pk}: stalled procurement",
        f"https://evidence.example/member-{member.pk}:audit",
    )


def secrets_of(member) -> set[str]:
    """What only this member wrote: their comment, their evidence's title and its link."""
    return {secret_comment(member), *secret_evidence(member)}


def comment_author(comment: str) -> int:
    return int(re.search(r"member[ -](\d+):", comment)[1])


def answer_all(assessment, member, score: int) -> None:
    questions = Question.objects.filter(framework_id=assessment.cycle.framework_id)
    answers_save(
        assessment=assessment,
        respondent=member,
        answers={
            q: AnswerInput(
                score=score,
                comment=secret_comment(member),
                evidence_title=secret_evidence(member)[0],
                evidence_url=secret_evidence(member)[1],
            )
            for q in questions
        },
        by=member,
    )
    response_submit(
        response=Response.objects.get(assessment=assessment, respondent=member), by=member
    )


@pytest.fixture
def world(assessment, coordinator, programme_staff, settings, django_capture_on_commit_callbacks):
    settings.MIN_RESPONSES = MINIMUM
    observer = MembershipFactory(
        trust=assessment.trust,
        role=Role.BOARD_MEMBER,
        seat_group=SeatGroup.NON_EXECUTIVE,
        user=UserFactory(full_name="Olive Observer", email="olive@test.example"),
    ).user
    clients = {}
    for role, user in (
        ("coordinator", coordinator),
        ("board member", observer),
        ("programme staff", programme_staff),
    ):
        client = Client()
        client.force_login(user)
        client.session_email = user.email
        clients[role] = client
    # Anyone at all, not signed in, reads what the service publishes (the open data).
    settings.OPEN_DATA = True
    clients["anyone"] = Client()
    clients["anyone"].session_email = ""
    return World(assessment, clients, django_capture_on_commit_callbacks)


def run_quarter(world: World, coordinator) -> tuple[list[Snapshot], list]:
    assessment = world.assessment
    trust = assessment.trust
    seats = [SeatGroup.EXECUTIVE] * 4 + [SeatGroup.NON_EXECUTIVE] * 4
    members = [
        MembershipFactory(trust=trust, role=Role.BOARD_MEMBER, seat_group=seat).user
        for seat in seats
    ]
    a, b, c, g, d, e, f, h = members  # four executives, then four non-executives
    snapshots: list[Snapshot] = []
    # A member who answers reads their own data at every moment (outputs of kind "own").
    answering = Client()
    answering.force_login(a)
    answering.session_email = a.email
    world.clients["board member who answers"] = answering

    ballots: dict[int, tuple[str, list]] = {}  # member -> (seat group, [(vote, level)])

    def moment(name: str) -> None:
        snapshot = Snapshot(name, answer_state(assessment, ballots))
        for out in OUTPUTS:
            for role in out.roles:
                snapshot.readings[(out.name, role)] = out.read(world, world.clients[role])
        snapshots.append(snapshot)

    def refresh():
        assessment.refresh_from_db()

    with world.callbacks(execute=True):
        moment("opened, nobody has answered")
        for number, member in enumerate((a, b, c, d, e, f), start=1):
            answer_all(assessment, member, number % 5 + 1)
            moment(f"{number} submitted")
        first_question = Question.objects.filter(framework_id=assessment.cycle.framework_id).first()
        answers_save(
            assessment=assessment,
            respondent=a,
            answers={first_question: AnswerInput(score=5)},
            by=a,
        )
        moment("a submitted member changed an answer")
        assessment_close(assessment=assessment, by=coordinator)
        board_record(assessment, coordinator)
        moment("closed: first release, with both groups")
        meeting(world, coordinator, members, ballots, moment)
        assessment_reopen(assessment=assessment, reason="A late answer", by=coordinator)
        moment("reopened")
        answer_all(assessment, g, 4)
        moment("a late executive submission")
        assessment_close(assessment=assessment, by=coordinator)
        moment("closed again with one change")
        assessment_reopen(assessment=assessment, reason="People leaving", by=coordinator)
        membership_remove(membership=b.memberships.get(), by=coordinator)
        moment("an executive who submitted left the board")
        person_erase(user=c, by=SETUP)
        refresh()
        moment("an executive was erased")
        assessment_close(assessment=assessment, by=coordinator)
        moment("closed with two changes")
        assessment_reopen(assessment=assessment, reason="One more late answer", by=coordinator)
        answer_all(assessment, h, 2)
        moment("a late non-executive submission")
        assessment_close(assessment=assessment, by=coordinator)
        moment("closed with three changes (two executive): second release, no groups")
    return snapshots, members


def meeting(world: World, coordinator, members, ballots, moment) -> None:
    """The board meeting after the first close: room votes taken from members' phones."""
    assessment = world.assessment
    a, b, _, _, d, e, f, _ = members
    first, second = Principle.objects.filter(
        framework_id=assessment.cycle.framework_id, number__in=(1, 2)
    ).order_by("number")

    def ballot(member, vote, level: int) -> None:
        voter = Client()
        voter.force_login(member)
        voter.post(reverse("meeting:vote"), {"vote": vote.pk, "level": level})
        seat = member.memberships.get().seat_group
        ballots.setdefault(member.pk, (seat, []))[1].append((vote.pk, level))

    vote = vote_open(assessment=assessment, principle=first, by=coordinator)
    moment("a room vote opened")
    ballot(a, vote, 2)
    moment("one member voted")
    vote_close(vote=vote, by=coordinator)
    moment("a vote of one closed")
    vote = vote_open(assessment=assessment, principle=first, by=coordinator)
    for member, level in ((b, 3), (d, 3), (e, 4)):
        ballot(member, vote, level)
    moment("the minimum voted, the vote still open")
    ballot(f, vote, 5)
    moment("a late arrival voted")
    vote_close(vote=vote, by=coordinator)
    moment("the vote closed, and how the room chose shown")
    ballot(a, vote, 1)  # after the close: turned away, counted nowhere
    ballots[a.pk][1].pop()
    moment("a later arrival turned away")
    with pytest.raises(AssessmentError, match="already"):  # two votes to difference: refused
        vote_open(assessment=assessment, principle=first, by=coordinator)
    vote = vote_open(assessment=assessment, principle=second, by=coordinator)
    for member, level in ((a, 1), (b, 2), (d, 2)):
        ballot(member, vote, level)
    vote_close(vote=vote, by=coordinator)
    moment("a vote shown beside the published results")


def board_record(assessment, coordinator) -> None:
    """The board's position on principle 1, with evidence (a link and a PDF), and a roadmap:
    recorded as the quarter closes, so that the figures they add (levels the digital lead
    typed) first appear with the results, never as a change beside members' answers."""
    first = Principle.objects.get(framework_id=assessment.cycle.framework_id, number=1)
    position = AgreedPosition.objects.create(
        assessment=assessment, principle=first, level=Decimal("3.0"), rationale="As discussed."
    )
    position_evidence_add(
        position=position, title="Audit report", url="https://example.org/audit", by=coordinator
    )
    position_evidence_add(
        position=position,
        title="Board minutes",
        pdf=make_pdf(),
        pdf_name="m.pdf",
        by=coordinator,
    )
    roadmap_save(
        assessment=assessment,
        roadmap={
            first: {1: Decimal("3.0"), 2: Decimal("3.5"), 3: Decimal("3.5"), 4: Decimal("4.0")}
        },
        by=coordinator,
    )


def changed(before: dict, after: dict, group: str | None = None) -> int:
    members = set(before) | set(after)
    if group is not None:
        members = {m for m in members if (after.get(m) or before.get(m))[0] == group}
    return sum(1 for m in members if before.get(m) != after.get(m))


GROUP_FIGURES = re.compile(r"Non-executive\s*</th>|Whole board\s+Executive\s+Non-executive")


def attack_by_differencing(
    out: Output, role: str, snapshots: list[Snapshot], secrets: set[str]
) -> list[str]:
    """Compares every two distinct sets of figures of one output, each with the answers as
    they stood when it first appeared; and every two distinct sets of its comments, whose
    difference must be the words of at least MINIMUM members (an erasure withdraws every
    comment of a paper, never one member's)."""
    firsts: dict[tuple, tuple[str, Snapshot]] = {}
    worded: dict[tuple, Snapshot] = {}
    for snapshot in snapshots:
        text = snapshot.readings[(out.name, role)]
        numbers, comments = figures(text, secrets)
        firsts.setdefault(tuple(sorted(numbers)) if out.printed else numbers, (text, snapshot))
        worded.setdefault(comments, snapshot)
    found = []
    for (text_1, at_1), (text_2, at_2) in combinations(firsts.values(), 2):
        total = changed(at_1.state, at_2.state)
        if 0 < total < MINIMUM:
            found.append(
                f"{out.name} ({role}): '{at_1.moment}' vs '{at_2.moment}' isolates "
                f"{total} member(s)"
            )
        # Seat groups split the answers' figures, never a room vote's tally (the whole room's).
        answered = [FIGURE.findall(HIDDEN.sub(" ", text)) for text in (text_1, text_2)]
        split = GROUP_FIGURES.search(text_1) and GROUP_FIGURES.search(text_2)
        if split and answered[0] != answered[1]:
            for group in SeatGroup.values:
                step = changed(at_1.state, at_2.state, group)
                if 0 < step < MINIMUM:
                    found.append(
                        f"{out.name} ({role}): {group} figures, '{at_1.moment}' vs "
                        f"'{at_2.moment}' isolate {step} member(s)"
                    )
    for (words_1, at_1), (words_2, at_2) in combinations(worded.items(), 2):
        authors = {comment_author(comment) for comment in set(words_1) ^ set(words_2)}
        if 0 < len(authors) < MINIMUM:
            found.append(
                f"{out.name} ({role}): comments, '{at_1.moment}' vs '{at_2.moment}' differ by "
                f"the words of {len(authors)} member(s)"
            )
    return found


def look_for_answers(out: Output, role: str, snapshots: list[Snapshot], secrets) -> list[str]:
    """An event stream may count who has submitted (response rates are percentages the
    adversary can work out anyway), but shows no score and no comment."""
    found = []
    for snapshot in snapshots:
        numbers, comments = figures(snapshot.readings[(out.name, role)], secrets)
        if comments or any(not number.endswith("%") for number in numbers):
            found.append(f"{out.name} ({role}) at '{snapshot.moment}' shows a score or comment")
    return found


def test_no_role_recovers_one_members_answers_by_comparing_outputs(world, coordinator, capsys):
    snapshots, members = run_quarter(world, coordinator)
    secrets = {secret for member in members for secret in secrets_of(member)}
    findings = []
    pairs = 0
    for out in OUTPUTS:
        for role in out.roles:
            # Their own comments and evidence are the reader's to see; everyone else's are
            # only ever seen as the words of at least the minimum of members.
            reader = world.clients[role].session_email
            others = {s for m in members if m.email != reader for s in secrets_of(m)}
            if out.kind == "own":
                findings += look_for_answers(out, role, snapshots, others)
            elif out.kind == "events":
                findings += look_for_answers(out, role, snapshots, secrets)
            else:
                findings += attack_by_differencing(out, role, snapshots, others)
            pairs += len(snapshots) * (len(snapshots) - 1) // 2
    readings = sum(len(s.readings) for s in snapshots)
    with capsys.disabled():
        print(
            f"\nadversaries: outputs={len(OUTPUTS)} moments={len(snapshots)} "
            f"roles={len(world.clients)} readings={readings} comparisons={pairs} "
            f"findings={len(findings)}"
        )
    assert findings == [], "\n".join(findings)
    # The attack is not vacuous: the paper showed figures, and they changed with releases.
    paper = {figures(s.readings[("paper PDF", "coordinator")], secrets) for s in snapshots}
    assert len(paper) >= 3  # none, the first release, the second
    zipped = [s.readings[("all board papers ZIP", "programme staff")] for s in snapshots]
    assert zipped[0] == ""  # nothing closed: no ZIP made
    assert any("Private view" in reading for reading in zipped)  # then the papers, read
    assert any("Private view" in s.readings[("paper page", "board member")] for s in snapshots)
    # Members' evidence was read where it is shown: the paper, its files and the meeting.
    evidence = secret_evidence(members[4])
    for name, role in (
        ("paper page", "board member"),
        ("paper PDF", "coordinator"),
        ("paper Word", "coordinator"),
        ("meeting, presented", "coordinator"),
    ):
        assert any(evidence[0] in s.readings[(name, role)] for s in snapshots), name
        assert any(evidence[1] in s.readings[(name, role)] for s in snapshots), name
    # The meeting showed the published figures once closed, and nothing before.
    meeting = [s.readings[("meeting, presented", "coordinator")] for s in snapshots]
    assert "once the questionnaire has closed" in meeting[0]
    assert "out of 5" in meeting[-1]
    # The room votes were read: counted while open, shown once closed with enough voters.
    voting = {s.moment: s.readings[("room vote, on the screen", "coordinator")] for s in snapshots}
    assert "1 has voted" in voting["one member voted"]
    assert "fewer than 3, so how they chose is not shown" in voting["a vote of one closed"]
    assert "4 have voted" in voting["a late arrival voted"]
    shown = voting["the vote closed, and how the room chose shown"]
    assert "2 chose level 3 (developing), 1 chose level 4 (established)" in shown
    phones = [s.readings[("room vote, on a phone", "board member")] for s in snapshots]
    assert any("Which level is the trust at?" in reading for reading in phones)
    # A member's mirror showed the board's figures once closed, beside their own answers.
    mirror = [
        s.readings[("your answers beside the board's", "board member who answers")]
        for s in snapshots
    ]
    assert "Once the questionnaire closes" in mirror[0]
    assert "The board's score: <strong>" in mirror[-1]
    # A member's own file held their own comments once they had answered.
    own = [s.readings[("your data file", "board member who answers")] for s in snapshots]
    assert secret_comment(members[0]) not in own[0]
    assert secret_comment(members[0]) in own[-1]
    assert secret_evidence(members[0])[1] in own[-1]
    # The open data: none until the quarter closed and was published, then fixed.
    opened = [s.readings[("open data csv", "anyone")] for s in snapshots]
    assert opened[0] == "status 404"
    assert "England" in opened[-1]
    # The API was read with each reader's token: no results before the close, then the
    # published ones, for the trust's own lead and for programme staff alike.
    for role in API_READERS:
        results = [s.readings[("API results", role)] for s in snapshots]
        assert '"count":0' in results[0]
        assert '"overall":' in results[-1]
        assert '"count":1' in results[-1]


def comments_reading(*members: int) -> str:
    return "".join(f"<p>Private view of member {m}: procurement is stalled</p>" for m in members)


@pytest.mark.parametrize(
    ("later", "caught"),
    [
        ((1, 2, 3, 4), True),  # one member's comment added: theirs
        ((1, 2), True),  # one member's comment withdrawn: theirs, beside the earlier copy
        ((), False),  # every comment withdrawn: the words of all three
    ],
)
def test_the_adversary_sees_a_difference_in_comments_that_is_few_members_words(later, caught):
    out = Output("a page", ("reader",), lambda world, client: "", "figures")
    secrets = {comments_reading(m)[3:-4] for m in range(1, 5)}
    snapshots = [
        Snapshot("before", {}, {("a page", "reader"): comments_reading(1, 2, 3)}),
        Snapshot("after", {}, {("a page", "reader"): comments_reading(*later)}),
    ]
    found = attack_by_differencing(out, "reader", snapshots, secrets)
    assert bool(found) is caught
    assert all("comments" in finding for finding in found)


@pytest.mark.parametrize(
    ("later", "voters", "caught"),
    [
        ("2 chose level 3, 2 chose level 4", 1, True),  # shown live: a late arrival's level
        ("2 chose level 3, 2 chose level 4", 4, False),  # a new vote of four
        ("2 chose level 3, 1 chose level 4. 4 have voted", 1, False),  # only the count moved
    ],
)
def test_the_adversary_sees_a_room_vote_tally_that_moves_with_few_votes(later, voters, caught):
    out = Output("a screen", ("reader",), lambda world, client: "", "figures")
    before = dict.fromkeys(range(3), ("executive", "voted"))
    after = before | dict.fromkeys(range(3, 3 + voters), ("executive", "voted again"))
    snapshots = [
        Snapshot("before", before, {("a screen", "reader"): "2 chose level 3, 1 chose level 4"}),
        Snapshot("after", after, {("a screen", "reader"): later}),
    ]
    assert bool(attack_by_differencing(out, "reader", snapshots, set())) is caught
