"""The board paper as a document: HTML for the web page and the PDF from one template."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.text import slugify

from reports.paper.pdf import render_pdf
from reports.paper.presenters import BoardPaper


def paper_pdf(paper: BoardPaper) -> bytes:
    return render_pdf(render_to_string("paper/document.html", {"paper": paper}))


def paper_filename(
    *, ods_code: str, quarter: str, draft: bool, kind: str = "board-paper", extension: str = "pdf"
) -> str:
    """Like board-paper-zza-202627-q3.pdf (or -draft.pdf while the quarter is open)."""
    mark = "-draft" if draft else ""
    return f"{kind}-{ods_code}-{slugify(quarter)}{mark}.{extension}".lower()


@dataclass(frozen=True)
class PaperFile:
    content: bytes
    filename: str
    made_now: bool  # False when a stored, frozen paper was served
