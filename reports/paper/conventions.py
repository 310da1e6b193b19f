"""The trust's own cover-sheet sections on the board paper's cover: each shown where the
trust has switched it on (reports.models.CoverSection) and the digital lead has filled it
in, in every format (reports.paper.cover puts them on the cover)."""

from reports.models import AssuranceRating, CoverPurposes, CoverSection, FoiStatus, Session

# The cover table's rows of the trust's sections, in the order they are shown.
DETAIL_ROWS = (
    (CoverSection.SESSION, "Session"),
    (CoverSection.APPROVED_BY, "Approved by"),
    (CoverSection.VERSION, "Version"),
    (CoverSection.STRATEGIC_OBJECTIVES, "Strategic objectives"),
    (CoverSection.BAF_RISKS, "Board Assurance Framework risks"),
    (CoverSection.FOI, "Freedom of Information"),
)
# "Alert, advise, assure": each heading and the cover sheet's field under it.
ALERT_ADVISE_ASSURE = (("Alert", "alert"), ("Advise", "advise"), ("Assure", "assure"))
# The impact sections, each its own field (named as its section is).
IMPACTS = (
    (CoverSection.IMPACT_QUALITY, "Quality and patient safety"),
    (CoverSection.IMPACT_EQUALITY, "Equality and health inequalities"),
    (CoverSection.IMPACT_FINANCE, "Finance"),
    (CoverSection.IMPACT_LEGAL, "Legal and regulatory"),
    (CoverSection.IMPACT_INFORMATION_GOVERNANCE, "Information governance"),
    (CoverSection.IMPACT_SUSTAINABILITY, "Sustainability"),
)


def purposes_in_words(purposes: list[str]) -> str:
    """ "For approval", "For approval and assurance", "For assurance, discussion and
    information", in the order the cover sheet offers them."""
    words = [label.lower() for value, label in CoverPurposes.choices if value in purposes]
    if len(words) > 1:
        words = [", ".join(words[:-1]) + " and " + words[-1]]
    return f"For {words[0]}" if words else ""


def _detail(sheet, section: str) -> str:
    if section == CoverSection.SESSION:
        return Session(sheet.session).label if sheet.session else ""
    if section == CoverSection.FOI:
        if sheet.foi_status == FoiStatus.EXEMPT:
            label = FoiStatus.EXEMPT.label
            return f"{label}: {sheet.foi_reason}" if sheet.foi_reason else label
        return FoiStatus(sheet.foi_status).label if sheet.foi_status else ""
    return getattr(sheet, section)


def conventions_of(sheet, sections: frozenset[str]) -> dict:
    """The cover's values from the sections switched on (``sections``), for
    dataclasses.replace on reports.paper.cover.Cover. A section switched off shows
    nothing, whatever the sheet keeps for it."""
    shown: dict = {
        "details": tuple(
            (label, value)
            for section, label in DETAIL_ROWS
            if section in sections and (value := _detail(sheet, section))
        ),
        "alert_advise_assure": tuple(
            (label, getattr(sheet, name))
            for label, name in ALERT_ADVISE_ASSURE
            if CoverSection.ALERT_ADVISE_ASSURE in sections and getattr(sheet, name)
        ),
        "impacts": tuple(
            (label, getattr(sheet, section))
            for section, label in IMPACTS
            if section in sections and getattr(sheet, section)
        ),
    }
    if CoverSection.PURPOSES in sections and sheet.purposes:
        shown["purpose"] = purposes_in_words(sheet.purposes)
    if CoverSection.ASSURANCE_RATING in sections and sheet.assurance_rating:
        shown["assurance_rating"] = AssuranceRating(sheet.assurance_rating).label
        shown["assurance_reason"] = sheet.assurance_reason
    return shown
