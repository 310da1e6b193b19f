"""Evidence behind the board's agreed positions: links, or PDFs known by their content, up
to a size limit. A refused upload changes nothing: no row, no new paper, no new version.
Evidence is read by whoever may read the paper, listed in its appendix, Word file and the
meeting's principle page, and never reachable from another trust."""

import io
from decimal import Decimal

import pikepdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import EVIDENCE_PDF_MAX_BYTES, PositionEvidence
from assessments.quarter.decisions import PositionInput, positions_record
from assessments.quarter.evidence import download_name, pdf_problem, position_evidence_add
from core.models import AuditEvent
from reports.models import PaperVersion
from reports.paper.actions import paper_file
from reports.paper.presenters import board_paper
from reports.paper.selectors import paper_inputs_key
from tests.assessments.quarter.test_decisions import discussed  # noqa: F401 (a fixture)
from tests.helpers import make_pdf
from tests.pages import forbidden, not_found
from trusts.models import Role

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(name: str, content: bytes, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def position(discussed, coordinator):  # noqa: F811 (the fixture imported above)
    principle = discussed.cycle.framework.principles.get(number=1)
    positions_record(
        assessment=discussed,
        positions={principle: PositionInput(level=Decimal("3.0"), rationale="As agreed")},
        by=coordinator,
    )
    return discussed.positions.get(principle=principle)


def evidence_url(assessment, number=1):
    return reverse(
        "quarter:assessment-position-evidence",
        args=[assessment.trust.ods_code, assessment.cycle.slug, number],
    )


def pdf_url(evidence):
    assessment = evidence.position.assessment
    return reverse(
        "paper:position-evidence-pdf",
        args=[assessment.trust.ods_code, assessment.cycle.slug, evidence.pk],
    )


def add(client, assessment, number=1, **fields):
    data = {"form": "add", "title": "Digital strategy", "url": "", **fields}
    return client.post(evidence_url(assessment, number), data)


def what_stands(assessment, coordinator) -> tuple:
    """What a refused upload must leave as it was: the rows, the paper's stamp, its frozen
    file and its versions."""
    served = paper_file(assessment=assessment, by=coordinator)
    return (
        PositionEvidence.objects.count(),
        paper_inputs_key(assessment),
        served.made_now,
        PaperVersion.objects.filter(assessment=assessment).count(),
        AuditEvent.objects.filter(action__startswith="position_evidence").count(),
    )


# Accepted


def test_a_pdf_is_kept_with_the_paper_and_downloads_byte_for_byte(signed_in, coordinator, position):
    assessment = position.assessment
    client = signed_in(coordinator)
    content = make_pdf()
    response = add(client, assessment, pdf=upload("Board pack.pdf", content))
    assert response.status_code == 302
    evidence = PositionEvidence.objects.get()
    assert (evidence.is_pdf, evidence.pdf_name, bytes(evidence.pdf)) == (
        True,
        "Board pack.pdf",
        content,
    )
    assert len(evidence.pdf_sha256) == 64
    download = client.get(pdf_url(evidence))
    assert download.content == content
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="Board-pack.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert "default-src 'self'" in download["Content-Security-Policy"]
    page = client.get(evidence_url(assessment)).content.decode()
    assert "Digital strategy" in page
    assert "(PDF, 1 KB)" in page
    assert AuditEvent.objects.get(action="position_evidence.added").detail == {
        "principle": 1,
        "title": "Digital strategy",
        "kind": "pdf",
    }


def test_a_pdf_named_as_text_is_accepted_and_saved_as_a_pdf(signed_in, coordinator, position):
    add(signed_in(coordinator), position.assessment, pdf=upload("evidence.txt", make_pdf()))
    evidence = PositionEvidence.objects.get()
    assert evidence.is_pdf
    assert download_name(evidence) == "evidence.pdf"


def test_a_link_is_kept_and_printed_in_the_paper_word_file_and_meeting_page(
    signed_in, coordinator, position
):
    import docx

    assessment = position.assessment
    client = signed_in(coordinator)
    add(client, assessment, title="Cyber audit", url="https://example.nhs.uk/cyber-audit")
    add(client, assessment, title="Strategy PDF", pdf=upload("s.pdf", make_pdf()))
    paper = board_paper(assessment)
    (section,) = paper.position_evidence
    assert (section.number, [item.title for item in section.items]) == (
        1,
        ["Cyber audit", "Strategy PDF"],
    )
    page = client.get(
        reverse("paper:paper", args=[assessment.trust.ods_code, assessment.cycle.slug])
    ).content.decode()
    assert "Evidence behind the board's agreed positions" in page
    assert "https://example.nhs.uk/cyber-audit" in page
    assert pdf_url(PositionEvidence.objects.get(title="Strategy PDF")) in page
    word = docx.Document(
        io.BytesIO(paper_file(assessment=assessment, by=coordinator, extension="docx").content)
    )
    words = " ".join(p.text for p in word.paragraphs)
    assert "Cyber audit: https://example.nhs.uk/cyber-audit" in words
    assert "Strategy PDF: PDF attached to the online paper" in words
    meeting = client.get(
        reverse(
            "meeting:present-principle",
            args=[assessment.trust.ods_code, assessment.cycle.slug, 1],
        )
    ).content.decode()
    assert "Cyber audit" in meeting
    assert "Evidence behind the board" in meeting


def test_adding_and_removing_evidence_makes_a_new_version_of_the_paper(
    signed_in, coordinator, position
):
    assessment = position.assessment
    client = signed_in(coordinator)
    paper_file(assessment=assessment, by=coordinator)
    add(client, assessment, url="https://example.nhs.uk/a")
    assert paper_file(assessment=assessment, by=coordinator).made_now
    latest = PaperVersion.objects.filter(assessment=assessment).order_by("-number").first()
    assert latest.changes == ["evidence for the agreed positions changed"]
    evidence = PositionEvidence.objects.get()
    response = client.post(evidence_url(assessment), {"form": "remove", "evidence": evidence.pk})
    assert response.status_code == 302
    assert not PositionEvidence.objects.exists()
    assert paper_file(assessment=assessment, by=coordinator).made_now
    assert AuditEvent.objects.filter(action="position_evidence.removed").count() == 1


def test_the_same_pdf_removed_and_attached_again_is_the_same_paper(
    signed_in, coordinator, attached
):
    """A PDF is known by its content, never its database key: the paper's fingerprint and
    versions stay as they were, and its page links to the file as attached now."""
    assessment = attached.position.assessment
    paper_file(assessment=assessment, by=coordinator)
    fingerprint = board_paper(assessment).fingerprint()
    versions = PaperVersion.objects.filter(assessment=assessment).count()
    client = signed_in(coordinator)
    client.post(evidence_url(assessment), {"form": "remove", "evidence": attached.pk})
    add(client, assessment, title="Strategy", pdf=upload("s.pdf", bytes(attached.pdf)))
    again = PositionEvidence.objects.get()
    assert again.pk != attached.pk
    assert board_paper(assessment).fingerprint() == fingerprint
    paper_file(assessment=assessment, by=coordinator)
    assert PaperVersion.objects.filter(assessment=assessment).count() == versions
    page = client.get(
        reverse("paper:paper", args=[assessment.trust.ods_code, assessment.cycle.slug])
    ).content.decode()
    assert pdf_url(again) in page
    assert pdf_url(attached) not in page


# Refused, changing nothing


LARGE = b"%PDF-1.7\n" + b"0" * EVIDENCE_PDF_MAX_BYTES


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pdf": ("x.pdf", PNG)}, "The selected file must be a PDF"),
        ({"pdf": ("notes.pdf", b"Minutes of the meeting")}, "The selected file must be a PDF"),
        ({"pdf": ("cut.pdf", b"%PDF-1.4\n1 0 obj garbage")}, "The selected file must be a PDF"),
        ({"pdf": ("empty.pdf", b"")}, "The selected file is empty"),
        ({"pdf": ("big.pdf", LARGE)}, "The selected file must be smaller than 5 MB"),
        (
            {"pdf": ("locked.pdf", "locked")},
            "The selected file is protected with a password",
        ),
        ({"url": "http://example.nhs.uk/a"}, "Enter a full web address that starts with https://"),
        (
            {"url": "https://example.nhs.uk/a", "pdf": ("a.pdf", "valid")},
            "Choose a PDF or enter a link, not both",
        ),
        ({}, "Enter a link to the evidence, or choose a PDF"),
        ({"title": "", "url": "https://example.nhs.uk/a"}, "Enter a title for the evidence"),
    ],
)
def test_refused_evidence_is_an_error_and_changes_nothing(
    signed_in, coordinator, position, fields, message
):
    assessment = position.assessment
    before = what_stands(assessment, coordinator)
    if "pdf" in fields:
        name, content = fields["pdf"]
        if content == "valid":
            content = make_pdf()
        elif content == "locked":
            content = make_pdf(encryption=pikepdf.Encryption(owner="o", user="u"))
        fields = {**fields, "pdf": upload(name, content)}
    response = add(signed_in(coordinator), assessment, **{"title": "Kept title", **fields})
    page = response.content.decode()
    assert message in page
    assert "nhsuk-error-summary" in page
    if fields.get("title", "Kept title"):
        assert 'value="Kept title"' in page
    after = what_stands(assessment, coordinator)
    assert after[:2] + after[3:] == before[:2] + before[3:]
    assert after[2] is False  # the frozen paper is served as it was


