"""Making and freezing board papers."""

from functools import partial

from django.db import transaction
from django.tasks import task

from assessments.models import Assessment
from core.audit import SystemActor, audit
from reports.documents import PaperFile, paper_filename, paper_pdf
from reports.models import CoverSheet, FrozenPaper
from reports.presenters import board_paper
from reports.selectors import paper_inputs_key
from reports.word import paper_docx

FORMATS = {"pdf": paper_pdf, "docx": paper_docx}


class TooFewResponses(Exception):
    pass


@transaction.atomic
def cover_sheet_save(*, assessment: Assessment, values: dict, by) -> CoverSheet:
    """The quarter's cover sheet, as the digital lead typed it. Every format of the paper
    shows it; a frozen paper is made again at its next download (its fingerprint changes)."""
    sheet, created = CoverSheet.objects.update_or_create(
        assessment=assessment, defaults={name: values[name] for name in CoverSheet.FIELDS}
    )
    audit(
        action="cover_sheet.saved",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={"meeting": sheet.meeting, "created": created},
    )
    return sheet


def paper_file(
    *, assessment: Assessment, by, require_results: bool = False, extension: str = "pdf"
) -> PaperFile:
    """The PDF (or the Word file, ``extension="docx"``) for an assessment: the frozen paper
    of a closed one while its data is unchanged, otherwise made now (and frozen, if
    closed). Open assessments get a draft. The PDF is frozen at close; the Word file the
    first time someone asks for it, with the same fingerprint.

    A closed paper whose inputs' stamp still matches is served straight from storage; when
    the stamp has moved, the paper is worked out again and made again only if what it
    shows has changed (its fingerprint)."""
    filename = paper_filename(
        ods_code=assessment.trust.ods_code,
        quarter=assessment.cycle.label,
        draft=not assessment.is_closed,
        extension=extension,
    )
    key = ""
    if assessment.is_closed:
        key = paper_inputs_key(assessment)  # before the inputs are read: never too new
        if not require_results:
            stored = (
                FrozenPaper.objects.filter(assessment=assessment, inputs_key=key)
                .values_list(extension, flat=True)
                .first()
            )
            if stored:
                return PaperFile(bytes(stored), filename, made_now=False)
    paper = board_paper(assessment)
    if require_results and not paper.shown:
        raise TooFewResponses(
            f"Only {paper.submitted} board members have submitted; a paper needs {paper.minimum}."
        )
    make = FORMATS[extension]
    if paper.draft:
        return PaperFile(make(paper), filename, made_now=True)
    fingerprint = paper.fingerprint()
    frozen = FrozenPaper.objects.filter(assessment=assessment, fingerprint=fingerprint).first()
    if frozen is not None and getattr(frozen, extension):
        if frozen.inputs_key != key:  # the stamp moved, but nothing the paper shows did
            FrozenPaper.objects.filter(pk=frozen.pk).update(inputs_key=key)
        return PaperFile(bytes(getattr(frozen, extension)), filename, made_now=False)
    content = make(paper)  # rendered outside the transaction: it takes a while
    if frozen is not None:  # the PDF is frozen; the Word file joins it
        FrozenPaper.objects.filter(pk=frozen.pk, fingerprint=fingerprint).update(
            **{extension: content, "inputs_key": key}
        )
    else:
        _freeze(
            assessment=assessment,
            fingerprint=fingerprint,
            inputs_key=key,
            files={extension: content},
            by=by,
        )
    return PaperFile(content, filename, made_now=True)


@transaction.atomic
def _freeze(
    *, assessment: Assessment, fingerprint: str, inputs_key: str, files: dict[str, bytes], by
):
    """A new fingerprint: the files made for it, and none kept from the old one."""
    frozen, created = FrozenPaper.objects.update_or_create(
        assessment=assessment,
        defaults={"fingerprint": fingerprint, "inputs_key": inputs_key, "pdf": b"", "docx": b""}
        | files,
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
    paper_file(assessment=assessment, by=SystemActor("the task that freezes a closed paper"))
    return "frozen"
