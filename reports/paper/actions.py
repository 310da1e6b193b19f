"""Making and freezing board papers."""

from functools import partial

from django.db import transaction
from django.db.models import Q
from django.tasks import task

from assessments.errors import AssessmentError
from assessments.models import Assessment
from assessments.quarter.decisions import meeting_date_problem
from assessments.results.disclosure import latest_release
from assessments.results.settling import ERASURE
from core.audit import SystemActor, audit
from core.fields import fraction_text
from reports.models import (
    BulkExport,
    CoverSection,
    CoverSheet,
    CoverSheetConventions,
    FrozenPaper,
    PaperVersion,
)
from reports.paper.change import changes_of
from reports.paper.documents import PaperFile, paper_filename, paper_pdf
from reports.paper.presenters import board_paper
from reports.paper.selectors import comparison_quarter, paper_inputs, paper_inputs_key
from reports.paper.versions import FORGOTTEN, parts_of, versioned
from reports.paper.word import paper_docx

FORMATS = {"pdf": paper_pdf, "docx": paper_docx}


class TooFewResponses(Exception):
    pass


@transaction.atomic
def cover_sheet_save(*, assessment: Assessment, values: dict, by) -> CoverSheet:
    """The quarter's cover sheet, as the digital lead typed it. Every format of the paper
    shows it; a frozen paper is made again at its next download (its fingerprint changes).

    ``values`` holds the fields the form showed: those of the trust's sections switched
    off are kept as they were. Its meeting date is the one every page and the paper read;
    it is refused before the results it discusses were published, and, once the board's
    position is recorded from it, blank or still to come (meeting_date_problem)."""
    if "meeting_date" in values:
        problem = meeting_date_problem(assessment, values["meeting_date"])
        if problem:
            raise AssessmentError(problem)
    defaults = {name: values[name] for name in CoverSheet.FIELDS if name in values}
    if "purposes" in defaults:
        defaults["purposes"] = list(defaults["purposes"] or [])
    sheet, created = CoverSheet.objects.update_or_create(assessment=assessment, defaults=defaults)
    audit(
        action="cover_sheet.saved",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={"meeting": sheet.meeting, "created": created},
    )
    return sheet


@transaction.atomic
def cover_sheet_sections_choose(*, trust, sections: list[str], by) -> CoverSheetConventions:
    """The optional sections the trust's cover sheets have from now on (CoverSection
    values), in place of settings.COVER_SHEET_SECTIONS. Every quarter's form and paper
    follow them; what a sheet keeps for a section switched off is kept."""
    unknown = set(sections) - set(CoverSection.values)
    if unknown:
        raise AssessmentError(f"There is no cover sheet section {sorted(unknown)[0]!r}.")
    chosen = [value for value in CoverSection.values if value in sections]
    conventions, _ = CoverSheetConventions.objects.update_or_create(
        trust=trust, defaults={"sections": chosen}
    )
    audit(action="cover_sheet.sections_chosen", by=by, trust=trust, detail={"sections": chosen})
    return conventions