def test_an_upload_too_large_is_refused_before_it_is_read(signed_in, coordinator, position):
    """The size the upload declares is checked first: its bytes are never read."""

    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("read a file already known to be too large")

    from django.core.files.uploadedfile import InMemoryUploadedFile

    big = InMemoryUploadedFile(
        Unreadable(b"x"), "pdf", "big.pdf", "application/pdf", EVIDENCE_PDF_MAX_BYTES + 1, None
    )
    from assessments.quarter.evidence_forms import EvidenceForm

    form = EvidenceForm({"title": "Big"}, {"pdf": big})
    assert form.errors == {"pdf": ["The selected file must be smaller than 5 MB"]}


def test_the_action_refuses_what_the_form_would(coordinator, position):
    from assessments.quarter.evidence import EvidenceRefused

    with pytest.raises(EvidenceRefused, match="must be a PDF"):
        position_evidence_add(position=position, title="T", pdf=PNG, by=coordinator)
    with pytest.raises(EvidenceRefused, match="not both"):
        position_evidence_add(
            position=position, title="T", url="https://a.example", pdf=make_pdf(), by=coordinator
        )
    assert not PositionEvidence.objects.exists()


def test_evidence_waits_for_a_position_on_the_principle(signed_in, coordinator, position):
    assessment = position.assessment
    client = signed_in(coordinator)
    page = client.get(evidence_url(assessment, 2)).content.decode()
    assert "has not recorded an agreed position for this principle yet" in page
    add(client, assessment, 2, url="https://example.nhs.uk/a")
    assert not PositionEvidence.objects.exists()
    not_found(client.get(evidence_url(assessment, 99)))


