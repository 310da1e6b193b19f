"""The evidence behind the board's agreed positions, as the paper's appendix, its Word file
and the meeting's principle pages list it: each principle's links (printed in full) and
PDFs (attached to the online paper, where the page links each one)."""

from dataclasses import InitVar, dataclass

from django.db.models.functions import Length

from assessments.models import Assessment, PositionEvidence
from assessments.quarter.evidence import size_words


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence as the paper shows it. A PDF is known by its content (its
    sha256): its id (``pdf_id``), a database key for its download link on the web page, is
    kept as an attribute, never a field, so the paper's fingerprint and parts (made from its
    fields) never see it, and the same file removed and attached again is the same paper."""

    title: str
    url: str  # a link; "" for a PDF
    pdf_size: str  # "1.2 MB"
    pdf_sha256: str  # so a PDF replaced under the same title makes a new version
    pdf_id: InitVar[int | None] = None

    def __post_init__(self, pdf_id: int | None) -> None:
        object.__setattr__(self, "pdf_id", pdf_id)  # frozen: set once, here

    @property
    def is_pdf(self) -> bool:
        return self.pdf_id is not None


@dataclass(frozen=True)
class EvidenceSection:
    number: int
    title: str
    items: tuple[EvidenceItem, ...]


def evidence_rows(assessment: Assessment) -> dict[int, list[EvidenceItem]]:
    """Each principle's evidence (by principle id), oldest first, in one query; a PDF's
    bytes are never read, only their length."""
    rows = (
        PositionEvidence.objects.filter(position__assessment=assessment)
        .annotate(pdf_bytes=Length("pdf"))
        .values_list("position__principle_id", "pk", "title", "url", "pdf_bytes", "pdf_sha256")
        .order_by("added_at", "pk")
    )
    found: dict[int, list[EvidenceItem]] = {}
    for principle_id, pk, title, url, size, sha256 in rows:
        item = EvidenceItem(
            title=title,
            url=url,
            pdf_id=None if url else pk,
            pdf_size="" if url else size_words(size or 0),
            pdf_sha256=sha256,
        )
        found.setdefault(principle_id, []).append(item)
    return found


def evidence_sections(principles, evidence: dict[int, list[EvidenceItem]]):
    """The principles with evidence, in the framework's order."""
    return tuple(
        EvidenceSection(principle.number, principle.title, tuple(evidence[principle.pk]))
        for principle in principles
        if evidence.get(principle.pk)
    )
