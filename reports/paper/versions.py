"""The versions of a closed quarter's paper: it is never changed silently. Each time it is
frozen with a new fingerprint (reports.paper.actions) it becomes the next version, which
prints its number, the day it was made and what changed since the version before.

What changed is worked out from a short digest of each part of the paper (the agreed
positions, the results, the comments, other trusts, the trend, the action log, the cover),
kept with the latest version only: a new version compares its parts with the latest's,
and the latest then lets its own go. An erasure or the end of the answers' keeping drops
them too (reports.paper.actions._forget_files), so no digest outlives what it was made
from; the next version then says why the paper changed instead."""

import hashlib
import json
from dataclasses import asdict, replace

from django.utils import timezone

from assessments.results.settling import ERASURE
from reports.models import PaperVersion
from reports.paper.presenters import BoardPaper, VersionLine
from reports.paper.sections import long_date

FORGOTTEN = "forgotten"  # the part digests' key when they were dropped, with the reason

# A row's fields that are the meeting's record, other trusts' figures, or the trend; its
# other fields are the board's results.
POSITION_FIELDS = ("agreed", "agreed_rationale", "agreed_dissent", "room_vote")
PEER_FIELDS = ("peer_median", "peer_range", "type_median", "type_range", "peer_median_value")
TREND_FIELDS = ("trend", "trend_text", "trend_value")
# Worked out from the cover sheet and the figures: a change shows in those parts.
COVER_WORKED_OUT = ("confidence", "confidence_reason", "asks", "summary")


# The meeting's record, each of its three kinds apart, to say which changed: a version made
# before these were kept says only that the record of the meeting changed.
AGREED, VOTES, DISSENT = "positions.agreed", "positions.votes", "positions.dissent"


def _parts_data(paper: BoardPaper) -> dict[str, object]:
    data = asdict(paper)
    rows = data["rows"]
    theirs = set(POSITION_FIELDS + PEER_FIELDS + TREND_FIELDS)
    questions = [q for section in data["appendix"] for q in section["questions"]]
    return {
        "positions": (
            data["positions_recorded"],
            [[row[name] for name in POSITION_FIELDS] for row in rows],
        ),
        AGREED: (
            data["positions_recorded"],
            [[row["agreed"], row["agreed_rationale"]] for row in rows],
        ),
        VOTES: [row["room_vote"] for row in rows],
        DISSENT: [row["agreed_dissent"] for row in rows],
        "results": (
            data["submitted"],
            data["shown"],
            data["overall"],
            [{k: v for k, v in row.items() if k not in theirs} for row in rows],
            [{k: v for k, v in q.items() if k not in ("comments", "evidence")} for q in questions],
        ),
        # Members' evidence goes with the comments; a question with none digests as before
        # evidence was added, so an earlier version does not read as changed.
        "comments": [
            [q["comments"], q["evidence"]] if q["evidence"] else q["comments"] for q in questions
        ],
        "peers": [[row[name] for name in PEER_FIELDS] for row in rows],
        "trend": (data["trend_table"], data["overall_change"], [row["trend"] for row in rows]),
        "actions": data["actions"],
        "roadmap": data["roadmap"],
        "what_followed": data["what_followed"],
        "cover": {k: v for k, v in data["cover"].items() if k not in COVER_WORKED_OUT},
        "position_evidence": data["position_evidence"],
    }


def parts_of(paper: BoardPaper) -> dict[str, str]:
    """A short digest of each part of the paper, to tell which changed."""
    return {
        name: hashlib.sha256(
            json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()
        ).hexdigest()[:16]
        for name, value in _parts_data(paper).items()
    }