# Who may see it


@pytest.fixture
def attached(position, coordinator):
    return position_evidence_add(
        position=position, title="Strategy", pdf=make_pdf(), pdf_name="s.pdf", by=coordinator
    )


def test_board_members_download_it_with_the_paper_but_cannot_add_or_remove(
    signed_in, board_member, attached
):
    client = signed_in(board_member)
    assert client.get(pdf_url(attached)).content == bytes(attached.pdf)
    forbidden(client.get(evidence_url(attached.position.assessment)))
    forbidden(
        client.post(
            evidence_url(attached.position.assessment),
            {"form": "remove", "evidence": attached.pk},
        )
    )
    assert PositionEvidence.objects.count() == 1


def test_another_trusts_evidence_is_not_found(signed_in, other_assessment, attached):
    other = other_assessment.trust.memberships.get(role=Role.COORDINATOR).user
    client = signed_in(other)
    assessment = attached.position.assessment
    not_found(client.get(pdf_url(attached)))
    # Its id under the other trust's own quarter is no way round.
    not_found(
        client.get(
            reverse(
                "paper:position-evidence-pdf",
                args=[other_assessment.trust.ods_code, assessment.cycle.slug, attached.pk],
            )
        )
    )


def test_a_link_has_no_download(signed_in, coordinator, position):
    link = position_evidence_add(
        position=position, title="Link", url="https://example.nhs.uk/a", by=coordinator
    )
    not_found(signed_in(coordinator).get(pdf_url(link)))


