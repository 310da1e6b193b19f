"""Making and freezing board papers."""

from django.db import transaction

from assessments.models import Assessment
from core.audit import audit
from reports.documents import PaperFile, paper_filename, paper_pdf
from reports.models import FrozenPaper
from reports.presenters import board_paper


class TooFewResponses(Exception):
    pass


def paper_file(*, assessment: Assessment, by, require_results: bool = False) -> PaperFile:
    """The PDF for an assessment: the frozen paper of a closed one while its data is
    unchanged, otherwise made now (and frozen, if closed). Open assessments get a draft."""
    paper = board_paper(assessment)
    if require_results and not paper.shown:
        raise TooFewResponses(
            f"Only {paper.submitted} board members have submitted; a paper needs {paper.minimum}."
        )
    filename = paper_filename(ods_code=paper.ods_code, quarter=paper.quarter, draft=paper.draft)
    if paper.draft:
        return PaperFile(paper_pdf(paper), filename, made_now=True)
    fingerprint = paper.fingerprint()
    frozen = FrozenPaper.objects.filter(assessment=assessment, fingerprint=fingerprint).first()
    if frozen is not None:
        return PaperFile(bytes(frozen.pdf), filename, made_now=False)
    content = paper_pdf(paper)  # rendered outside the transaction: it takes a while
    _freeze(assessment=assessment, fingerprint=fingerprint, content=content, by=by)
    return PaperFile(content, filename, made_now=True)


@transaction.atomic
def _freeze(*, assessment: Assessment, fingerprint: str, content: bytes, by) -> FrozenPaper:
    frozen, created = FrozenPaper.objects.update_or_create(
        assessment=assessment, defaults={"fingerprint": fingerprint, "pdf": content}
    )
    audit(
        action="paper.frozen" if created else "paper.refrozen",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={"fingerprint": fingerprint},
    )
    return frozen


def paper_freeze(*, assessment: Assessment, by) -> None:
    """Called when an assessment closes, so the published paper exists from that moment."""
    paper_file(assessment=assessment, by=by)
