"""The board paper on the web, as a PDF, and its data exports."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods

from assessments.access import with_assessment
from assessments.errors import AssessmentError
from assessments.models import Assessment, PositionEvidence
from assessments.quarter.evidence import download_name
from assessments.results.selectors import publication
from core.kept import typed
from reports.exports import as_csv, as_xlsx, download
from reports.models import CoverSheet
from reports.paper.actions import cover_sheet_save, cover_sheet_sections_choose, paper_file
from reports.paper.documents import paper_filename
from reports.paper.exports import EXPORTS
from reports.paper.forms import CoverSheetForm, CoverSheetSectionsForm
from reports.paper.presenters import board_paper
from reports.paper.selectors import cover_sheet_sections, cover_sheet_start
from reports.paper.versions import versioned, versions_of
from trusts.permissions import Permission, has_permission, requires_on_trust


def _may_see(request, assessment: Assessment) -> None:
    """Board members see the paper once the quarter has closed; the coordinator, as a
    draft, from the moment it opens."""
    if assessment.is_closed:
        return
    if not assessment.is_open:
        raise Http404("This questionnaire has not been opened.")
    if not has_permission(request.user, Permission.ASSESSMENT_RUN, trust=assessment.trust):
        raise PermissionDenied("The board paper is published when the quarter closes.")


@requires_on_trust(Permission.PAPER_VIEW)
@with_assessment
@require_GET
def paper_page(request, assessment: Assessment):
    _may_see(request, assessment)
    return render(
        request,
        "paper/page.html",
        {
            "paper": versioned(assessment, board_paper(assessment)),
            "versions": versions_of(assessment),
            "publication": publication(assessment),
            "cycle_slug": assessment.cycle.slug,
            "can_export": has_permission(
                request.user, Permission.DATA_EXPORT, trust=assessment.trust
            ),
        },
    )


@requires_on_trust(Permission.PAPER_VIEW)
@with_assessment
@require_GET
def paper_pdf_download(request, assessment: Assessment):
    _may_see(request, assessment)
    document = paper_file(assessment=assessment, by=request.user)
    return download(document.content, document.filename, "pdf")


@requires_on_trust(Permission.PAPER_VIEW)
@with_assessment
@require_GET
def paper_docx_download(request, assessment: Assessment):
    """The same paper as a Word file, for a board pack assembled in Word."""
    _may_see(request, assessment)
    document = paper_file(assessment=assessment, by=request.user, extension="docx")
    return download(document.content, document.filename, "docx")


@requires_on_trust(Permission.PAPER_VIEW)
@with_assessment
@require_GET
@csp_override({**settings.SECURE_CSP, "sandbox": True})
def position_evidence_pdf(request, assessment: Assessment, pk: int):
    """A PDF the digital lead attached to the board's agreed position, for whoever may read
    the paper: saved, never shown in the browser, and sandboxed if it ever is."""
    _may_see(request, assessment)
    evidence = get_object_or_404(
        PositionEvidence.objects.filter(position__assessment=assessment).exclude(pdf_sha256=""),
        pk=pk,
    )
    response = download(bytes(evidence.pdf), download_name(evidence), "pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires_on_trust(Permission.DATA_EXPORT)
@with_assessment
@require_GET
def paper_export(request, assessment: Assessment, level: str, extension: str):
    if level not in EXPORTS or extension not in ("csv", "xlsx"):
        raise Http404("No such export.")
    _may_see(request, assessment)
    paper = board_paper(assessment)
    if not paper.shown:
        return render(request, "paper/not_enough.html", {"paper": paper}, status=409)
    columns, rows_of = EXPORTS[level]
    rows = rows_of(paper)
    if extension == "csv":
        content = as_csv(columns, rows)
    else:
        content = as_xlsx(columns, rows, title=level.capitalize())
    filename = paper_filename(
        ods_code=paper.ods_code,
        quarter=paper.quarter,
        draft=paper.draft,
        kind=level,
        extension=extension,
    )
    return download(content, filename, extension)


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def cover_sheet_edit(request, assessment: Assessment):
    """The board paper's cover sheet, once a quarter, starting from last quarter's, with
    the optional sections the trust has switched on."""
    sheet, carried_from = cover_sheet_start(assessment)
    initial = {name: getattr(sheet, name) for name in CoverSheet.FIELDS} if sheet else {}
    sections = cover_sheet_sections(assessment.trust)
    form = CoverSheetForm(typed(request), initial=initial, assessment=assessment, sections=sections)
    if request.method == "POST" and form.is_valid():
        try:
            cover_sheet_save(assessment=assessment, values=form.cleaned_data, by=request.user)
        except AssessmentError as problem:  # the meeting moved under it (a close, a position)
            form.add_error("meeting_date", str(problem))
        else:
            messages.success(
                request, "The cover sheet is saved. Every format of the paper shows it."
            )
            return redirect(
                "quarter:assessment-detail",
                ods_code=assessment.trust.ods_code,
                cycle=assessment.cycle.slug,
            )
    return render(
        request,
        "paper/cover_sheet_edit.html",
        {"assessment": assessment, "form": form, "carried_from": carried_from},
    )


@requires_on_trust(Permission.COVER_SHEET_SECTIONS_CHOOSE)
@with_assessment
@require_http_methods(["GET", "POST"])
def cover_sheet_sections_edit(request, assessment: Assessment):
    """Which optional sections the trust's cover sheets have, chosen once for every
    quarter (reached from a quarter's cover sheet, and back to it)."""
    form = CoverSheetSectionsForm(typed(request), chosen=cover_sheet_sections(assessment.trust))
    if request.method == "POST" and form.is_valid():
        cover_sheet_sections_choose(trust=assessment.trust, sections=form.chosen(), by=request.user)
        messages.success(
            request,
            "Your trust's cover sheet sections are saved. Every quarter's cover sheet has them.",
        )
        return redirect(
            "paper:cover-sheet", ods_code=assessment.trust.ods_code, cycle=assessment.cycle.slug
        )
    return render(
        request, "paper/cover_sheet_sections.html", {"assessment": assessment, "form": form}
    )
