"""Making and freezing board papers."""

from functools import partial

from django.db import transaction
from django.db.models import Q
from django.tasks import task

from assessments.disclosure import latest_release
from assessments.models import Assessment, AssessmentStatus
from core.audit import SystemActor, audit
from core.fields import fraction_text
from reports.documents import PaperFile, paper_filename, paper_pdf
from reports.models import BulkExport, CoverSheet, FrozenPaper
from reports.paper_change import changes_of
from reports.presenters import board_paper
from reports.selectors import comparison_quarter, paper_inputs, paper_inputs_key
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


def papers_settle(*, assessments: list[Assessment]) -> None:
    """settings.RELEASE_SETTLING_HOOKS, before answers leave these assessments' releases:
    each paper that shows figures worked out from them (its own, and a later quarter's
    change since it) keeps them as published, with its comments withdrawn. Its frozen
    files, and the bulk ZIPs that may hold them, are made again when next asked for."""
    papers = {assessment.pk: assessment for assessment in assessments}
    for assessment in assessments:
        for later in _comparing_with(assessment):
            papers.setdefault(later.pk, later)
    withdrawn = [paper for paper in papers.values() if _settle(paper)]
    # The files that printed the withdrawn comments: made again when next asked for.
    FrozenPaper.objects.filter(assessment__in=withdrawn).delete()
    for export in BulkExport.objects.filter(cycle_id__in={paper.cycle_id for paper in withdrawn}):
        export.zip_file.delete(save=False)
        export.delete()


def _comparing_with(assessment: Assessment) -> list[Assessment]:
    """The trust's later closed quarters whose "since last quarter" is this one."""
    cycle = assessment.cycle
    later = Assessment.objects.filter(
        trust_id=assessment.trust_id, status=AssessmentStatus.CLOSED
    ).filter(
        Q(cycle__year__gt=cycle.year) | Q(cycle__year=cycle.year, cycle__quarter__gt=cycle.quarter)
    )
    found = []
    for candidate in later.select_related("trust", "cycle__framework"):
        previous = comparison_quarter(paper_inputs(candidate).history)
        if previous is not None and previous.assessment_id == assessment.pk:
            found.append(candidate)
    return found


def _settle(paper: Assessment) -> int:
    """Keeps the paper's figures in its release; returns how many comments it withdrew."""
    release = latest_release(paper)
    if release is None or not release.figures_shown or release.settled is not None:
        return 0
    inputs = paper_inputs(paper)
    previous = comparison_quarter(inputs.history)
    changes = changes_of(inputs, previous) if previous is not None else {}
    release.settled = {
        "answers": {
            str(question_id): sorted(
                (score for score, _ in answers), key=lambda score: (score is None, score or 0)
            )
            for question_id, answers in inputs.answers.items()
        },
        "changes": {
            str(key): [fraction_text(bound) for bound in change.interval]
            if change.interval
            else None
            for key, change in changes.items()
        },
        "comments_withdrawn": sum(
            1 for answers in inputs.answers.values() for _, comment in answers if comment
        ),
    }
    release.save(update_fields=["settled"])
    return release.settled["comments_withdrawn"]
