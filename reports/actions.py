"""Making and freezing board papers."""

from functools import partial

from django.db import transaction
from django.tasks import task

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


def paper_freeze_later(*, assessment: Assessment) -> None:
    """Called when an assessment closes: a task freezes the published paper once the close
    has committed. Rendering takes a while and can fail; neither may touch the close, and
    until the task has run the first download freezes the paper instead."""
    transaction.on_commit(partial(freeze.enqueue, assessment.pk), robust=True)


@task
def freeze(assessment_id: int) -> str:
    assessment = Assessment.objects.select_related("trust", "cycle__framework").get(
        pk=assessment_id
    )
    if not assessment.is_closed:
        return "reopened since"
    paper_file(assessment=assessment, by=None)
    return "frozen"