def paper_file(
    *,
    assessment: Assessment,
    by,
    require_results: bool = False,
    extension: str = "pdf",
    _locked: bool = False,
) -> PaperFile:
    """The PDF (or the Word file, ``extension="docx"``) for an assessment: the frozen paper
    of a closed one while its data is unchanged, otherwise made now (and frozen, if
    closed). Open assessments get a draft. The PDF is frozen at close; the Word file the
    first time someone asks for it, with the same fingerprint.

    A closed paper whose inputs' stamp still matches is served straight from storage; when
    the stamp has moved, the paper is worked out again and made again only if what it
    shows has changed (its fingerprint).

    A file is never served printing a version number that belongs to another fingerprint:
    when another download froze a version while this one was rendered, so that the
    number printed here is no longer this fingerprint's, the whole download starts again
    holding the assessment's lock (``_locked``), so that what is stored now is served, or
    the paper is made again with the number that is right."""
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
        raise TooFewResponses(paper.submissions.words)  # the words every output uses
    make = FORMATS[extension]
    if paper.draft:
        return PaperFile(make(paper), filename, made_now=True)
    fingerprint = paper.fingerprint()
    frozen = FrozenPaper.objects.filter(assessment=assessment, fingerprint=fingerprint).first()
    if frozen is not None and getattr(frozen, extension):
        if frozen.inputs_key != key:  # the stamp moved, but nothing the paper shows did
            FrozenPaper.objects.filter(pk=frozen.pk).update(inputs_key=key)
        return PaperFile(bytes(getattr(frozen, extension)), filename, made_now=False)
    paper = versioned(assessment, paper)  # the version it prints: the frozen one's, or the next
    content = make(paper)  # rendered outside the transaction (unless locked): it takes a while
    # The PDF is frozen and the Word file joins it, or this is a new version.
    keep = partial(_join, frozen=frozen) if frozen is not None else _freeze
    kept = keep(
        assessment=assessment,
        paper=paper,
        fingerprint=fingerprint,
        inputs_key=key,
        files={extension: content},
        by=by,
    )
    if kept is None:  # the number printed is another fingerprint's now: never serve it
        if _locked:
            raise RuntimeError("A paper version was frozen while the assessment was locked.")
        with transaction.atomic():
            Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
            return paper_file(
                assessment=assessment,
                by=by,
                require_results=require_results,
                extension=extension,
                _locked=True,
            )
    return PaperFile(content, filename, made_now=True)


@transaction.atomic
def _join(
    *,
    assessment: Assessment,
    frozen: FrozenPaper,
    paper,
    fingerprint: str,
    inputs_key: str,
    files: dict[str, bytes],
    by,
) -> int | FrozenPaper | None:
    """The Word file (or the PDF) joins the frozen files of the same fingerprint while they
    are still the latest version's and that is the version ``paper`` prints; else None.
    Files frozen before papers had versions have none: ``paper`` is then version 1, frozen
    afresh."""
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    latest = PaperVersion.objects.filter(assessment=assessment).order_by("-number").first()
    if latest is None:
        return _freeze(
            assessment=assessment,
            paper=paper,
            fingerprint=fingerprint,
            inputs_key=inputs_key,
            files=files,
            by=by,
        )
    if (latest.number, latest.fingerprint) != (paper.version.number, fingerprint):
        return None
    joined = FrozenPaper.objects.filter(pk=frozen.pk, fingerprint=fingerprint).update(
        **files, inputs_key=inputs_key
    )
    return joined or None


