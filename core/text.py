"""Text made fit for formats that cannot take all of it: control characters that no
document holds, and limits set outside the service (a Word file's properties, an email's
subject line). Wherever text is cut, the whole of it is shown somewhere else."""

import re

ELLIPSIS = "…"
# Punctuation left dangling where a phrase is cut ("Trust board, …" reads as unfinished).
DANGLING = " ,;:–—-"
# Control characters, but tab, line feed and carriage return: a Word file and a
# spreadsheet refuse them, and a PDF prints each as a box. Text pasted from Word brings
# its line breaks (Shift+Enter) as vertical tabs, and our forms keep what was typed.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with each control character (but tabs and line breaks) as a space."""
    return CONTROL.sub(" ", text)


def shortened(text: str, limit: int) -> str:
    """``text`` on one line (each run of spaces, line breaks and control characters as one
    space), whole if it fits in ``limit`` characters; otherwise cut after a word, with an
    ellipsis, or within a word when the last word boundary would leave less than half the
    room."""
    line = " ".join(printable(text).split())
    if len(line) <= limit:
        return line
    room = line[: limit - len(ELLIPSIS)]
    if line[len(room)] != " ":  # the cut falls within a word
        boundary = room.rfind(" ")
        if boundary >= limit // 2:
            room = room[:boundary]
    return room.rstrip(DANGLING) + ELLIPSIS
