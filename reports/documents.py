"""The board paper as a document: HTML for the web page and the PDF from one template."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.text import slugify

from reports.pdf import render_pdf
from reports.presenters import BoardPaper


def paper_pdf(paper: BoardPaper) -> bytes:
    return render_pdf(render_to_string("reports/paper_document.html", {"paper": paper}))


def paper_filename(paper: BoardPaper, extension: str = "pdf") -> str:
    draft = "-draft" if paper.draft else ""
    return f"board-paper-{paper.ods_code}-{slugify(paper.quarter)}{draft}.{extension}".lower()


@dataclass(frozen=True)
class PaperFile:
    content: bytes
    filename: str
    made_now: bool  # False when a stored, frozen paper was served