@transaction.atomic
def _freeze(
    *,
    assessment: Assessment,
    paper,
    fingerprint: str,
    inputs_key: str,
    files: dict[str, bytes],
    by,
) -> FrozenPaper | None:
    """A new fingerprint: the files made for it, and none kept from the old one, as the next
    version of the paper (the one ``paper`` prints), with what changed since the last.

    Another download may have frozen a version while this one was rendered: if it froze
    this fingerprint as the same number, its version stands; otherwise the files made here
    print a number that is not this fingerprint's (taken by another, or behind a newer
    version of it) and are not kept: None, and the caller does not serve them either."""
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    latest = PaperVersion.objects.filter(assessment=assessment).order_by("-number").first()
    number = paper.version.number
    if latest is not None and (
        latest.number > number or (latest.number == number and latest.fingerprint != fingerprint)
    ):
        return None
    if latest is None or latest.number < number:
        if latest is not None:  # only the latest keeps its parts, to compare the next with
            PaperVersion.objects.filter(assessment=assessment).update(parts={})
        PaperVersion.objects.create(
            assessment=assessment,
            number=number,
            fingerprint=fingerprint,
            changes=list(paper.version.changes),
            parts=parts_of(paper),
        )
    frozen, created = FrozenPaper.objects.update_or_create(
        assessment=assessment,
        defaults={
            "fingerprint": fingerprint,
            "inputs_key": inputs_key,
            "pdf": b"",
            "docx": b"",
        }
        | files,
    )
    audit(
        action="paper.frozen" if created else "paper.refrozen",
        by=by,
        trust=assessment.trust,
        target=assessment,
        detail={"fingerprint": fingerprint, "version": number},
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


def papers_settle(*, assessments: list[Assessment], reason: str) -> None:
    """settings.RELEASE_SETTLING_HOOKS, before answers leave these assessments' releases:
    each of their papers keeps its figures as published and withdraws its comments; each
    later paper whose "since last quarter" compares with one of them keeps its changes as
    published (and its comments). The frozen files and bulk ZIPs that printed withdrawn
    comments are made again when next asked for."""
    withdrawn = [paper for paper in assessments if _settle(paper, reason, whole=True)]
    for assessment in assessments:
        for later in _comparing_with(assessment):
            _settle(later, reason, whole=False)
    _forget_files(withdrawn, reason=reason)


def papers_forget(*, trust_ids: set[int]) -> None:
    """settings.PERSON_ERASED_HOOKS: a stored paper of the erased person's trusts that
    printed their name (on the cover, as an action's owner, as the digital lead) no
    longer matches what the paper shows now: it, and the bulk ZIPs of its quarter, are
    made again, from the scrubbed records, when next asked for."""
    stale = [
        frozen.assessment
        for frozen in FrozenPaper.objects.filter(assessment__trust_id__in=trust_ids)
        .select_related("assessment__trust", "assessment__cycle__framework")
        .defer("pdf", "docx")
        if board_paper(frozen.assessment).fingerprint() != frozen.fingerprint
    ]
    _forget_files(stale, reason=ERASURE)


@transaction.atomic
def _forget_files(papers, *, reason: str) -> None:
    """The stored files of ``papers`` and their quarters' ZIPs go, and the digests of what
    their latest versions showed (reports.paper.versions): the next version says why the
    paper changed instead."""
    FrozenPaper.objects.filter(assessment__in=papers).delete()
    PaperVersion.objects.filter(assessment__in=papers).update(parts={FORGOTTEN: reason})
    cycles = {paper.cycle_id for paper in papers}
    # Locked first, as a bulk worker locks one before recording a paper or its ZIP
    # against it (reports.national.bulk): whichever commits first, the other sees it.
    exports = BulkExport.objects.select_for_update().filter(cycle_id__in=cycles).order_by("pk")
    for export in exports:
        export.zip_file.delete(save=False)
        export.delete()


def _comparing_with(assessment: Assessment) -> list[Assessment]:
    """The trust's later quarters showing figures (closed, or reopened since) whose
    "since last quarter" is this one."""
    cycle = assessment.cycle
    later = (
        Assessment.objects.filter(trust_id=assessment.trust_id, releases__figures_shown=True)
        .filter(
            Q(cycle__year__gt=cycle.year)
            | Q(cycle__year=cycle.year, cycle__quarter__gt=cycle.quarter)
        )
        .distinct()
    )
    found = []
    for candidate in later.select_related("trust", "cycle__framework"):
        previous = comparison_quarter(paper_inputs(candidate).history)
        if previous is not None and previous.assessment_id == assessment.pk:
            found.append(candidate)
    return found


def _settle(paper: Assessment, reason: str, *, whole: bool) -> int:
    """Keeps in the paper's release what it published that answers leaving would change:
    its changes since last quarter, and (``whole``) each question's scores, withdrawing
    its comments and evidence. Returns how many comments and pieces of evidence it withdrew."""
    release = latest_release(paper)
    if release is None or not release.figures_shown:
        return 0
    settled = dict(release.settled or {})
    if "answers" in settled or (not whole and "changes" in settled):
        return 0
    inputs = paper_inputs(paper)
    if "changes" not in settled:
        previous = comparison_quarter(inputs.history)
        changes = changes_of(inputs, previous) if previous is not None else {}
        settled["changes"] = {
            str(key): [fraction_text(bound) for bound in change.interval]
            if change.interval
            else None
            for key, change in changes.items()
        }
    if whole:
        settled["answers"] = {
            str(question_id): sorted(
                (score for score, _ in answers), key=lambda score: (score is None, score or 0)
            )
            for question_id, answers in inputs.answers.items()
        }
        settled["comments_withdrawn"] = sum(
            1 for answers in inputs.answers.values() for _, comment in answers if comment
        )
        settled["evidence_withdrawn"] = sum(len(items) for items in inputs.evidence.values())
        settled["reason"] = reason
    release.settled = settled
    release.save(update_fields=["settled"])
    return settled.get("comments_withdrawn", 0) + settled.get("evidence_withdrawn", 0)
