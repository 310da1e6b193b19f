"""The form that adds evidence to the board's agreed position on one principle: a title,
and either an https link or a PDF. The PDF's size is checked before it is read; its type
from what it holds (assessments.quarter.evidence), never from its name."""

from django import forms

from assessments.models import EVIDENCE_PDF_MAX_BYTES, PositionEvidence
from assessments.quarter.evidence import (
    BOTH,
    EMPTY,
    LIMIT_WORDS,
    NEITHER,
    TOO_LARGE,
    EvidenceRefused,
    pdf_problem,
)
from core.fields import HTTPS_ONLY_MESSAGE, https_only
from core.forms import limit_of, text_field

URL_LIMIT = limit_of(PositionEvidence, "url")


class EvidenceForm(forms.Form):
    title = text_field(
        PositionEvidence,
        "title",
        label="Title",
        help_text="What the evidence is, as the board paper lists it",
        required="Enter a title for the evidence",
    )
    url = forms.URLField(
        label="Link (optional if you choose a PDF)",
        help_text="A web address that starts with https://",
        required=False,
        max_length=URL_LIMIT,
        assume_scheme="https",
        validators=[https_only],
        error_messages={
            "invalid": HTTPS_ONLY_MESSAGE,
            "max_length": f"Keep the link to {URL_LIMIT} characters or fewer",
        },
    )
    pdf = forms.FileField(
        label="Or a PDF",
        help_text=f"A PDF file smaller than {LIMIT_WORDS}. It is kept with the board paper",
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"empty": EMPTY, "invalid": "The selected file could not be read"},
    )

    def clean_pdf(self) -> tuple[str, bytes] | None:
        upload = self.cleaned_data.get("pdf")
        if not upload:
            return None
        # Known from the upload before it is read into memory.
        if upload.size > EVIDENCE_PDF_MAX_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        data = upload.read()
        problem = pdf_problem(data)
        if problem:
            raise forms.ValidationError(problem)
        return upload.name, data

    def clean(self):
        cleaned = super().clean()
        if "url" in self.errors or "pdf" in self.errors:
            return cleaned
        if cleaned.get("url") and cleaned.get("pdf"):
            self.add_error("pdf", BOTH)
        elif not cleaned.get("url") and not cleaned.get("pdf"):
            self.add_error("url", NEITHER)
        return cleaned

    def add_refusal(self, refused: EvidenceRefused) -> None:
        self.add_error(refused.field, str(refused))

    def evidence(self) -> dict:
        """What position_evidence_add takes."""
        name, data = self.cleaned_data["pdf"] or ("", None)
        return {
            "title": self.cleaned_data["title"],
            "url": self.cleaned_data["url"],
            "pdf": data,
            "pdf_name": name,
        }