def test_the_evidence_page_reads_in_a_fixed_number_of_queries(signed_in, coordinator, position):
    client = signed_in(coordinator)
    url = evidence_url(position.assessment)
    position_evidence_add(position=position, title="One", pdf=make_pdf(), by=coordinator)
    client.get(url)  # sessions and caches warmed
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(5):
        position_evidence_add(
            position=position, title=f"More {number}", url="https://a.example", by=coordinator
        )
    with CaptureQueriesContext(connection) as six:
        page = client.get(url).content.decode()
    assert "More 4" in page
    assert len(six) == len(one)


@pytest.mark.parametrize("chosen", ["junk", ""])
def test_removing_what_is_not_this_positions_evidence_is_not_found(
    signed_in, coordinator, attached, chosen
):
    client = signed_in(coordinator)
    sent = {"form": "remove", "evidence": chosen}
    not_found(client.post(evidence_url(attached.position.assessment), sent))
    assert PositionEvidence.objects.count() == 1


# Active content: scripts, launch actions and attached files are refused


def _script(document):
    return pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))


def _open_action(document):
    document.Root.OpenAction = _script(document)


def _page_action(document):
    document.pages[0].obj.AA = pikepdf.Dictionary(O=_script(document))


def _script_names(document):
    tree = pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), _script(document)]))
    document.Root.Names = pikepdf.Dictionary(JavaScript=document.make_indirect(tree))


def _launch(document):
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=pikepdf.Array([0, 0, 10, 10]),
        A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")),
    )
    document.pages[0].obj.Annots = pikepdf.Array([document.make_indirect(link)])


def _attached_file(document):
    document.attachments["notes.txt"] = pikepdf.AttachedFileSpec(document, b"hidden")


ACTIVE = "The selected file contains scripts, attached files or other content that can run"
IN_OBJECT_STREAMS = {"object_stream_mode": pikepdf.ObjectStreamMode.generate}


@pytest.mark.parametrize(
    ("add_active", "save"),
    [
        (_open_action, {}),
        (_open_action, IN_OBJECT_STREAMS),
        (_page_action, {}),
        (_script_names, IN_OBJECT_STREAMS),
        (_launch, {}),
        (_attached_file, {}),
        (_attached_file, IN_OBJECT_STREAMS),
    ],
)
def test_a_pdf_with_scripts_launch_actions_or_attached_files_is_refused(
    signed_in, coordinator, position, add_active, save
):
    response = add(
        signed_in(coordinator),
        position.assessment,
        pdf=upload("active.pdf", make_pdf(add_to=add_active, **save)),
    )
    page = response.content.decode()
    assert "nhsuk-error-summary" in page
    assert ACTIVE in page
    assert "print it to PDF" in page
    assert not PositionEvidence.objects.exists()


def _annotate(document, subtype, **entries):
    annotation = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name(subtype),
        Rect=pikepdf.Array([0, 0, 10, 10]),
        **entries,
    )
    document.pages[0].obj.Annots = pikepdf.Array([document.make_indirect(annotation)])


def _action(kind: str, **entries):
    return pikepdf.Dictionary(S=pikepdf.Name(kind), **entries)


