"""Evidence behind the board's agreed positions: a link, or a PDF kept with the paper.

A PDF is known by its content, never by its name: it must start as a PDF does and open as
one (pikepdf), without a password, be no larger than EVIDENCE_PDF_MAX_BYTES and hold no
active content (scripts, attached files, media, XFA forms, or actions that open or send
something). Writes here follow the actions-layer rules (keyword-only, ``by``, one
transaction, audited)."""

import hashlib
import io
import re

import pikepdf
from django.db import transaction

from assessments.errors import AssessmentError
from assessments.models import EVIDENCE_PDF_MAX_BYTES, AgreedPosition, PositionEvidence
from core.audit import audit
from trusts.models import User

PDF_SIGNATURE = b"%PDF-"
MB = 1024 * 1024
LIMIT_WORDS = f"{EVIDENCE_PDF_MAX_BYTES // MB} MB"

NOT_A_PDF = "The selected file must be a PDF"
TOO_LARGE = f"The selected file must be smaller than {LIMIT_WORDS}"
EMPTY = "The selected file is empty"
LOCKED = "The selected file is protected with a password: save it without one and try again"
ACTIVE = (
    "The selected file contains scripts, attached files or other content that can run. "
    "Save it again as a plain PDF (for example, print it to PDF) and choose that"
)
BOTH = "Choose a PDF or enter a link, not both"
NEITHER = "Enter a link to the evidence, or choose a PDF"


class EvidenceRefused(AssessmentError):
    """Evidence that cannot be added, with the field it is about ("url" or "pdf")."""

    def __init__(self, message: str, field: str = "pdf"):
        super().__init__(message)
        self.field = field


def pdf_problem(data: bytes) -> str:
    """Why ``data`` is not a PDF the board can read ("" when it is): too large or empty,
    not a PDF by its content, locked with a password (a board pack cannot open it; an
    owner password alone, which only limits printing or copying, is fine), or carrying
    active content."""
    if not data:
        return EMPTY
    if len(data) > EVIDENCE_PDF_MAX_BYTES:
        return TOO_LARGE
    if not data.startswith(PDF_SIGNATURE):
        return NOT_A_PDF
    try:
        with pikepdf.open(io.BytesIO(data)) as document:
            if not len(document.pages):
                return NOT_A_PDF
            if any(map(_is_active, _dictionaries(document))):
                return ACTIVE
    except pikepdf.PasswordError:
        return LOCKED
    except (pikepdf.PdfError, ValueError, RuntimeError):
        return NOT_A_PDF
    return ""


