"""Every closed board paper of a quarter into one ZIP, by background workers.

Each paper is its own task, so two workers share the work and a trust whose paper fails
is reported without stopping the others. The last paper to finish queues the ZIP.
Workers run as ``manage.py db_worker`` (django-tasks-db); ``bulk_papers`` starts them
itself, recycling each after a few tasks so that memory stays bounded.
"""

import io
import zipfile
from dataclasses import dataclass
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from assessments.models import Assessment, AssessmentStatus, Cycle
from core.audit import SystemActor, audit, person
from reports.models import BulkExport, BulkExportItem, FrozenPaper
from reports.paper.actions import paper_file
from reports.paper.documents import paper_filename


def closed_assessments(cycle: Cycle):
    return (
        Assessment.objects.filter(cycle=cycle, status=AssessmentStatus.CLOSED)
        .select_related("trust", "cycle__framework")
        .order_by("trust__name")
    )


@transaction.atomic
def bulk_export_start(*, cycle: Cycle, by) -> BulkExport:
    assessment_ids = list(closed_assessments(cycle).values_list("pk", flat=True))
    export = BulkExport.objects.create(
        cycle=cycle, requested_by=person(by), total=len(assessment_ids)
    )
    audit(
        action="papers.bulk_started", by=by, detail={"cycle": cycle.label, "papers": export.total}
    )
    if not assessment_ids:
        _zip_when_complete(export.pk)
    for assessment_id in assessment_ids:
        transaction.on_commit(partial(make_paper.enqueue, export.pk, assessment_id))
    return export


@task
def make_paper(export_id: int, assessment_id: int) -> None:
    """Makes (or finds frozen) one trust's paper; a failure is recorded, not raised. An
    export forgotten meanwhile (an erasure or the retention schedule changed what its
    papers print: reports.paper.actions._forget_files) is left alone."""
    BulkExport.objects.filter(pk=export_id, status=BulkExport.Status.QUEUED).update(
        status=BulkExport.Status.RUNNING
    )
    if not BulkExport.objects.filter(pk=export_id).exists():
        return
    assessment = Assessment.objects.select_related("trust", "cycle__framework").get(
        pk=assessment_id
    )
    error = ""
    try:
        paper_file(assessment=assessment, by=SystemActor("bulk papers"))
    except Exception as problem:  # one trust's failure must not stop the rest
        error = f"{type(problem).__name__}: {problem}"
    with transaction.atomic():
        # Locked in the order an erasure locks them (the trust's assessments, then the
        # quarter's exports: reports.paper.actions._forget_files), so that an export is
        # either forgotten before this item is recorded, or forgotten with it.
        Assessment.objects.select_for_update(no_key=True).filter(pk=assessment_id).exists()
        if not BulkExport.objects.select_for_update().filter(pk=export_id).exists():
            return
        BulkExportItem.objects.get_or_create(
            export_id=export_id, assessment_id=assessment_id, defaults={"error": error}
        )
        _zip_when_complete(export_id)


def _zip_when_complete(export_id: int) -> None:
    """Queues the ZIP once every paper is accounted for: the status change lets exactly
    one task do it, however many finish at the same moment."""
    export = BulkExport.objects.filter(pk=export_id).first()
    if export is None or export.items.count() < export.total:  # None: forgotten meanwhile
        return
    started = BulkExport.objects.filter(
        pk=export_id, status__in=(BulkExport.Status.QUEUED, BulkExport.Status.RUNNING)
    ).update(status=BulkExport.Status.ZIPPING)
    if started:
        transaction.on_commit(partial(make_zip.enqueue, export_id))


@dataclass(frozen=True)
class Progress:
    export: BulkExport
    finished: int
    failures: list[dict]

    @property
    def percent(self) -> int:
        total = self.export.total
        return round(100 * self.finished / total) if total else 100

    @property
    def ready(self) -> bool:
        return self.export.status == BulkExport.Status.DONE

    @property
    def headline(self) -> str:
        """Where the ZIP has got, in plain words."""
        return {
            BulkExport.Status.QUEUED: "Starting to make the papers",
            BulkExport.Status.RUNNING: f"Making the papers: {self.finished} of "
            f"{self.export.total} done",
            BulkExport.Status.ZIPPING: "Putting the papers into one ZIP",
            BulkExport.Status.DONE: "Your ZIP is ready",
        }[self.export.status]


def progress_of(export: BulkExport) -> Progress:
    items = list(
        export.items.select_related("assessment__trust").values_list(
            "assessment__trust__name", "assessment__trust__ods_code", "error"
        )
    )
    return Progress(
        export=export,
        finished=len(items),
        failures=[
            {"trust": f"{name} ({code})", "error": error} for name, code, error in items if error
        ],
    )


@task
def make_zip(export_id: int) -> None:
    """One ZIP of the frozen papers, written one paper at a time, with a list of failures.
    An export forgotten before or while its ZIP is made (its papers printed what an
    erasure or the retention schedule has taken away) keeps no ZIP."""
    export = BulkExport.objects.select_related("cycle").filter(pk=export_id).first()
    if export is None:
        return
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for assessment in closed_assessments(export.cycle):
            frozen = FrozenPaper.objects.filter(assessment=assessment).only("pdf").first()
            if frozen is not None:
                name = paper_filename(
                    ods_code=assessment.trust.ods_code, quarter=assessment.cycle.label, draft=False
                )
                archive.writestr(name, bytes(frozen.pdf))
        failures = progress_of(export).failures
        if failures:
            archive.writestr(
                "failures.txt", "\n".join(f"{f['trust']}: {f['error']}" for f in failures) + "\n"
            )
    export.zip_file.save(
        f"board-papers-{export.cycle.slug}-{export.pk}.zip",
        ContentFile(buffer.getvalue()),
        save=False,
    )
    try:
        finished = BulkExport.objects.filter(pk=export_id).update(
            zip_file=export.zip_file.name,
            status=BulkExport.Status.DONE,
            finished_at=timezone.now(),
        )
    except Exception:  # the row held too long by a forgetting: no file without its export
        export.zip_file.delete(save=False)
        raise
    if not finished:  # forgotten while the ZIP was written: the file goes too
        export.zip_file.delete(save=False)
