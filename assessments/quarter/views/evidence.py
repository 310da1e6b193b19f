"""The coordinator attaching evidence to the board's agreed position on one principle:
links, or PDFs kept with the paper. Its own page, so the positions form stays as it is."""

from django.contrib import messages
from django.db.models.functions import Length
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from assessments.access import with_assessment
from assessments.models import Assessment, PositionEvidence
from assessments.quarter.evidence import (
    EvidenceRefused,
    position_evidence_add,
    position_evidence_remove,
    size_words,
)
from assessments.quarter.evidence_forms import EvidenceForm
from assessments.questionnaire.selectors import principles_with_questions
from core.kept import typed
from trusts.permissions import Permission, requires_on_trust

ADD, REMOVE = "add", "remove"


@requires_on_trust(Permission.ASSESSMENT_RUN)
@with_assessment
@require_http_methods(["GET", "POST"])
def position_evidence(request, assessment: Assessment, number: int):
    principle = next((p for p in principles_with_questions(assessment) if p.number == number), None)
    if principle is None:
        raise Http404("No such principle.")
    position = (
        assessment.positions.filter(principle=principle).select_related("assessment__trust").first()
    )
    sent = typed(request) if position is not None else None
    which = sent.get("form") if sent else None
    if request.method == "POST" and which == REMOVE:
        return _remove(request, position, sent.get("evidence", ""))
    form = EvidenceForm(sent if which == ADD else None, request.FILES or None)
    if request.method == "POST" and which == ADD and form.is_valid():
        try:
            position_evidence_add(position=position, **form.evidence(), by=request.user)
        except EvidenceRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, f"“{form.cleaned_data['title']}” is added.")
            return redirect(request.path)
    return render(
        request,
        "quarter/position_evidence.html",
        {
            "assessment": assessment,
            "principle": principle,
            "position": position,
            "evidence": _listed(position),
            "form": form,
        },
    )


def _remove(request, position, chosen: str):
    """Removes one of the position's evidence. Sent again (a double click, or back and
    send), it is already gone: said so, not a 404. Another position's evidence is a 404."""
    pk = int(chosen) if chosen.isdigit() else None
    evidence = position.evidence.defer("pdf").filter(pk=pk).first()
    if evidence is None:
        if pk is None or PositionEvidence.objects.filter(pk=pk).exists():
            raise Http404("No such evidence.")
        messages.info(request, "That evidence has already been removed.")
        return redirect(request.path)
    position_evidence_remove(evidence=evidence, by=request.user)
    messages.success(request, f"“{evidence.title}” is removed.")
    return redirect(request.path)


def _listed(position) -> list:
    """The position's evidence, each PDF with its size in words (its bytes are not read)."""
    if position is None:
        return []
    listed = list(position.evidence.defer("pdf").annotate(pdf_bytes=Length("pdf")))
    for evidence in listed:
        evidence.size = size_words(evidence.pdf_bytes or 0) if evidence.is_pdf else ""
    return listed