# What a plain PDF never holds. Keys: scripts, attached files (a file specification's /EF,
# whatever its stream says it is), XFA forms (which run their own scripts) and rich media.
ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
)
# Actions (/S) that run something, send or fetch data, play media or open another file (a
# /GoToR to a network path gives the reader's Windows sign-in away to that server).
ACTIVE_ACTIONS = frozenset(
    {
        "/GoToR",
        "/GoToE",
        "/SubmitForm",
        "/ImportData",
        "/Rendition",
        "/Sound",
        "/Movie",
        "/RichMediaExecute",
        "/Launch",
        "/JavaScript",
    }
)
# Annotations (/Subtype) that carry a file or play media.
ACTIVE_ANNOTATIONS = frozenset(
    {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
)
ACTIVE_KINDS = {"/S": ACTIVE_ACTIONS, "/Subtype": ACTIVE_ANNOTATIONS, "/Type": {"/EmbeddedFile"}}
# A link someone clicks may go to the web or an email address (/URI); a file:// or network
# path would give their sign-in away as a /GoToR does.
LINK_SCHEMES = ("https://", "http://", "mailto:")


def _dictionaries(document: pikepdf.Pdf):
    """Every dictionary in the document (a stream's included): each object, those in
    object streams too, and the dictionaries and arrays written inside them."""
    for top in document.objects:
        waiting = [top]
        while waiting:
            item = waiting.pop()
            if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
                yield item
                children = item.values()
            elif isinstance(item, pikepdf.Array):
                children = item
            else:
                continue
            waiting.extend(_written_inside(children))


def _written_inside(children):
    """The containers among ``children`` written in place (an indirect one is an object of
    its own, walked in its turn; numbers and strings come back as Python's)."""
    containers = (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)
    return [child for child in children if isinstance(child, containers) and not child.is_indirect]


def _is_active(dictionary) -> bool:
    keys = set(dictionary.keys())
    if keys & ACTIVE_KEYS:
        return True
    if any(str(dictionary.get(key)) in kinds for key, kinds in ACTIVE_KINDS.items() if key in keys):
        return True
    return _is_link_to_a_file(dictionary) or any(
        str(action.get("/S")) != "/GoTo" for action in _actions_taken_unasked(dictionary)
    )


def _is_link_to_a_file(dictionary) -> bool:
    """A /URI action to anything but a web or email address."""
    if str(dictionary.get("/S")) != "/URI":
        return False
    return not str(dictionary.get("/URI", "")).strip().lower().startswith(LINK_SCHEMES)


def _actions_taken_unasked(dictionary):
    """The actions a reader takes by itself, with those each goes on to (/Next): on opening
    the document (/OpenAction; a destination alone is no action) and on events such as a
    page opening (/AA). Only going to a place in the document is fine there."""
    opening = dictionary.get("/OpenAction")
    events = dictionary.get("/AA")
    waiting = [opening] if isinstance(opening, pikepdf.Dictionary) else []
    if isinstance(events, pikepdf.Dictionary):
        waiting.extend(events.values())
    seen = set()
    while waiting:
        action = waiting.pop()
        if not isinstance(action, pikepdf.Array | pikepdf.Dictionary) or _seen_before(action, seen):
            continue
        if isinstance(action, pikepdf.Array):
            waiting.extend(action)
        else:
            yield action
            waiting.append(action.get("/Next"))


def _seen_before(item, seen: set) -> bool:
    """Whether an indirect object was met already (actions can chain in a loop); one
    written in place is met once only."""
    if not item.is_indirect:
        return False
    if item.objgen in seen:
        return True
    seen.add(item.objgen)
    return False


def size_words(size: int) -> str:
    """A PDF's size as people read it: "1.2 MB", "340 KB"."""
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def download_name(evidence: PositionEvidence) -> str:
    """A safe ASCII file name for a stored PDF, from the name it was uploaded with (never
    trusted) or its title; always ending .pdf, as its content is."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", evidence.pdf_name or evidence.title)
    ascii_stem = stem.encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem).strip("-._")[:80]
    return f"{safe or 'evidence'}.pdf"


def _refuse_unless_one(url: str, pdf: bytes | None) -> None:
    if url and pdf is not None:
        raise EvidenceRefused(BOTH, "pdf")
    if not url and pdf is None:
        raise EvidenceRefused(NEITHER, "url")


@transaction.atomic
def position_evidence_add(
    *,
    position: AgreedPosition,
    title: str,
    url: str = "",
    pdf: bytes | None = None,
    pdf_name: str = "",
    by: User,
) -> PositionEvidence:
    """Adds a link (https) or a PDF (checked from its content) as evidence for the board's
    agreed position on one principle. Refused evidence changes nothing."""
    title, url = title.strip(), url.strip()
    _refuse_unless_one(url, pdf)
    if pdf is not None:
        problem = pdf_problem(pdf)
        if problem:
            raise EvidenceRefused(problem, "pdf")
    evidence = PositionEvidence(
        position=position,
        title=title,
        url=url,
        pdf=pdf or b"",
        pdf_name=pdf_name[: PositionEvidence._meta.get_field("pdf_name").max_length],
        pdf_sha256=hashlib.sha256(pdf).hexdigest() if pdf is not None else "",
    )
    evidence.full_clean()
    evidence.save()
    audit(action="position_evidence.added", by=by, **_about(evidence))
    return evidence


@transaction.atomic
def position_evidence_remove(*, evidence: PositionEvidence, by: User) -> None:
    """Removes one piece of evidence (a stored PDF goes with it)."""
    audit(action="position_evidence.removed", by=by, **_about(evidence))
    evidence.delete()


def _about(evidence: PositionEvidence) -> dict:
    """What the audit entry names: the quarter, the principle, the title and the kind."""
    position = evidence.position
    return {
        "trust": position.assessment.trust,
        "target": position.assessment,
        "detail": {
            "principle": position.principle.number,
            "title": evidence.title,
            "kind": "pdf" if evidence.is_pdf else "link",
        },
    }
