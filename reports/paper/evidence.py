"""The evidence behind the board's agreed positions, as the paper's appendix, its Word file
and the meeting's principle pages list it: each principle's links (printed in full) and
PDFs (attached to the online paper, where the page links each one)."""

from dataclasses import dataclass

from django.db.models.functions import Length

from assessments.models import Assessment, PositionEvidence
from assessments.quarter.evidence import size_words


@dataclass(frozen=True)
class EvidenceItem:
    title: str
    url: str  # a link; "" for a PDF
    pdf_id: int | None  # a PDF's id, for its download link on the web page
    pdf_size: str  # "1.2 MB"
    pdf_sha256: str  # so a PDF replaced under the same title makes a new version

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