def _file_spec(document):
    """An attached file whose stream does not say it is one (no /Type /EmbeddedFile)."""
    stream = document.make_stream(b"hidden")
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec, F=pikepdf.String("a.txt"), EF=pikepdf.Dictionary(F=stream)
    )


def _file_attachment(document):
    _annotate(document, "/FileAttachment", FS=_file_spec(document))


def _associated_file(document):
    document.Root.AF = pikepdf.Array([document.make_indirect(_file_spec(document))])


def _xfa_form(document):
    xfa = document.make_stream(b"<xdp:xdp/>")
    document.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=xfa)


def _network_file_link(document):
    target = pikepdf.String("\\\\attacker.example\\share\\a.pdf")
    _annotate(document, "/Link", A=_action("/GoToR", F=target, D=pikepdf.Array([0])))


def _rich_media(document):
    _annotate(document, "/RichMedia", RichMediaContent=pikepdf.Dictionary())


def _rich_media_content_alone(document):
    document.Root.Extra = pikepdf.Dictionary(RichMediaContent=pikepdf.Dictionary())


def _opening(action):
    def add_to(document):
        document.Root.OpenAction = action

    return add_to


def _clicked(action):
    return lambda document: _annotate(document, "/Link", A=action)


def _annotation(subtype):
    return lambda document: _annotate(document, subtype)


def _going_on_to(document):
    """Opening goes to page one, then on to a web page."""
    then = _action("/URI", URI=pikepdf.String("https://example.com/seen"))
    opening = _action("/GoTo", D=pikepdf.Array([document.pages[0].obj, pikepdf.Name.Fit]))
    opening.Next = then
    document.Root.OpenAction = opening


def _page_opens_a_web_page(document):
    action = _action("/URI", URI=pikepdf.String("https://example.com/seen"))
    document.pages[0].obj.AA = pikepdf.Dictionary(O=action)


def _looping(document):
    """Actions that go on to each other for ever: refused, not walked for ever."""
    first = document.make_indirect(_action("/GoTo", D=pikepdf.Array([0])))
    second = document.make_indirect(_action("/GoTo", D=pikepdf.Array([0]), Next=first))
    first.Next = pikepdf.Array([second, _action("/SubmitForm")])
    document.Root.OpenAction = first


WEB = pikepdf.String("https://example.com/form")


@pytest.mark.parametrize(
    "add_active",
    [
        _file_attachment,
        _associated_file,
        _xfa_form,
        _network_file_link,
        _rich_media,
        _rich_media_content_alone,
        _opening(_action("/SubmitForm", F=WEB)),
        _opening(_action("/ImportData", F=pikepdf.String("data.fdf"))),
        _opening(_action("/Rendition")),
        _opening(_action("/URI", URI=WEB)),
        _going_on_to,
        _page_opens_a_web_page,
        _looping,
        *(
            _clicked(_action(kind))
            for kind in ("/GoToE", "/Sound", "/Movie", "/RichMediaExecute", "/SubmitForm")
        ),
        _clicked(_action("/URI", URI=pikepdf.String("file://attacker.example/share/a.pdf"))),
        *(_annotation(kind) for kind in ("/Screen", "/Movie", "/Sound", "/3D")),
    ],
)
def test_a_pdf_with_attached_files_media_xfa_or_actions_that_open_or_send_is_refused(
    add_active,
):
    assert pdf_problem(make_pdf(add_to=add_active)).startswith(ACTIVE)


def _goes_to_page_one(document):
    document.Root.OpenAction = _action(
        "/GoTo", D=pikepdf.Array([document.pages[0].obj, pikepdf.Name.Fit])
    )


def _opens_at_page_one(document):
    document.Root.OpenAction = pikepdf.Array([document.pages[0].obj, pikepdf.Name.Fit])