def changes_since(before: dict[str, str], paper: BoardPaper, after: dict[str, str]) -> list[str]:
    """What changed between a version's parts (``before``) and this paper's, in words that
    name nobody."""
    if FORGOTTEN in before:
        if before[FORGOTTEN] == ERASURE:
            return ["names and comments withdrawn when a person's data was erased"]
        return ["comments withdrawn when the quarter's answers reached the end of their keeping"]
    changed = {name for name, digest in after.items() if before.get(name) != digest}
    words = []
    if "positions" in changed:
        words.extend(_meeting_changes(before, changed, paper))
    if "results" in changed:
        words.append("answers changed after the quarter was reopened")
    if "comments" in changed:
        words.append(
            _withdrawn_words(paper)
            if paper.comments_withdrawn or paper.evidence_withdrawn
            else "comments or evidence changed after the quarter was reopened"
        )
    if "peers" in changed:
        words.append("other trusts' results for the quarter, as more of them closed it")
    if "trend" in changed:
        words.append("the board's results in earlier quarters")
    if "actions" in changed:
        words.append("the action log as it stood at close")
    if _roadmap_changed(before, changed, paper):
        words.append("the roadmap to the targets")
    if "what_followed" in changed and paper.what_followed is not None:
        words.append("the actions completed, beside what followed")
    if "cover" in changed:
        words.append("the cover sheet")
    # A version made before evidence was kept says so only once there is some.
    if "position_evidence" in changed and (
        "position_evidence" in before or paper.position_evidence
    ):
        words.append("evidence for the agreed positions changed")
    return words or ["the way the paper is worded or laid out"]


def _withdrawn_words(paper: BoardPaper) -> str:
    return "comments and evidence withdrawn" if paper.evidence_withdrawn else "comments withdrawn"


def _meeting_changes(before: dict[str, str], changed: set[str], paper: BoardPaper) -> list[str]:
    """What changed in the record of the board's meeting the paper prints: its agreed
    positions, its room votes (closed ones, printed with or without a position) and the
    dissent it minuted, each only where it changed, as it is now."""
    on = f" at its meeting on {paper.meeting_date}" if paper.meeting_date else " at its meeting"
    if not all(name in before for name in (AGREED, VOTES, DISSENT)):
        return [f"the record of what the board decided{on}"]
    votes = "room vote" if paper.votes_taken == 1 else "room votes"
    kinds = (  # what changed, shown now as it is, or no longer shown
        (AGREED, paper.positions_recorded, "its agreed positions", "the agreed positions"),
        (VOTES, paper.votes_taken, f"its {votes}", "the room votes"),
        (DISSENT, paper.dissent_minuted, "the dissent it minuted", "the dissent minuted"),
    )
    now = [words for name, shown, words, _ in kinds if name in changed and shown]
    gone = [words for name, shown, _, words in kinds if name in changed and not shown]
    said = []
    if now:
        said.append(f"what the board recorded{on}: {_listed(now)}")
    if gone:
        said.append(f"withdrawn from the record of the board's meeting: {_listed(gone)}")
    return said


def _roadmap_changed(before: dict[str, str], changed: set[str], paper: BoardPaper) -> bool:
    """A version made before the paper had a roadmap changed only if there is one now."""
    if "roadmap" not in changed:
        return False
    return "roadmap" in before or bool(paper.roadmap and not paper.roadmap.empty)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def version_line(assessment, paper: BoardPaper) -> VersionLine | None:
    """Which version this closed paper is: the latest one when nothing it shows has changed
    since (its fingerprint), else the next, made today. None for a draft."""
    if paper.draft:
        return None
    latest = PaperVersion.objects.filter(assessment=assessment).order_by("-number").first()
    if latest is not None and latest.fingerprint == paper.fingerprint():
        return VersionLine(latest.number, _made_on(latest), tuple(latest.changes))
    if latest is None:
        return VersionLine(1, long_date(timezone.localdate()))
    changes = changes_since(latest.parts, paper, parts_of(paper))
    return VersionLine(latest.number + 1, long_date(timezone.localdate()), tuple(changes))


def versioned(assessment, paper: BoardPaper) -> BoardPaper:
    """The paper with the version it is (or will be, when next frozen) printed in it."""
    return replace(paper, version=version_line(assessment, paper))


def versions_of(assessment) -> tuple[VersionLine, ...]:
    """Every version of the quarter's paper made so far, newest first."""
    return tuple(
        VersionLine(version.number, _made_on(version), tuple(version.changes))
        for version in PaperVersion.objects.filter(assessment=assessment).order_by("-number")
    )


def _made_on(version: PaperVersion) -> str:
    return long_date(timezone.localdate(version.made_at))