@pytest.mark.parametrize(
    "add_to",
    [
        _clicked(_action("/URI", URI=pikepdf.String("https://www.england.nhs.uk/digital"))),
        _clicked(_action("/URI", URI=pikepdf.String("mailto:digital@trust.nhs.uk"))),
        _goes_to_page_one,
        _opens_at_page_one,
    ],
)
def test_a_pdf_linking_to_the_web_or_opening_at_a_page_is_accepted(add_to):
    assert pdf_problem(make_pdf(add_to=add_to)) == ""


def test_a_pdf_with_only_an_owner_password_opens_and_is_accepted(signed_in, coordinator, position):
    """An owner password limits printing or copying; the board can still open it."""
    content = make_pdf(encryption=pikepdf.Encryption(owner="owner", user=""))
    response = add(signed_in(coordinator), position.assessment, pdf=upload("o.pdf", content))
    assert response.status_code == 302
    assert bytes(PositionEvidence.objects.get().pdf) == content


def test_a_pdf_that_needs_a_password_to_open_is_refused(coordinator, position):
    from assessments.quarter.evidence import EvidenceRefused

    locked = make_pdf(encryption=pikepdf.Encryption(owner="owner", user="user"))
    with pytest.raises(EvidenceRefused, match="protected with a password"):
        position_evidence_add(position=position, title="T", pdf=locked, by=coordinator)
    assert not PositionEvidence.objects.exists()


# Clearing a position keeps its evidence: the evidence is removed first


def positions_url(assessment):
    return reverse(
        "quarter:assessment-positions", args=[assessment.trust.ods_code, assessment.cycle.slug]
    )


def test_a_position_with_evidence_is_not_cleared_and_nothing_on_the_page_is_saved(
    signed_in, coordinator, attached
):
    from assessments.models import AgreedPosition
    from tests.assessments.quarter.test_decisions import positions_data

    assessment = attached.position.assessment
    recorded = AuditEvent.objects.filter(action="positions.recorded").count()
    # Principle 1 cleared, principle 2 recorded: neither happens.
    sent = positions_data(p2=("4.0", "A new position"))
    page = signed_in(coordinator).post(positions_url(assessment), sent).content.decode()
    assert "nhsuk-error-summary" in page
    assert "Remove the evidence for principle 1 before clearing its agreed position" in page
    assert list(AgreedPosition.objects.values_list("principle__number", "level")) == [
        (1, Decimal("3.0"))
    ]
    assert bytes(PositionEvidence.objects.get().pdf) == bytes(attached.pdf)
    assert AuditEvent.objects.filter(action="positions.recorded").count() == recorded


def test_a_position_is_cleared_once_its_evidence_is_removed(signed_in, coordinator, attached):
    from tests.assessments.quarter.test_decisions import positions_data

    assessment = attached.position.assessment
    client = signed_in(coordinator)
    client.post(evidence_url(assessment), {"form": "remove", "evidence": attached.pk})
    client.post(positions_url(assessment), positions_data())
    assert not assessment.positions.exists()


# Removing twice


def test_removing_evidence_already_removed_says_so(signed_in, coordinator, attached):
    client = signed_in(coordinator)
    url = evidence_url(attached.position.assessment)
    sent = {"form": "remove", "evidence": attached.pk}
    client.post(url, sent)
    again = client.post(url, sent, follow=True)
    assert again.redirect_chain == [(url, 302)]
    assert "That evidence has already been removed." in again.content.decode()
    assert AuditEvent.objects.filter(action="position_evidence.removed").count() == 1


def test_removing_another_trusts_evidence_by_its_id_is_not_found(
    signed_in, other_assessment, attached
):
    from assessments.models import AgreedPosition

    principle = other_assessment.cycle.framework.principles.get(number=1)
    AgreedPosition.objects.create(
        assessment=other_assessment, principle=principle, level=Decimal("2.0"), rationale="Ours"
    )
    other = other_assessment.trust.memberships.get(role=Role.COORDINATOR).user
    sent = {"form": "remove", "evidence": attached.pk}
    not_found(signed_in(other).post(evidence_url(other_assessment), sent))
    assert PositionEvidence.objects.filter(pk=attached.pk).exists()
